"""The stored shape of a library, as typed SQLAlchemy declarations.

The tables are created by the migration steps in `migrations.py` (plain SQL, frozen per version);
these declarations must match them, which `tests/test_store.py` checks.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Dialect, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class JSONText(TypeDecorator[Any]):
    """JSON kept as text, encoded and decoded here: the same bytes on SQLite and PostgreSQL,
    and the same values whether a row is read through SQLAlchemy or straight from the driver
    (psycopg would decode a json column itself, sqlite3 never does)."""

    impl = Text
    cache_ok = True

    def __init__(self, none_as_null: bool = False) -> None:
        super().__init__()
        self.none_as_null = none_as_null

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None and self.none_as_null:
            return None
        return json.dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return json.loads(value) if value is not None else None


JSON = JSONText


class Base(DeclarativeBase):
    pass


class Paper(Base):
    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    # Identity key of the title (see normalize.title_key); not unique: two arXiv papers may
    # share a title, which is why arxiv_id wins when both sides have one.
    title_key: Mapped[str] = mapped_column(Text, index=True)
    # The abstract is stored in the papers_fts table (see migrations.py); this says whether
    # the paper has one.
    has_abstract: Mapped[bool] = mapped_column(Boolean, default=False)
    arxiv_id: Mapped[str | None] = mapped_column(String, unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String, index=True)  # ISO date
    published_precision: Mapped[str] = mapped_column(String, default="unknown")
    authors: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    authors_count: Mapped[int | None] = mapped_column(Integer, index=True)
    organization: Mapped[str | None] = mapped_column(Text, index=True)
    organization_handle: Mapped[str | None] = mapped_column(Text)
    upvotes: Mapped[int | None] = mapped_column(Integer, index=True)
    comments: Mapped[int | None] = mapped_column(Integer, index=True)
    code_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    primary_class: Mapped[str | None] = mapped_column(String)
    subjects: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    journal_ref: Mapped[str | None] = mapped_column(Text)
    doi: Mapped[str | None] = mapped_column(Text)
    arxiv_comment: Mapped[str | None] = mapped_column(Text)
    ai_summary: Mapped[str | None] = mapped_column(Text)
    ai_keywords: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    status: Mapped[str] = mapped_column(String, default="unread", index=True)
    rating: Mapped[int] = mapped_column(Integer, default=0, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Tag names joined by ", ", kept by triggers on paper_tags; read by FTS and the table.
    tags: Mapped[str] = mapped_column(Text, default="", index=True)
    citation_key: Mapped[str | None] = mapped_column(String, unique=True)
    added_at: Mapped[str] = mapped_column(String, index=True)  # ISO UTC timestamp
    updated_at: Mapped[str] = mapped_column(String)
    # Raised by a trigger whenever a shared field changes: an edit made on an older version
    # is refused instead of overwriting another writer's (see Library.set_notes).
    version: Mapped[int] = mapped_column(Integer, default=1)

    appearances: Mapped[list[Appearance]] = relationship(back_populates="paper")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)


class PaperTag(Base):
    __tablename__ = "paper_tags"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ReadingList(Base):
    __tablename__ = "reading_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String)


class ListItem(Base):
    __tablename__ = "list_items"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("reading_lists.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[str] = mapped_column(String)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String, index=True)
    format: Mapped[str] = mapped_column(String)
    page_date: Mapped[str | None] = mapped_column(String)
    page_date_precision: Mapped[str] = mapped_column(String, default="unknown")
    assumptions: Mapped[list[str]] = mapped_column(JSON, default=list)
    imported_at: Mapped[str] = mapped_column(String)


class Appearance(Base):
    """One sighting of a paper on an imported page, with what that page showed."""

    __tablename__ = "appearances"
    __table_args__ = (
        Index("ix_appearances_source_position", "source_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    shown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    paper: Mapped[Paper] = relationship(back_populates="appearances")


class SavedSearch(Base):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    query: Mapped[str] = mapped_column(Text)


class CompletedField(Base):
    """Where a field filled by a completion came from: the service, its id, and when."""

    __tablename__ = "completed_fields"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String, primary_key=True)
    source: Mapped[str] = mapped_column(String)  # "arxiv" or "huggingface"
    reference: Mapped[str | None] = mapped_column(Text)  # the arXiv id asked for
    completed_at: Mapped[str] = mapped_column(String)  # ISO UTC timestamp
