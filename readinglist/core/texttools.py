"""LaTeX fragments in titles and abstracts, turned into readable text (Qt-free).

Listing pages copy abstracts verbatim from arXiv, so they carry `\\%`, `\\textbf{x}`, `T\\"ULU`
and `$\\alpha$`. We convert the common fragments and keep every other character as it was:
an unknown command or a lone `_`/`^` stays visible rather than vanishing or becoming markup.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_ESCAPES = {"%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", " ": " "}

# Accent commands and the combining mark each one adds.
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}

_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "times": "×",
    "cdot": "·",
    "pm": "±",
    "mp": "∓",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "simeq": "≃",
    "propto": "∝",
    "infty": "∞",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "leftrightarrow": "↔",
    "uparrow": "↑",
    "downarrow": "↓",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "subseteq": "⊆",
    "cup": "∪",
    "cap": "∩",
    "forall": "∀",
    "exists": "∃",
    "partial": "∂",
    "nabla": "∇",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "sqrt": "√",
    "ell": "ℓ",
    "circ": "∘",
    "degree": "°",
    "ldots": "…",
    "cdots": "⋯",
    "dots": "…",
    "log": "log",
    "exp": "exp",
    "max": "max",
    "min": "min",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "textasciitilde": "~",
    "textbackslash": "\\",
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
}

# Commands whose braced argument is kept, with the style they give it.
_STYLED = {
    "textbf": "b",
    "mathbf": "b",
    "bm": "b",
    "boldsymbol": "b",
    "textit": "i",
    "emph": "i",
    "mathit": "i",
    "textsl": "i",
    "texttt": "tt",
    "mathtt": "tt",
    "textrm": "",
    "mathrm": "",
    "text": "",
    "textsc": "",
    "textsf": "",
    "mathsf": "",
    "mathcal": "",
    "mathbb": "",
    "operatorname": "",
    "mbox": "",
    "url": "tt",
}
# After these, a brace group is an argument we do not convert (`x_{i}`, `\\cite{k}`): kept.
_KEEPS_BRACES = re.compile(r"[\w^]")
_COMMAND = re.compile(r"\\([A-Za-z]+)|\\(.)", re.DOTALL)
# Inline math: short, on one line, not "$5 and $10" (a digit after the opening $ and a space
# before the closing one is money, not math).
_MATH = re.compile(r"\$(?!\s)([^$\n]{1,200}?)(?<![\s\\])\$")


@dataclass(frozen=True)
class Span:
    """A run of text with one style: "" plain, "b" bold, "i" italic, "tt" monospace."""

    text: str
    style: str = ""


def _braced(text: str, start: int) -> tuple[str, int] | None:
    """The `{...}` group starting at `start` (nesting respected) and the index after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            continue
        if char == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    return None


def _accent(mark: str, base: str) -> str:
    return unicodedata.normalize("NFC", base + mark) if base else mark


def _convert(text: str, style: str, out: list[Span], math: bool) -> None:
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(Span("".join(buffer), style))
            buffer.clear()

    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "$" and not math:
            match = _MATH.match(text, index)
            if match is not None and not match.group(1)[0].isdigit():
                flush()
                _convert(match.group(1), style, out, math=True)
                index = match.end()
                continue
        if char == "{" and not math and (index == 0 or not _KEEPS_BRACES.match(text[index - 1])):
            # `{\"U}` and `{GPT}` (case protection): the braces are LaTeX, not text. In math
            # (`sum_{i=1}`) they are kept, so nothing a reader needs goes missing.
            group = _braced(text, index)
            if group is not None:
                flush()
                _convert(group[0], style, out, math)
                index = group[1]
                continue
        if char != "\\":
            buffer.append(char)
            index += 1
            continue
        match = _COMMAND.match(text, index)
        if match is None:  # a trailing backslash
            buffer.append(char)
            index += 1
            continue
        name = match.group(1) or match.group(2)
        after = match.end()
        if name in _ESCAPES:
            buffer.append(_ESCAPES[name])
            index = after
            continue
        if name in _ACCENTS and (match.group(2) is not None or len(name) == 1):
            # \"U, \"{U}, \c{c}, \v s: the accent applies to the next letter or group.
            target = after
            while name.isalpha() and target < length and text[target] == " ":
                target += 1
            group = _braced(text, target)
            if group is not None and len(group[0]) <= 2:
                buffer.append(_accent(_ACCENTS[name], group[0]))
                index = group[1]
                continue
            if target < length and text[target].isalpha():
                buffer.append(_accent(_ACCENTS[name], text[target]))
                index = target + 1
                continue
        if match.group(1) is not None and name in _STYLED:
            group = _braced(text, after)
            if group is not None:
                flush()
                _convert(group[0], _STYLED[name] or style, out, math)
                index = group[1]
                continue
        if match.group(1) is not None and name in _SYMBOLS:
            buffer.append(_SYMBOLS[name])
            index = after
            # A control word swallows one following space in LaTeX ("\alpha x" is "αx");
            # we keep it, since a reader expects words to stay apart.
            continue
        if name == "\\":
            buffer.append("\n")
            index = after
            continue
        # Unknown: keep it verbatim so nothing is lost.
        buffer.append(match.group(0))
        index = after
    flush()


def latex_spans(text: str) -> list[Span]:
    """Styled runs of `text` with its LaTeX fragments converted; adjacent equal styles merged."""
    raw: list[Span] = []
    _convert(text, "", raw, math=False)
    merged: list[Span] = []
    for span in raw:
        if merged and merged[-1].style == span.style:
            merged[-1] = Span(merged[-1].text + span.text, span.style)
        elif span.text:
            merged.append(span)
    return merged


def latex_to_text(text: str) -> str:
    """Plain text: `T\\"ULU` -> TÜLU, `\\%` -> %, `$\\alpha$` -> α, `\\textbf{x}` -> x."""
    return "".join(span.text for span in latex_spans(text))


_TAGS = {"b": ("<b>", "</b>"), "i": ("<i>", "</i>"), "tt": ("<code>", "</code>"), "": ("", "")}


def latex_to_html(text: str) -> str:
    """An HTML fragment: all text escaped (raw HTML shows as text), bold/italic kept."""
    parts = []
    for span in latex_spans(text):
        opening, closing = _TAGS[span.style]
        parts.append(opening + html.escape(span.text, quote=False) + closing)
    return "".join(parts)
