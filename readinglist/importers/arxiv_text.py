"""The plain text a browser copy of an arXiv listing gives (select all, copy, paste).

New submissions for Tue, 23 Jul 24           <- section and announcement date
[1]  arXiv:2407.14741 [pdf, other]           <- entry: number, id, formats
Title: Orthogonal Hyper-category ...
Authors: A. Person, B. Person                <- newer layout: the names without "Authors:"
Comments: 6 pages, accepted by ICME 2024
Journal-ref: ...
Subjects: Information Retrieval (cs.IR); Artificial Intelligence (cs.AI)
                                             <- blank line, then the abstract (/new only)
Watching micro-videos is ...
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.core.normalize import extract_links, normalize_arxiv_id
from readinglist.importers.arxiv_common import listing_date, month_of_id, section_of, subject_codes
from readinglist.importers.base import ListingText, ParseOptions

_ENTRY = re.compile(r"^\[(?P<number>\d+)\]\s+arXiv:(?P<id>\S+)(?P<note>.*)$")
_WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
_TOTAL = re.compile(r"total of (?P<total>\d+) entries")
_FIELDS = {
    "title:": "title",
    "authors:": "authors",
    "comments:": "comments",
    "journal-ref:": "journal_ref",
    "subjects:": "subjects",
}


@dataclass
class _Entry:
    line: int
    raw_id: str
    note: str
    section: str | None
    day: dt.date | None
    fields: dict[str, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)  # undescribed lines: the newer layout's authors
    abstract: list[str] = field(default_factory=list)


class ArxivTextImporter:
    name = "arxiv-text"
    label = "arXiv listing (text copy)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:20000]
        if head.lstrip()[:1] in ("<", "{"):
            return 0.0
        lines = head.split("\n")
        entries = sum(1 for line in lines if _ENTRY.match(line.strip()))
        titles = sum(1 for line in lines if line.startswith("Title:"))
        return 0.95 if entries and titles else 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        entries: list[_Entry] = []
        section: str | None = None
        day: dt.date | None = None
        page_date: dt.date | None = None
        total: int | None = None
        current: _Entry | None = None
        in_abstract = False
        for number, raw in enumerate(listing.text.split("\n"), 1):
            line = raw.strip()
            match = _ENTRY.match(line)
            heading = section_of(line) if match is None else None
            # A day heading ("Wed, 7 Oct 2026 (showing ...)") starts a /recent page's day.
            dated = heading is not None or (match is None and line[:3] in _WEEKDAYS)
            found_day = listing_date(line) if dated else None
            if heading is not None or found_day is not None:
                section = heading or section
                day = found_day or day
                page_date = page_date or found_day
                current, in_abstract = None, False
                continue
            if total is None and (found_total := _TOTAL.search(line)) is not None:
                total = int(found_total.group("total"))
            if match is not None:
                current = _Entry(number, match.group("id"), match.group("note"), section, day)
                entries.append(current)
                in_abstract = False
                continue
            if current is None:
                continue
            if not line:
                in_abstract = (bool(current.fields) and not current.abstract) or in_abstract
                continue
            if in_abstract:
                current.abstract.append(line)
                continue
            label, _, value = line.partition(" ")
            key = _FIELDS.get(label.lower())
            if key is not None:
                current.fields[key] = value.strip()
            elif "title" in current.fields and "subjects" not in current.fields:
                current.extra.append(line)
            else:
                current.abstract.append(line)
                in_abstract = True

        warnings: list[ParseWarning] = []
        papers = [p for p in (self._paper(e, warnings) for e in entries) if p is not None]
        if not papers:
            raise ListingError(listing.path, "no arXiv entries found in this text")
        if total is not None and total > len(entries):
            warnings.append(
                ParseWarning(
                    None,
                    f"the listing says it has {total} entries but the copy holds {len(entries)}",
                )
            )
        with_abstract = sum(1 for p in papers if p.abstract)
        last = papers[-1]
        if with_abstract and last.abstract is None:
            warnings.append(
                ParseWarning(
                    last.line,
                    f"the last entry {last.title!r} has no abstract; the copy may be cut there",
                )
            )
        return ParseResult(
            format=self.name,
            papers=papers,
            page_date=page_date,
            page_date_precision=DatePrecision.DAY if page_date else DatePrecision.UNKNOWN,
            warnings=warnings,
        )

    def _paper(self, entry: _Entry, warnings: list[ParseWarning]) -> ParsedPaper | None:
        arxiv_id = normalize_arxiv_id(entry.raw_id)
        title = entry.fields.get("title")
        if arxiv_id is None or not title:
            warnings.append(
                ParseWarning(entry.line, f"the entry arXiv:{entry.raw_id} has no title; skipped")
            )
            return None
        paper = ParsedPaper(title=title, line=entry.line, arxiv_id=arxiv_id)
        paper.published, paper.published_precision = month_of_id(arxiv_id)
        names = entry.fields.get("authors") or (", ".join(entry.extra) if entry.extra else None)
        if names:
            paper.authors = [name.strip() for name in names.split(",") if name.strip()]
        paper.arxiv_comment = entry.fields.get("comments")
        paper.journal_ref = entry.fields.get("journal_ref")
        subjects = entry.fields.get("subjects")
        if subjects:
            codes = subject_codes(subjects)
            paper.subjects = codes or None
            paper.primary_class = codes[0] if codes else None
        paper.abstract = " ".join(entry.abstract) or None
        paper.code_urls = extract_links(
            " ".join(filter(None, [paper.arxiv_comment, paper.abstract]))
        )
        note = entry.note
        paper.shown = {
            key: value
            for key, value in {
                "section": entry.section,
                "listing_date": entry.day.isoformat() if entry.day else None,
                "id": entry.raw_id,
                "title": title,
                "subjects": subjects,
                "comments": paper.arxiv_comment,
                "replaced": True if "(replaced)" in note else None,
                "cross_list": True if "cross-list" in note else None,
            }.items()
            if value is not None
        }
        return paper


ARXIV_TEXT = ArxivTextImporter()
