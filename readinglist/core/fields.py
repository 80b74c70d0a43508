"""The papers table's fields, described once: which are JSON, which a later sighting may fill,
which an import writes; and the conversions between a parsed entry, a row and a record.

A new field is one line in PAPER_FIELDS (plus its column in a migration and in PaperRecord).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from readinglist.core.entries import DatePrecision, ParsedPaper
from readinglist.core.normalize import arxiv_abs_url, title_key
from readinglist.core.records import PaperRecord, ReadingStatus, SourceRef


@dataclass(frozen=True)
class PaperField:
    name: str
    json: bool = False  # stored as JSON text
    fillable: bool = False  # a later sighting (or a merge) may fill it when it is empty
    inserted: bool = True  # written when a paper is first stored


PAPER_FIELDS = (
    PaperField("id"),
    PaperField("title"),
    PaperField("title_key"),
    PaperField("has_abstract"),
    PaperField("arxiv_id", fillable=True),
    PaperField("url", fillable=True),
    PaperField("published"),
    PaperField("published_precision"),
    PaperField("authors", json=True, fillable=True),
    PaperField("authors_count", fillable=True),
    PaperField("organization", fillable=True),
    PaperField("organization_handle", fillable=True),
    PaperField("upvotes", fillable=True),
    PaperField("comments", fillable=True),
    PaperField("code_urls", json=True),
    PaperField("primary_class", fillable=True),
    PaperField("subjects", json=True, fillable=True),
    PaperField("journal_ref", fillable=True),
    PaperField("doi", fillable=True, inserted=False),  # from a completion (arXiv), not a page
    PaperField("arxiv_comment", fillable=True),
    PaperField("ai_summary", fillable=True),
    PaperField("ai_keywords", json=True, fillable=True),
    PaperField("status"),
    PaperField("rating"),
    PaperField("notes"),
    PaperField("tags"),
    PaperField("added_at"),
    PaperField("updated_at"),
    PaperField("citation_key", inserted=False),  # issued on first export, never on import
    PaperField("version", inserted=False),  # starts at 1, raised by a trigger on each change
)
FILLABLE = tuple(f.name for f in PAPER_FIELDS if f.fillable)
INSERT_COLUMNS = tuple(f.name for f in PAPER_FIELDS if f.inserted)
# Appearances keep what the page showed as JSON too.
JSON_COLUMNS = frozenset(f.name for f in PAPER_FIELDS if f.json) | {"shown"}


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def import_time_text() -> str:
    """An import's one time, on each page it stores and each paper it adds: to the
    microsecond, so that no other import shares it (imports a second apart did)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def row_from_parsed(paper: ParsedPaper, now: str) -> dict[str, Any]:
    """The row a new paper is stored as (plus its abstract, which goes to papers_fts)."""
    authors_count = paper.authors_count
    if paper.authors is not None and authors_count is None:
        authors_count = len(paper.authors)
    url = paper.url
    if url is None and paper.arxiv_id is not None:
        url = arxiv_abs_url(paper.arxiv_id)
    return {
        "title": paper.title,
        "title_key": title_key(paper.title),
        "abstract": paper.abstract,  # goes to papers_fts, not to the papers row
        "has_abstract": bool(paper.abstract),
        "arxiv_id": paper.arxiv_id,
        "url": url,
        "published": paper.published.isoformat() if paper.published else None,
        "published_precision": str(
            paper.published_precision if paper.published else DatePrecision.UNKNOWN
        ),
        "authors": paper.authors,
        "authors_count": authors_count,
        "organization": paper.organization,
        "organization_handle": paper.organization_handle,
        "upvotes": paper.upvotes,
        "comments": paper.comments,
        "code_urls": list(paper.code_urls),
        "primary_class": paper.primary_class,
        "subjects": paper.subjects,
        "journal_ref": paper.journal_ref,
        "arxiv_comment": paper.arxiv_comment,
        "ai_summary": paper.ai_summary,
        "ai_keywords": paper.ai_keywords,
        "status": ReadingStatus.UNREAD.value,
        "rating": 0,
        "notes": "",
        "tags": "",
        "added_at": now,
        "updated_at": now,
    }


def fill(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """The changes that fill `stored`'s empty fields from `incoming`; never overwrites."""
    changes: dict[str, Any] = {}
    if not stored.get("has_abstract") and incoming.get("abstract"):
        changes["abstract"] = incoming["abstract"]
        changes["has_abstract"] = True
    for name in FILLABLE:
        if is_empty(stored.get(name)) and not is_empty(incoming.get(name)):
            changes[name] = incoming[name]
    if incoming.get("published"):
        old_rank = DatePrecision(stored.get("published_precision") or "unknown").rank
        new_rank = DatePrecision(incoming["published_precision"]).rank
        if not stored.get("published") or new_rank > old_rank:
            changes["published"] = incoming["published"]
            changes["published_precision"] = incoming["published_precision"]
    links = list(stored.get("code_urls") or [])
    extra = [url for url in incoming.get("code_urls") or [] if url not in links]
    if extra:
        changes["code_urls"] = links + extra
    # An arXiv id makes the arXiv abstract page the paper's link, unless it had one.
    if "arxiv_id" in changes and is_empty(stored.get("url")):
        changes["url"] = arxiv_abs_url(changes["arxiv_id"])
    return changes


def record_from_row(
    row: Any, abstract: str | None, lists: list[str], sources: list[SourceRef]
) -> PaperRecord:
    """A stored paper as the command line, exporters and window read it."""
    return PaperRecord(
        id=row["id"],
        title=row["title"],
        abstract=abstract,
        arxiv_id=row["arxiv_id"],
        url=row["url"],
        published=dt.date.fromisoformat(row["published"]) if row["published"] else None,
        published_precision=DatePrecision(row["published_precision"]),
        authors=row["authors"],
        authors_count=row["authors_count"],
        organization=row["organization"],
        upvotes=row["upvotes"],
        comments=row["comments"],
        code_urls=list(row["code_urls"] or []),
        status=ReadingStatus(row["status"]),
        rating=row["rating"],
        notes=row["notes"],
        tags=[t for t in row["tags"].split(", ") if t],
        added_at=dt.datetime.fromisoformat(row["added_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
        primary_class=row["primary_class"],
        subjects=row["subjects"],
        journal_ref=row["journal_ref"],
        doi=row["doi"],
        arxiv_comment=row["arxiv_comment"],
        ai_summary=row["ai_summary"],
        ai_keywords=row["ai_keywords"],
        citation_key=row["citation_key"],
        version=row["version"],
        lists=lists,
        sources=sources,
    )
