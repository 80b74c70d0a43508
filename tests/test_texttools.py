"""LaTeX fragments to readable text, keeping every character a reader needs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.core.texttools import latex_to_html, latex_to_text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"improves by 12\% on MMLU", "improves by 12% on MMLU"),
        (r"T\"ULU 3 and T\"{U}LU", "TÜLU 3 and TÜLU"),
        (r"{\"U}ber Erd\H{o}s G\"odel", "Über Erdős Gödel"),
        (r"$\alpha$-entmax with $\beta \leq 1$", "α-entmax with β ≤ 1"),
        (r"\textbf{bold} and \emph{it}", "bold and it"),
        (r"N_E sum_{i=1}^{N_E} f_i p_i", r"N_E sum_{i=1}^{N_E} f_i p_i"),
        (r"a *star* and _under_ score", "a *star* and _under_ score"),
        (r"costs $5 and $10", "costs $5 and $10"),
        (r"$O(n^{2})$ time", "O(n^{2}) time"),
        (r"\cite{key} and \unknown{x}", r"\cite{key} and \unknown{x}"),
        (r"R\&D \#1 \_x \{y\}", "R&D #1 _x {y}"),
        ("trailing backslash \\", "trailing backslash \\"),
        ("", ""),
    ],
)
def test_latex_to_text(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


def test_html_keeps_styles_and_escapes_raw_html() -> None:
    assert latex_to_html(r"\textbf{x} <script>alert(1)</script> & \emph{y}") == (
        "<b>x</b> &lt;script&gt;alert(1)&lt;/script&gt; &amp; <i>y</i>"
    )


@given(st.text(alphabet=st.characters(blacklist_characters="\\${}"), max_size=200))
def test_text_without_latex_is_unchanged(text: str) -> None:
    assert latex_to_text(text) == text
