"""arXiv listing pages saved as HTML.

- `/list/<cat>/new`: sections New submissions, Cross submissions (older pages: Cross-lists) and
  Replacement submissions (Replacements), each entry a `<dt>` (id) + `<dd>` (title, authors,
  comments, journal reference, subjects, abstract).
- `/list/<cat>/recent` and `/pastweek`: the same entries without abstracts, under one `<h3>` per
  announcement day.
- Search results (`/search/?query=...`): `li.arxiv-result`, with a short and a full abstract.

The date a listing shows is its announcement date: it goes to the page (and the entry's
`shown`), never to the paper. The paper's month comes from its id.
"""

from __future__ import annotations

import datetime as dt
import re

from selectolax.lexbor import LexborNode

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.core.normalize import extract_links, normalize_arxiv_id
from readinglist.importers.arxiv_common import (
    listing_date,
    month_of_id,
    section_of,
    subject_codes,
)
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.html_util import LineFinder, node_text, parse_html, squash

_DESCRIPTOR = ("span.descriptor",)
_ANNOUNCED = re.compile(r"originally announced\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _classes(node: LexborNode) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def _without_label(text: str, *labels: str) -> str:
    for label in labels:
        if text.lower().startswith(label.lower()):
            return text[len(label) :].strip()
    return text.strip()


def _text_with_hrefs(node: LexborNode | None) -> str | None:
    """A comment's text with arXiv's shortened links ("this https URL") written out."""
    if node is None:
        return None
    for link in node.css("a[href]"):
        href = link.attributes.get("href") or ""
        if href.startswith("http") and "this" in (link.text() or "") and "URL" in link.text():
            link.replace_with(href)
    return node_text(node, skip=_DESCRIPTOR) or None


def _authors(node: LexborNode | None) -> list[str] | None:
    if node is None:
        return None
    names = [squash(a.text()) for a in node.css("a")]
    names = [name for name in names if name]
    if not names:  # an author list without links: split the text
        text = _without_label(node_text(node, skip=_DESCRIPTOR), "Authors:")
        names = [squash(part) for part in text.split(",") if part.strip()]
    return names or None


class ArxivHtmlImporter:
    name = "arxiv-html"
    label = "arXiv listing (HTML)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:200_000]
        if head.lstrip()[:1] != "<" or "arxiv" not in head.lower():
            return 0.0
        if "arxiv-result" in head:
            return 0.95
        if "<dt" in head and ("list-title" in head or 'title="Abstract"' in head):
            return 0.95
        return 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        tree = parse_html(listing)
        if tree.body is None:
            raise ListingError(listing.path, "the HTML has no body; the file may be cut off")
        lines = LineFinder(listing.text)
        warnings: list[ParseWarning] = []
        papers: list[ParsedPaper] = []
        page_date: dt.date | None = None
        section: str | None = None
        day: dt.date | None = None
        pending_dt: LexborNode | None = None

        for node in tree.body.traverse():
            tag = node.tag
            if tag in ("h2", "h3"):
                heading = node_text(node)
                found = listing_date(heading)
                if found is not None:
                    day = found
                    page_date = page_date or found
                new_section = section_of(heading)
                if new_section is not None or found is not None:
                    section = new_section
            elif tag == "dt":
                pending_dt = node
            elif tag == "dd" and pending_dt is not None:
                made = self._entry(pending_dt, node, section, day, lines)
                pending_dt = None
                if isinstance(made, ParseWarning):
                    warnings.append(made)
                else:
                    papers.append(made)
            elif tag == "li" and "arxiv-result" in _classes(node):
                made = self._search_result(node, lines)
                if isinstance(made, ParseWarning):
                    warnings.append(made)
                else:
                    papers.append(made)
        if pending_dt is not None:
            warnings.append(
                ParseWarning(
                    lines.find("</dt>"),
                    "the last entry has its id but no title; the page is cut off there",
                )
            )
        if not papers:
            raise ListingError(listing.path, "no papers found on this arXiv page")
        return ParseResult(
            format=self.name,
            papers=papers,
            page_date=page_date,
            page_date_precision=DatePrecision.DAY if page_date else DatePrecision.UNKNOWN,
            warnings=warnings,
        )

    def _entry(
        self,
        head: LexborNode,
        body: LexborNode,
        section: str | None,
        day: dt.date | None,
        lines: LineFinder,
    ) -> ParsedPaper | ParseWarning:
        link = head.css_first('a[title="Abstract"]') or head.css_first('a[href*="/abs/"]')
        raw_id = ""
        if link is not None:
            raw_id = (link.attributes.get("href") or "").rsplit("/abs/", 1)[-1]
        arxiv_id = normalize_arxiv_id(raw_id) or normalize_arxiv_id(
            node_text(link).removeprefix("arXiv:") if link is not None else ""
        )
        line, column = lines.locate(f"/abs/{raw_id}") if raw_id else lines.locate("<dt")
        title = _without_label(node_text(body.css_first(".list-title"), skip=_DESCRIPTOR), "Title:")
        if arxiv_id is None or not title:
            return ParseWarning(line, "an entry without an arXiv id or title was skipped")
        paper = ParsedPaper(title=title, line=line, column=column, arxiv_id=arxiv_id)
        paper.published, paper.published_precision = month_of_id(arxiv_id)
        paper.authors = _authors(body.css_first(".list-authors"))
        paper.arxiv_comment = _text_with_hrefs(body.css_first(".list-comments"))
        paper.journal_ref = (
            _without_label(
                node_text(body.css_first(".list-journal-ref"), skip=_DESCRIPTOR), "Journal-ref:"
            )
            or None
        )
        subjects_text = _without_label(
            node_text(body.css_first(".list-subjects"), skip=_DESCRIPTOR), "Subjects:"
        )
        primary = node_text(body.css_first(".primary-subject"))
        codes = subject_codes(subjects_text)
        paper.subjects = codes or None
        primary_codes = subject_codes(primary)
        paper.primary_class = primary_codes[0] if primary_codes else (codes[0] if codes else None)
        abstract_node = body.css_first("p.mathjax") or body.css_first("p")
        paper.abstract = node_text(abstract_node) or None
        paper.code_urls = extract_links(
            " ".join(filter(None, [paper.arxiv_comment, paper.abstract]))
        )
        note = squash(node_text(head))
        paper.shown = {
            key: value
            for key, value in {
                "section": section,
                "listing_date": day.isoformat() if day else None,
                "id": arxiv_id,
                "title": title,
                "subjects": subjects_text or None,
                "comments": paper.arxiv_comment,
                "cross_list_from": _between(note, "(cross-list from ", ")"),
                "replaced": True if "(replaced)" in note else None,
            }.items()
            if value is not None
        }
        return paper

    def _search_result(self, item: LexborNode, lines: LineFinder) -> ParsedPaper | ParseWarning:
        link = item.css_first(".list-title a[href]") or item.css_first('a[href*="/abs/"]')
        href = link.attributes.get("href") if link is not None else ""
        arxiv_id = normalize_arxiv_id(href or "")
        line, column = (
            lines.locate(f"/abs/{arxiv_id}") if arxiv_id else lines.locate("arxiv-result")
        )
        title = node_text(item.css_first("p.title"))
        if arxiv_id is None or not title:
            return ParseWarning(line, "a search result without an arXiv id or title was skipped")
        paper = ParsedPaper(title=title, line=line, column=column, arxiv_id=arxiv_id)
        paper.authors = _authors(item.css_first("p.authors"))
        full = item.css_first(".abstract-full") or item.css_first(".abstract-short")
        if full is not None:
            # The full abstract ends with a "△ Less" toggle link: not part of the text.
            paper.abstract = node_text(full, skip=("a",)) or None
        tags = [squash(tag.text()) for tag in item.css(".tags .tag")]
        codes = [tag for tag in tags if subject_codes(f"({tag})")]
        paper.subjects = codes or None
        paper.primary_class = codes[0] if codes else None
        for comment in item.css("p.comments"):
            text = node_text(comment)
            if text.startswith("Comments:"):
                paper.arxiv_comment = _without_label(text, "Comments:") or None
            elif text.lower().startswith("journal ref:"):
                paper.journal_ref = _without_label(text, "Journal ref:") or None
        submitted = node_text(item.css_first("p.is-size-7"))
        announced = _ANNOUNCED.search(submitted)
        month = _MONTHS.get(announced.group("month")[:3].lower()) if announced else None
        if announced is not None and month is not None:
            paper.published = dt.date(int(announced.group("year")), month, 1)
            paper.published_precision = DatePrecision.MONTH
        else:
            paper.published, paper.published_precision = month_of_id(arxiv_id)
        paper.code_urls = extract_links(
            " ".join(filter(None, [paper.arxiv_comment, paper.abstract]))
        )
        paper.shown = {
            key: value
            for key, value in {
                "id": arxiv_id,
                "title": title,
                "subjects": tags or None,
                "submitted": submitted or None,
                "comments": paper.arxiv_comment,
            }.items()
            if value is not None
        }
        return paper


def _between(text: str, start: str, end: str) -> str | None:
    at = text.find(start)
    if at < 0:
        return None
    rest = text[at + len(start) :]
    stop = rest.find(end)
    return rest[:stop].strip() if stop >= 0 else None


ARXIV_HTML = ArxivHtmlImporter()
