"""Markdown export: renders as intended with markdown-it-py (CommonMark) and Python-Markdown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import shutil
import subprocess

import markdown
import pytest
from markdown_it import MarkdownIt

from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.exporters.markdown import export_markdown
from tests.export_support import html_text, record, sample_records

SPECIAL_TITLE = (
    "*Bold* _it_ __x__ [link](http://e.org) | pipe <b>html</b> `code` $\\alpha_1$ & &amp; "
    "~~strike~~ \\ back # hash"
)


def render_commonmark(text: str) -> str:
    return str(MarkdownIt("commonmark").render(text))


def render_python_markdown(text: str) -> str:
    return markdown.markdown(text)


def with_links(papers: list[PaperRecord]) -> list[PaperRecord]:
    """The samples name no arXiv ids; give every other paper one so both kinds are checked."""
    return [dataclasses.replace(p, arxiv_id=f"2401.{p.id:05d}") if p.id % 2 else p for p in papers]


@pytest.mark.parametrize("render", [render_commonmark, render_python_markdown])
def test_every_sample_title_appears_once_as_link_or_heading(render: object) -> None:
    assert callable(render)
    papers = with_links(sample_records())
    # Repeats of a paper across samples are separate records: one entry each.
    text = export_markdown(papers, title="Samples", abstracts="full", include_notes=False)
    parsed = html_text(render(text))
    assert parsed.tags.get("em", 0) == 0
    assert parsed.tags.get("strong", 0) == 0
    assert parsed.tags.get("code", 0) == 0
    linked = [p.title for p in papers if p.arxiv_id]
    unlinked = [p.title for p in papers if not p.arxiv_id]
    for title in set(linked):
        assert parsed.links.count(title) == linked.count(title), title
    headings = parsed.headings[1:]  # after the list's own heading
    assert len(headings) == len(papers)
    for title in set(unlinked):
        assert headings.count(title) == unlinked.count(title) + linked.count(title), title


@pytest.mark.parametrize("render", [render_commonmark, render_python_markdown])
def test_special_characters_render_as_text(render: object) -> None:
    assert callable(render)
    abstract = "Uses *stars*, _under_ and [brackets](x) with <script>alert(1)</script> | a | b |"
    paper = record(title=SPECIAL_TITLE, arxiv_id="2401.00001", abstract=abstract, notes="x")
    text = export_markdown([paper], title="List *1*", abstracts="full", include_notes=True)
    rendered = render(text)
    parsed = html_text(rendered)
    assert parsed.links == [SPECIAL_TITLE]
    assert parsed.headings == ["List *1*", SPECIAL_TITLE]
    assert parsed.tags.get("em", 0) == 0 and parsed.tags.get("code", 0) == 0
    assert parsed.tags.get("strong") == 1  # the "Notes:" label, nothing else
    assert "<script>" not in rendered and "<b>" not in rendered and "<del>" not in rendered
    assert "<ul>" not in rendered and "<table>" not in rendered
    assert abstract in html.unescape(rendered)  # as text: the raw tags were refused above


def test_abstract_in_details_block() -> None:
    paper = record(title="T", abstract="A <b>bold</b> claim & *more*\n\nSecond paragraph.")
    text = export_markdown([paper], title="L", abstracts="details")
    assert "<details>\n<summary>Abstract</summary>\n<p>A &lt;b&gt;bold&lt;/b&gt;" in text
    for render in (render_commonmark, render_python_markdown):
        rendered = render(text)
        assert "<details>" in rendered and "<summary>Abstract</summary>" in rendered
        assert "<b>" not in rendered and "<em>" not in rendered
        assert "<p>Second paragraph.</p>" in rendered


def test_no_abstract_when_asked_for_none() -> None:
    paper = record(title="T", abstract="Secret abstract.")
    assert "Secret" not in export_markdown([paper], title="L", abstracts="none")


def test_metadata_line() -> None:
    paper = record(
        title="ZeRO",
        arxiv_id="1910.02054",
        published=dt.date(2019, 10, 4),
        published_precision=DatePrecision.DAY,
        authors=["Samyam Rajbhandari", "Jeff Rasley"],
        organization="Microsoft",
        code_urls=["https://github.com/microsoft/DeepSpeed"],
    )
    text = export_markdown([paper], title="L")
    assert "## [ZeRO](https://arxiv.org/abs/1910.02054)" in text
    assert (
        "4 Oct 2019 · Samyam Rajbhandari, Jeff Rasley · Microsoft · "
        "[Code](https://github.com/microsoft/DeepSpeed)"
    ) in text


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        (DatePrecision.DAY, "6 Jun 2024"),
        (DatePrecision.YEAR_INFERRED, "6 Jun 2024"),
        (DatePrecision.MONTH, "Jun 2024"),
        (DatePrecision.YEAR, "2024"),
    ],
)
def test_date_at_its_precision(precision: DatePrecision, shown: str) -> None:
    paper = record(published=dt.date(2024, 6, 6), published_precision=precision, authors_count=3)
    assert f"\n\n{shown} · 3 authors\n" in export_markdown([paper], title="L")


def test_author_count_and_long_author_lists() -> None:
    one = record(1, "One", authors_count=1)
    many = record(2, "Many", authors=[f"Author {i}" for i in range(8)])
    text = export_markdown([one, many], title="L")
    assert "\n1 author\n" in text
    assert "Author 0, Author 1, Author 2 et al." in text


def test_url_links_and_unlinked_titles() -> None:
    linked = record(1, "Linked", url="https://example.org/paper (v2)")
    plain = record(2, "Plain")
    text = export_markdown([linked, plain], title="L")
    assert "## [Linked](https://example.org/paper%20%28v2%29)" in text
    assert "## Plain\n" in text


def test_heading_description_empty_and_one_paper() -> None:
    empty = export_markdown([], title="My *List*", description="For the\n\nreading group.")
    assert empty == "# My \\*List\\*\n\nFor the\n\nreading group.\n\nNo papers.\n"
    one = export_markdown([record(title="Alone")], title="L")
    assert one == "# L\n\n1 paper.\n\n## Alone\n"


def test_notes_are_included_on_request_as_markdown_in_a_quote() -> None:
    paper = record(title="T", notes="Read *section 3*.\n\n# Big\n\n1. then this")
    assert "Read" not in export_markdown([paper], title="L")
    text = export_markdown([paper], title="L", include_notes=True)
    assert "**Notes:**\n> Read *section 3*.\n>\n> # Big\n>\n> 1. then this\n" in text
    for render in (render_commonmark, render_python_markdown):
        rendered = render(text)
        quote = rendered[rendered.index("<blockquote>") :]
        assert "<em>section 3</em>" in quote and "<ol>" in quote and "<h1>Big</h1>" in quote


def test_group_by_status_and_tag() -> None:
    papers = [
        record(1, "A", status=ReadingStatus.READ, tags=["nlp", "Vision"]),
        record(2, "B", status=ReadingStatus.UNREAD, tags=["nlp"]),
        record(3, "C", status=ReadingStatus.READING),
    ]
    by_status = export_markdown(papers, title="L", group_by="status")
    assert by_status.index("## Unread") < by_status.index("### B")
    assert by_status.index("## Reading") < by_status.index("### C")
    assert by_status.index("## Read\n") < by_status.index("### A")
    by_tag = export_markdown(papers, title="L", group_by="tag")
    parsed = html_text(render_commonmark(by_tag))
    assert parsed.headings == ["L", "nlp", "A", "B", "Vision", "A", "Untagged", "C"]


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError):
        export_markdown([], title="L", abstracts="some")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        export_markdown([], title="L", group_by="year")  # type: ignore[arg-type]


def test_a_metadata_line_never_starts_a_list() -> None:
    paper = record(title="T", organization="1. Lab")
    text = export_markdown([paper], title="L")
    assert "\n1\\. Lab\n" in text
    assert "<ol>" not in render_commonmark(text)


# Abstracts come from saved web pages: whatever they hold must stay text in the folded block.
HOSTILE_ABSTRACT = (
    "Click [here](javascript:alert(1)) or ![](http://evil.example/x.png) <script>alert(2)</script> "
    "<http://evil.example/auto> javascript:alert(3) https://bare.example/y [ref]: http://r.example "
    "$\\int x$ \\input{/etc/passwd} @doe2020 ^sup^ ~sub~ ~~gone~~ [span]{.c} ^[note] `code` "
    '**bold** _it_ & &amp; "quoted" it\'s 3--4 ... end.\n\n'
    "# not a heading\n\n- not a list\n\n<img src=x onerror=alert(4)>"
)


def _details_text(rendered: str) -> str:
    """The visible text inside the rendered <details> block, whitespace folded."""
    start, end = rendered.index("<details>"), rendered.index("</details>")
    inner = re.sub(r"<summary>.*?</summary>", "", rendered[start:end], flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split())


def _pandoc(text: str, to: str) -> str:
    done = subprocess.run(
        ["pandoc", "--from", "markdown", "--to", to],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_a_hostile_abstract_in_details_stays_text_in_pandoc_commonmark_and_python_markdown() -> (
    None
):
    paper = record(title="T", abstract=HOSTILE_ABSTRACT)
    text = export_markdown([paper], title="L", abstracts="details")
    expected = " ".join(HOSTILE_ABSTRACT.split())
    renderings = {
        "pandoc": _pandoc(text, "html"),
        "commonmark": render_commonmark(text),
        "python-markdown": render_python_markdown(text),
    }
    for name, rendered in renderings.items():
        block = rendered[rendered.index("<details>") : rendered.index("</details>")]
        parsed = html_text(block)
        assert set(parsed.tags) <= {"details", "summary", "p"}, (name, parsed.tags)
        assert _details_text(rendered) == expected, name
    # In pandoc's document tree the abstract is words and spaces only, whatever it is written to.
    node_types: set[str] = set()
    raw_html: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") in ("RawBlock", "RawInline"):
                raw_html.add(str(node["c"][1]) if node["c"][0] == "html" else str(node["c"]))
            if "t" in node:
                node_types.add(str(node["t"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(_pandoc(text, "json"))["blocks"])
    assert node_types <= {"Header", "Para", "Plain", "Str", "Space", "RawBlock"}
    assert raw_html == {"<details>", "<summary>", "</summary>", "<p>", "</p>", "</details>"}
    # In full, as Markdown escaped for CommonMark, the text may get pandoc's typography
    # (superscripts, citations) but never a link, an image, math or raw HTML or TeX.
    node_types.clear()
    full = export_markdown(
        [dataclasses.replace(paper, title=HOSTILE_ABSTRACT)], title="L", abstracts="full"
    )
    walk(json.loads(_pandoc(full, "json"))["blocks"])
    assert not node_types & {"Link", "Image", "Math", "RawInline", "RawBlock", "Code"}
    latex = _pandoc(text, "latex")  # pandoc passes raw TeX through to LaTeX: none may survive
    for command in ("\\href", "\\url", "\\includegraphics", "\\input{", "\\(", "\\cite"):
        assert command not in latex, command
