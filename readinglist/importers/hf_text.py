"""Hugging Face Papers pages copied as plain text (select all, copy, paste into a file).

Shape of such a copy:

    new / Get trending papers in your email inbox! / Subscribe / Daily Papers / byAK and ...
    Oct 9                      <- the page's date (no year: a text copy never says it)

    <title>

    <abstract, one paragraph, possibly hard-wrapped>

      • 25 authors             <- or an organization line "tencent Tencent" (handle, name)
    ·
    Jun 6, 2024 3              <- date, with or without year, then optionally the comment count

The metadata block is optional. The page's upvote box is not part of a text copy.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.core.normalize import extract_links
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_dates import SHORT_DATE, YearResolver, match_date

_HEADER_LINES = {
    "new",
    "subscribe",
    "daily papers",
    "papers",
    "trending papers",
    "byak and the research community",
    "get trending papers in your email inbox!",
}
_DATE = re.compile(rf"^(?P<date>{SHORT_DATE.pattern})(?: (?P<comments>\d+))?$")
_AUTHORS = re.compile(r"^(?:[•·*\-]\s*)?(?P<count>\d[\d,]*) authors?$")
_SEPARATOR = "·"
# A line of markup no plain text copy has: a Markdown heading or link, a numbered reference, a
# line that is only a URL, a line ending in a Markdown link.
_MARKUP_LINE = re.compile(r"^(?:#{1,6} |!?\[)|^https?://\S+$|\]\(https?://[^()\s]*\)$")
_TITLE_MAX = 400  # a title is one line; anything longer is an abstract paragraph


@dataclass
class _Block:
    """A run of non-blank lines; `line` is the 1-based number of its first line."""

    line: int
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(part.strip() for part in self.lines)


@dataclass
class _Metadata:
    authors_count: int | None
    organization: str | None
    organization_handle: str | None
    month: int
    day: int
    year: int | None
    comments: int | None
    lines: list[str]


def _parse_date_line(text: str) -> tuple[int, int, int | None, int | None] | None:
    """(month, day, year or None, comment count or None) of a line like "Sep 20, 2024 2"."""
    match = _DATE.match(text.strip())
    date = match_date(match.group("date")) if match else None
    if match is None or date is None:
        return None
    comments = int(match.group("comments")) if match.group("comments") else None
    return (*date, comments)


def _parse_metadata(block: _Block) -> _Metadata | None:
    """The block as a metadata block, or None when it is something else: an optional "who"
    line, the separator, then a date line."""
    if not 2 <= len(block.lines) <= 3 or block.lines[-2].strip() != _SEPARATOR:
        return None  # most blocks, abstracts among them, end here without being copied
    lines = [line.strip() for line in block.lines]
    sep = lines.index(_SEPARATOR)
    if sep != len(lines) - 2:
        return None
    date = _parse_date_line(lines[-1])
    if date is None:
        return None
    authors_count = organization = handle = None
    if sep == 1:
        who = lines[0]
        authors = _AUTHORS.match(who)
        if authors is not None:
            authors_count = int(authors.group("count").replace(",", ""))
        else:
            handle, _, name = who.partition(" ")
            organization = name.strip() or handle
    month, day, year, comments = date
    return _Metadata(authors_count, organization, handle, month, day, year, comments, block.lines)


def _looks_like_cut_metadata(block: _Block) -> bool:
    """A metadata block that lost its tail (the capture ended inside it)."""
    lines = [line.strip() for line in block.lines]
    return bool(lines) and (_AUTHORS.match(lines[0]) is not None or lines[-1] == _SEPARATOR)


def _blocks(lines: list[str], start: int) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(lines[start:], start + 1):
        line = raw.rstrip()
        if not line:
            current = None
            continue
        if current is None:
            current = _Block(number, [])
            blocks.append(current)
        current.lines.append(line)
    return blocks


class HuggingFaceTextImporter:
    name = "hf-text"
    label = "Hugging Face text copy"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:20000]
        stripped = head.lstrip()
        if stripped.startswith(("<", "{", "[", "MIME-Version", "From:")):
            return 0.0
        lines = head.split("\n")
        # Known by its structure, not by what its abstracts mention (a link to a paper page is
        # fine there). A richer copy of the page (Markdown, text with links, a terminal
        # capture) is made of markup lines, which its own importer reads, links and all.
        markup = sum(1 for line in lines if _MARKUP_LINE.search(line.strip()))
        metadata = sum(1 for block in _blocks(lines, 0) if _parse_metadata(block) is not None)
        if markup >= 3 and markup > metadata:
            return 0.1
        header = len({line.strip().lower() for line in lines[:40]} & _HEADER_LINES)
        if header >= 2 or metadata >= 1:
            return 0.9
        if any(line.strip() == _SEPARATOR for line in lines):
            return 0.6
        return 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        lines = listing.text.split("\n")
        warnings: list[ParseWarning] = []
        assumptions: list[str] = []

        # Skip the page header; the first date line after it is the page's date.
        index = 0
        while index < len(lines) and (
            not lines[index].strip()
            or lines[index].strip().lower() in _HEADER_LINES
            or lines[index].strip().lower().startswith("get trending papers")
        ):
            index += 1
        resolver = YearResolver(listing, options, captured=None)
        year, why = resolver.latest.year, resolver.why
        page_date: dt.date | None = None
        page_precision = DatePrecision.UNKNOWN
        if index < len(lines):
            date = _parse_date_line(lines[index])
            if date is not None:
                month, day, page_year, _ = date
                page_date, page_precision = resolver.resolve(month, day, page_year, count=False)
                if page_date is None:
                    warnings.append(
                        ParseWarning(
                            index + 1, f"the page date {lines[index]!r} is not a real date; ignored"
                        )
                    )
                index += 1

        papers_resolver = resolver.anchored_to(page_date) if page_date else resolver
        blocks = _blocks(lines, index)
        if not blocks:
            raise ListingError(listing.path, "no papers found after the page header")
        # Each block read as a metadata block once (the loop below asks up to three times).
        metadata_of = [_parse_metadata(block) for block in blocks]
        papers: list[ParsedPaper] = []
        position = 0
        while position < len(blocks):
            block = blocks[position]
            if metadata_of[position] is not None:
                warnings.append(
                    ParseWarning(
                        block.line, "a metadata block without a title before it was skipped"
                    )
                )
                position += 1
                continue
            title = block.lines[0].strip()
            abstract_parts: list[str] = []
            if len(block.lines) > 1:  # no blank line between title and abstract
                abstract_parts.append(" ".join(p.strip() for p in block.lines[1:]))
            position += 1
            metadata: _Metadata | None = None
            cut = False
            while position < len(blocks):
                candidate = blocks[position]
                metadata = metadata_of[position]
                if metadata is not None:
                    position += 1
                    break
                if (
                    position == len(blocks) - 1
                    and abstract_parts
                    and _looks_like_cut_metadata(candidate)
                ):
                    cut = True
                    position += 1
                    break
                is_title = len(candidate.lines) == 1 and len(candidate.text) <= _TITLE_MAX
                if abstract_parts and is_title:
                    break  # the next entry's title: this entry has no metadata block
                abstract_parts.append(candidate.text)
                position += 1
            if not abstract_parts or cut:
                where = "before its abstract" if not abstract_parts else "inside its metadata"
                if position >= len(blocks):
                    warnings.append(
                        ParseWarning(
                            block.line,
                            f"the last entry {title!r} is cut off {where}; it was not imported",
                        )
                    )
                    continue
                warnings.append(ParseWarning(block.line, f"the entry {title!r} has no abstract"))
            abstract = "\n\n".join(abstract_parts) if abstract_parts else None
            paper = ParsedPaper(
                title=title, line=block.line, abstract=abstract, shown={"title": title}
            )
            if abstract:
                paper.code_urls = extract_links(abstract)
            if metadata is not None:
                paper.shown["metadata"] = [line.strip() for line in metadata.lines]
                paper.authors_count = metadata.authors_count
                paper.organization = metadata.organization
                paper.organization_handle = metadata.organization_handle
                paper.comments = metadata.comments
                # Yearless dates sit on or before the page's date.
                paper.published, paper.published_precision = papers_resolver.resolve(
                    metadata.month, metadata.day, metadata.year
                )
                if paper.published is None:
                    warnings.append(
                        ParseWarning(
                            block.line,
                            f"the date {metadata.lines[-1]!r} "
                            "is not a real date; stored as unknown",
                        )
                    )
            papers.append(paper)

        if not papers:
            raise ListingError(listing.path, "no complete paper entries found")
        inferred_years = papers_resolver.inferred
        if page_precision is DatePrecision.YEAR_INFERRED or inferred_years:
            stepped_back = sum(
                1
                for p in papers
                if p.published_precision is DatePrecision.YEAR_INFERRED
                and p.published is not None
                and p.published.year < year
            )
            what = []
            if page_precision is DatePrecision.YEAR_INFERRED and page_date is not None:
                what.append(f"the page date ({page_date:%b} {page_date.day})")
            if inferred_years:
                what.append(f"{inferred_years} paper dates")
            verb = "were" if len(what) > 1 or inferred_years > 1 else "was"
            note = f"{' and '.join(what)} had no year and {verb} placed in {year} ({why})"
            if stepped_back:
                note += f"; {stepped_back} that would follow the page date went to {year - 1}"
            assumptions.append(note)
        return ParseResult(
            format=self.name,
            papers=papers,
            page_date=page_date,
            page_date_precision=page_precision,
            warnings=warnings,
            assumptions=assumptions,
        )


HF_TEXT = HuggingFaceTextImporter()
