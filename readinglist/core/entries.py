"""What an importer hands to the library: the papers a page showed, exactly as it showed them.

Importers are Qt-free and database-free; they produce these plain records and the library
service decides identity, fill-in and provenance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DatePrecision(StrEnum):
    """How much of a publication date the page actually said."""

    DAY = "day"  # a full date with its year, as printed
    YEAR_INFERRED = "year_inferred"  # day and month printed, the year assumed (see Source)
    MONTH = "month"  # year and month known (e.g. from a new-style arXiv id)
    YEAR = "year"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Higher is better; a later sighting replaces a date of lower rank."""
        return _PRECISION_RANK[self]


_PRECISION_RANK = {
    DatePrecision.UNKNOWN: 0,
    DatePrecision.YEAR: 1,
    DatePrecision.MONTH: 2,
    DatePrecision.YEAR_INFERRED: 3,
    DatePrecision.DAY: 4,
}


@dataclass
class ParsedPaper:
    """One entry of a listing page. None means "the page did not say"."""

    title: str
    line: int  # 1-based line of the entry's title in the file (for messages)
    # 1-based column of that place, where known (HTML: a saved page often holds every entry
    # on one long line, which the column tells apart).
    column: int | None = None
    abstract: str | None = None
    arxiv_id: str | None = None  # without version, e.g. "2409.01234" or "hep-th/9901001"
    url: str | None = None  # the paper's page when it is not an arXiv abstract page
    published: dt.date | None = None
    published_precision: DatePrecision = DatePrecision.UNKNOWN
    authors: list[str] | None = None
    authors_count: int | None = None
    organization: str | None = None  # display name, e.g. "Tencent"
    organization_handle: str | None = None  # e.g. "tencent"
    upvotes: int | None = None
    comments: int | None = None
    code_urls: list[str] = field(default_factory=list)
    primary_class: str | None = None
    subjects: list[str] | None = None
    journal_ref: str | None = None
    arxiv_comment: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    # What the page showed for this entry, verbatim, kept with the appearance for provenance.
    shown: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseWarning:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass
class ParseResult:
    """Everything one file yielded. `format` is the importer's name."""

    format: str
    papers: list[ParsedPaper]
    page_date: dt.date | None = None
    page_date_precision: DatePrecision = DatePrecision.UNKNOWN
    warnings: list[ParseWarning] = field(default_factory=list)
    # Assumptions the importer made that the user should know about (e.g. the page's year).
    assumptions: list[str] = field(default_factory=list)
