"""Helpers for the export tests: PaperRecords without a library, and reading our output back."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readinglist.core.entries import DatePrecision, ParsedPaper
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.importers import parse_listing, read_listing
from tests.conftest import HF_TEXT_SAMPLES, SAMPLES

__all__ = ["HF_TEXT_SAMPLES", "decode_latex", "html_text", "loose", "record", "sample_records"]

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def record(paper_id: int = 1, title: str = "A Paper", **fields: Any) -> PaperRecord:
    values: dict[str, Any] = {
        "abstract": None,
        "arxiv_id": None,
        "url": None,
        "published": None,
        "published_precision": DatePrecision.UNKNOWN,
        "authors": None,
        "authors_count": None,
        "organization": None,
        "upvotes": None,
        "comments": None,
        "code_urls": [],
        "status": ReadingStatus.UNREAD,
        "rating": 0,
        "notes": "",
        "tags": [],
        "added_at": _NOW,
        "updated_at": _NOW,
    }
    values.update(fields)
    return PaperRecord(id=paper_id, title=title, **values)


def from_parsed(paper_id: int, paper: ParsedPaper) -> PaperRecord:
    return record(
        paper_id,
        paper.title,
        abstract=paper.abstract,
        arxiv_id=paper.arxiv_id,
        url=paper.url,
        published=paper.published,
        published_precision=paper.published_precision,
        authors=paper.authors,
        authors_count=paper.authors_count,
        organization=paper.organization,
        code_urls=list(paper.code_urls),
        primary_class=paper.primary_class,
    )


def sample_records() -> list[PaperRecord]:
    """Every paper of every shared sample, as the importer read it (repeats included)."""
    if not HF_TEXT_SAMPLES:
        raise AssertionError(f"the sample pages are missing: expected them at {SAMPLES}")
    papers = [p for path in HF_TEXT_SAMPLES for p in parse_listing(read_listing(path)).papers]
    return [from_parsed(index, paper) for index, paper in enumerate(papers, 1)]


def _decoder() -> LatexNodes2Text:
    # pylatexenc lacks two standard LaTeX text commands; we write them for braces without a
    # partner (an escaped `\\{` would still count for bibtex).
    context = get_default_latex_context_db()
    context.add_context_category(
        "text-braces",
        prepend=True,
        macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
    )
    return LatexNodes2Text(latex_context=context)


_DECODER = _decoder()


def decode_latex(value: str) -> str:
    return str(_DECODER.latex_to_text(value))


def loose(text: str) -> str:
    """Equal modulo protective braces, math delimiters and spacing (what decoding may change).

    pylatexenc writes \\textasciicircum as the modifier letter ˆ and TeX quotes as curly ones.
    """
    text = text.replace("ˆ", "^")
    # TeX quotes in stored text (``so'') are kept as TeX and print as curly quotes.
    for quote in ("``", "''", "“", "”"):
        text = text.replace(quote, '"')
    text = re.sub(r"[{}$]", "", text)
    return " ".join(text.split())


class HtmlText(HTMLParser):
    """Collects the text of links and headings and counts the tags of an HTML rendering."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.headings: list[str] = []
        self.tags: dict[str, int] = {}
        self._link: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "a":
            self._link = []
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append("".join(self._link))
            self._link = None
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        for sink in (self._link, self._heading):
            if sink is not None:
                sink.append(data)


def html_text(rendered: str) -> HtmlText:
    parser = HtmlText()
    parser.feed(rendered)
    parser.close()
    return parser
