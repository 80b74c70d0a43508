"""Hugging Face Papers pages captured from a terminal browser, links as numbered references:

    [
    65                                         <- upvotes ("-" is 0), a multi-line link
    ][35]
    ### [Gemini 1.5: Unlocking ...][36]         <- title
    [
    In this report, we present ...             <- abstract
    ][37]
    [
    * 671 authors                              <- or "[[microsoft] Microsoft][67]" (handle, name)
    ][38]
    ·
    Mar 8, 2024 [ 6][39]                       <- date, comment count

The reference list (`[36]: https://huggingface.co/papers/2403.05530`), when the capture kept
it, gives the arXiv ids; captures often end before it (the sample does, mid-abstract).
"""

from __future__ import annotations

import re

from readinglist.core.entries import ParseResult
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_dates import SHORT_DATE, match_date
from readinglist.importers.hf_entries import (
    AUTHORS,
    Kind,
    Piece,
    assemble,
    captured_date,
    count_of,
    paper_id_of_url,
)

_CLOSE = re.compile(r"^\]\[(?P<ref>\d+)\]$")
_TITLE = re.compile(r"^###\s+\[(?P<title>.+)\]\[(?P<ref>\d+)\]$")
_ORG = re.compile(r"^\[\[(?P<handle>[^\]]*)\]\s*(?P<name>.+)\]\[(?P<ref>\d+)\]$")
_DATE = re.compile(rf"^(?P<date>{SHORT_DATE.pattern})(?:\s*\[\s*(?P<n>\d+)\]\[(?P<ref>\d+)\])?$")
_REFERENCE = re.compile(r"^\[?(?P<ref>\d+)[\].:]\s*:?\s+(?P<url>https?://\S+)$")
_TITLE_MAX = 1000  # a heading never wraps this far: stop joining lines
_CAPTURED = re.compile(r"captured[^:]*:\s*(?P<when>\S+)", re.IGNORECASE)


def pieces_of(text: str) -> tuple[list[Piece], str]:
    pieces: list[Piece] = []
    refs: dict[str, str] = {}
    by_ref: list[tuple[Piece, str]] = []
    captured = ""
    open_at: int | None = None  # line where the multi-line link being read began
    collected: list[str] = []
    heading: tuple[int, str] | None = None  # a title the terminal wrapped onto more lines
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if heading is not None:
            line = f"{heading[1]} {line.removeprefix('### ')}"
            if not _TITLE.match(line) and len(line) < _TITLE_MAX:
                heading = (heading[0], line)
                continue
            number, heading = heading[0], None
        elif line.startswith("### [") and not _TITLE.match(line):
            heading = (number, line)
            continue
        if open_at is not None:
            close = _CLOSE.match(line)
            if close is None:
                collected.append(line)
                continue
            piece = _multi_line(" ".join(part for part in collected if part), open_at)
            if piece is not None:
                pieces.append(piece)
                by_ref.append((piece, close.group("ref")))
            open_at, collected = None, []
            continue
        if line == "[":
            open_at, collected = number, []
            continue
        if not captured and (when := _CAPTURED.search(line)) is not None:
            captured = when.group("when")
            continue
        if (reference := _REFERENCE.match(line)) is not None:
            refs[reference.group("ref")] = reference.group("url")
        elif (title := _TITLE.match(line)) is not None:
            piece = Piece(Kind.TITLE, number, " ".join(title.group("title").split()))
            pieces.append(piece)
            by_ref.append((piece, title.group("ref")))
        elif (org := _ORG.match(line)) is not None:
            pieces.append(
                Piece(Kind.ORG, number, text=org.group("name").strip(), handle=org.group("handle"))
            )
        elif (date := _DATE.match(line)) is not None and (found := match_date(date.group("date"))):
            pieces.append(Piece(Kind.DATE, number, date=found))
            if date.group("n") is not None:
                pieces.append(Piece(Kind.COMMENTS, number, number=int(date.group("n"))))
    if open_at is not None and collected:  # the capture ends inside a link: keep what it shows
        piece = _multi_line(" ".join(part for part in collected if part), open_at)
        if piece is not None and piece.kind is Kind.LINK:
            pieces.append(piece)
    for piece, ref in by_ref:
        url = refs.get(ref)
        if url is not None:
            piece.paper_id = paper_id_of_url(url)
    return pieces, captured


def _multi_line(text: str, line: int) -> Piece | None:
    count = count_of(text)
    if count is not None:
        return Piece(Kind.UPVOTES, line, number=count)
    authors = AUTHORS.match(text)
    if authors is not None:
        return Piece(Kind.AUTHORS, line, number=int(authors.group("count").replace(",", "")))
    return Piece(Kind.LINK, line, text) if text else None


class HuggingFaceTerminalImporter:
    name = "hf-terminal"
    label = "Hugging Face page (terminal capture)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:50000]
        if head.lstrip()[:1] in ("<", "{"):
            return 0.0
        lines = [line.strip() for line in head.split("\n")]
        titles = sum(1 for line in lines if _TITLE.match(line))
        closes = sum(1 for line in lines if _CLOSE.match(line))
        if titles and closes and ("Daily Papers" in head or "huggingface" in head.lower()):
            return 0.95  # above the plain-text importer, which also sees the page's header
        return 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        pieces, captured = pieces_of(listing.text)
        return assemble(pieces, listing, options, self.name, captured_date(captured))


HF_TERMINAL = HuggingFaceTerminalImporter()
