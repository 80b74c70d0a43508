"""Assembling Hugging Face paper entries from the pieces a copy of the page shows, in order.

The Markdown scrape, the text export with bare URLs and the terminal capture all show each
card as the same run of pieces: the upvote box, the title, the abstract, the authors count or
the organization, "·", the date and maybe the comment count. Each format's reader turns its
file into these `Piece`s; `assemble` turns the pieces into papers, the same way for all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum, auto
from urllib.parse import unquote

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.core.normalize import extract_links, normalize_arxiv_id
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_dates import YearResolver
from readinglist.importers.hf_json import HF_PAPERS

AUTHORS = re.compile(r"^(?:[-*•·]\s*)?(?P<count>\d[\d,]*) authors?$")
_CAPTURED = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})")


class Kind(Enum):
    UPVOTES = auto()  # number: the count ("-" is 0)
    TITLE = auto()  # text (a heading)
    LINK = auto()  # text linked to the paper: the title when none yet, else the abstract
    AUTHORS = auto()  # number
    ORG = auto()  # text: display name, handle
    DATE = auto()  # date: (month, day, year or None)
    COMMENTS = auto()  # number


@dataclass
class Piece:
    kind: Kind
    line: int
    text: str = ""
    paper_id: str | None = None
    number: int | None = None
    handle: str | None = None
    date: tuple[int, int, int | None] | None = None


@dataclass
class _Draft:
    line: int
    upvotes: int | None = None
    paper_id: str | None = None
    title: str | None = None
    abstract: str | None = None
    authors_count: int | None = None
    organization: str | None = None
    handle: str | None = None
    date: tuple[int, int, int | None] | None = None
    comments: int | None = None
    shown: dict[str, object] = field(default_factory=dict)


def paper_id_of_url(url: str) -> str | None:
    """The paper id of a link to its Hugging Face page (or the upvote box's login link)."""
    if "next=" in url:
        url = unquote(url.partition("next=")[2])
    path = url.split("huggingface.co", 1)[-1]
    if not path.startswith("/papers/"):
        return None
    rest = path[len("/papers/") :].split("#")[0].split("?")[0].strip("/")
    return rest if rest and "/" not in rest and rest not in ("trending", "date") else None


def count_of(text: str) -> int | None:
    text = text.strip().replace(",", "")
    if text in ("-", "–", "—"):
        return 0  # the page prints "-" for no upvotes
    return int(text) if text.isdigit() else None


def captured_date(text: str) -> dt.date | None:
    match = _CAPTURED.search(text)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group("date"))
    except ValueError:
        return None


def assemble(
    pieces: list[Piece],
    listing: ListingText,
    options: ParseOptions,
    fmt: str,
    captured: dt.date | None,
) -> ParseResult:
    drafts: list[_Draft] = []
    current: _Draft | None = None
    page_day: tuple[int, int, int | None] | None = None
    for piece in pieces:
        kind = piece.kind
        open_entry = current is not None and current.title is not None and current.date is None
        if kind is Kind.UPVOTES:
            current = _Draft(piece.line, upvotes=piece.number, paper_id=piece.paper_id)
            drafts.append(current)
        elif kind is Kind.TITLE or (
            kind is Kind.LINK and (current is None or current.title is None) and drafts
        ):
            if current is None or current.title is not None:
                current = _Draft(piece.line)
                drafts.append(current)
            current.title, current.line = piece.text, piece.line
            current.paper_id = current.paper_id or piece.paper_id
        elif current is None or not open_entry:
            if kind is Kind.DATE and not drafts and page_day is None:
                page_day = piece.date
            elif kind is Kind.COMMENTS and current is not None and current.date is not None:
                current.comments = (
                    current.comments if current.comments is not None else piece.number
                )
        elif kind is Kind.LINK and current.abstract is None:
            current.abstract = piece.text
            current.paper_id = current.paper_id or piece.paper_id
        elif kind is Kind.AUTHORS:
            current.authors_count = piece.number
        elif kind is Kind.ORG:
            current.organization, current.handle = piece.text, piece.handle
        elif kind is Kind.DATE:
            current.date = piece.date
            current.shown["date_line"] = piece.line

    years = YearResolver(listing, options, captured)
    page_date: dt.date | None = None
    page_precision = DatePrecision.UNKNOWN
    if page_day is not None:
        page_date, page_precision = years.resolve(*page_day, count=False)
    warnings: list[ParseWarning] = []
    papers: list[ParsedPaper] = []
    for index, draft in enumerate(drafts):
        last = index == len(drafts) - 1
        if draft.title is None:
            warnings.append(ParseWarning(draft.line, "an upvote box without a title was skipped"))
            continue
        if last and draft.date is None:
            warnings.append(
                ParseWarning(
                    draft.line,
                    f"the last entry {draft.title!r} is cut off before its date; "
                    "it was not imported",
                )
            )
            continue
        papers.append(_paper(draft, years, warnings))
    if not papers:
        raise ListingError(listing.path, "no complete paper entries found on this page copy")
    assumptions = [note] if (note := years.assumption()) else []
    return ParseResult(
        format=fmt,
        papers=papers,
        page_date=page_date,
        page_date_precision=page_precision,
        warnings=warnings,
        assumptions=assumptions,
    )


def _paper(draft: _Draft, years: YearResolver, warnings: list[ParseWarning]) -> ParsedPaper:
    title = " ".join((draft.title or "").split())
    paper = ParsedPaper(title=title, line=draft.line)
    if draft.paper_id is not None:
        paper.arxiv_id = normalize_arxiv_id(draft.paper_id)
        if paper.arxiv_id is None:
            paper.url = HF_PAPERS + draft.paper_id
    paper.abstract = draft.abstract
    if draft.abstract:
        paper.code_urls = extract_links(draft.abstract)
    paper.upvotes = draft.upvotes
    paper.comments = draft.comments
    if draft.date is not None:
        paper.published, paper.published_precision = years.resolve(*draft.date)
        if paper.published is None:
            warnings.append(ParseWarning(draft.line, f"the date of {title!r} is not a real date"))
    paper.authors_count = draft.authors_count
    paper.organization = draft.organization
    paper.organization_handle = draft.handle
    paper.shown = {
        key: value
        for key, value in {
            "title": title,
            "id": draft.paper_id,
            "upvotes": draft.upvotes,
            "authors_count": draft.authors_count,
            "organization": draft.organization,
            "date": _date_text(draft.date),
            "comments": draft.comments,
        }.items()
        if value is not None
    }
    return paper


def _date_text(date: tuple[int, int, int | None] | None) -> str | None:
    if date is None:
        return None
    month, day, year = date
    return f"{month:02d}-{day:02d}" + (f"-{year}" if year else "")
