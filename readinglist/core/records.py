"""Plain, immutable views of stored papers: what the CLI, exporters and window read.

They carry no session, so they can cross threads and outlive the query that made them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from readinglist.core.entries import DatePrecision


class ReadingStatus(StrEnum):
    UNREAD = "unread"
    READING = "reading"
    READ = "read"


@dataclass(frozen=True)
class SourceRef:
    """Where a paper was seen: the imported file and the entry's position in it (1-based)."""

    source_id: int
    name: str
    position: int


@dataclass(frozen=True)
class PaperRecord:
    id: int
    title: str
    abstract: str | None
    arxiv_id: str | None
    url: str | None  # the best link to the paper: arXiv abstract page, else the page it came from
    published: dt.date | None
    published_precision: DatePrecision
    authors: list[str] | None  # None when no page named the authors
    authors_count: int | None
    organization: str | None
    upvotes: int | None
    comments: int | None
    code_urls: list[str]
    status: ReadingStatus
    rating: int
    notes: str
    tags: list[str]
    added_at: dt.datetime
    updated_at: dt.datetime
    primary_class: str | None = None
    subjects: list[str] | None = None
    journal_ref: str | None = None
    doi: str | None = None
    arxiv_comment: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    citation_key: str | None = None
    version: int = 1  # raised by every change of a shared field (see migrations._V4_VERSIONS)
    lists: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.published.year if self.published is not None else None
