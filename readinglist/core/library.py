"""The library: the one object the command line and the window talk to.

A thin front over the store (`store.py`: the engine and its transactions) and small services:
importing (`importing.py`), reading lists (`lists.py`), tags (`tags.py`), saved searches
(`saved_searches.py`) and citation keys (`keys.py`); the papers table's fields are described
once in `fields.py`. Every method opens its own short transaction, so the library can be used
from any thread (each thread gets its own connection from the pool); every write holds
SQLite's write lock from its first statement to its commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import RowMapping

from readinglist.core.database import resolve_library
from readinglist.core.dialect import (
    driver_named,
    ids_from_json,
    insert_or_ignore,
    is_postgres,
    nocase,
)
from readinglist.core.entries import DatePrecision, ParseResult
from readinglist.core.errors import StaleEdit, UserError
from readinglist.core.fields import fill, now_text, record_from_row
from readinglist.core.importing import ImportRequest, ImportService, ProgressCallback
from readinglist.core.keys import CitationKeys
from readinglist.core.lists import NamedCount, ReadingLists
from readinglist.core.models import Appearance, ListItem, PaperTag, ReadingList, Source, Tag
from readinglist.core.paper_rows import (
    PAPERS,
    abstracts,
    apply_fill,
    chunks,
    existing_ids,
    insert_papers,
    table_rows,
)
from readinglist.core.query import Query, SortSpec, parse_query
from readinglist.core.records import PaperRecord, ReadingStatus, SourceRef
from readinglist.core.saved_searches import SavedSearches
from readinglist.core.search import SimilarPapers, compile_search
from readinglist.core.store import WRITE_BUSY_TIMEOUT, Store, open_store
from readinglist.core.summary import ImportSummary
from readinglist.core.tags import Tags, tag_id

__all__ = ["DeletedPapers", "ImportRequest", "Library", "NamedCount", "SourceInfo"]


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str
    path: str | None
    format: str
    page_date: dt.date | None
    page_date_precision: DatePrecision
    imported_at: dt.datetime
    paper_count: int
    assumptions: list[str]


@dataclass
class DeletedPapers:
    """Everything needed to put deleted papers back exactly as they were (undo)."""

    papers: list[dict[str, Any]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    list_items: list[dict[str, Any]] = field(default_factory=list)
    appearances: list[dict[str, Any]] = field(default_factory=list)
    abstracts: dict[int, str | None] = field(default_factory=dict)
    # A shared library's statuses and ratings of every member, not only the deleting one's.
    statuses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [int(row["id"]) for row in self.papers]


class Library:
    """A library file: papers, what the user owns of them, and where they came from."""

    read_only = False  # a library opened for reading only (see recovery.ReadOnlyLibrary)
    similar: SimilarPapers | None = None  # answers like:ID; set by whoever holds core.related

    def __init__(self, location: Path | str, *, create: bool = True) -> None:
        """The library file at a path, or the shared library at a postgresql:// URL."""
        self._attach(open_store(location, create=create))

    def _attach(self, store: Store) -> None:
        self.store = store
        self.path: Path | None = store.path  # None for a shared library on a server
        self.url = store.url
        self.name = store.name  # the file's name, or the database's, server and member
        self.engine = store.engine
        self.imports = ImportService(store)
        self.lists_ = ReadingLists(store)
        self.tag_service = Tags(store)
        self.saved = SavedSearches(store)
        self.keys = CitationKeys(store)

    @property
    def shared(self) -> bool:
        """Whether this is a group's library on PostgreSQL (statuses are each member's own)."""
        return self.store.postgres

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Library:
        """The library at `path` or URL (see resolve_library); `create=False` refuses a path
        that holds no library instead of starting an empty one there."""
        return cls(resolve_library(path), create=create)

    def close(self) -> None:
        self.store.close()

    def _write(
        self, *, busy_timeout: float = WRITE_BUSY_TIMEOUT
    ) -> AbstractContextManager[Connection]:
        return self.store.write(busy_timeout=busy_timeout)

    def _read(self) -> AbstractContextManager[Connection]:
        return self.store.read()

    def wait_for_checkpoint(self) -> None:
        """Block until background checkpoints are done (close() waits for them too)."""
        self.store.wait_for_checkpoint()

    # ----------------------------------------------------------------- reading
    def count(self, scope_sql: str | None = None) -> int:
        """How many papers; with `scope_sql` (see search_ids), how many within that scope."""
        with self._read() as c:
            if scope_sql:
                return int(
                    c.execute(text(f"SELECT count(*) FROM papers p WHERE {scope_sql}")).scalar_one()
                )
            return int(c.execute(select(func.count()).select_from(PAPERS)).scalar_one())

    def search_ids(
        self,
        query: str | Query = "",
        sort: SortSpec | None = None,
        *,
        scope_sql: str | None = None,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of the matching papers, in order. Raises QueryError for a malformed query."""
        parsed = parse_query(query) if isinstance(query, str) else query
        with self._read() as c:
            return self._search_ids(c, parsed, sort, scope_sql, limit)

    def search_head(
        self,
        query: Query,
        sort: SortSpec | None,
        *,
        scope_sql: str | None,
        limit: int,
        rows: int,
    ) -> tuple[list[int], list[PaperRecord]]:
        """The first `limit` ids of a search, and the table records (see table_records) of
        the first `rows` of them, from one snapshot: what a keystroke shows. On a shared
        library, one read instead of two saves four round trips to the server."""
        with self._read() as c:
            ids = self._search_ids(c, query, sort, scope_sql, limit)
            return ids, _table_records(c, ids[:rows])

    def _search_ids(
        self,
        c: Connection,
        parsed: Query,
        sort: SortSpec | None,
        scope_sql: str | None,
        limit: int | None,
    ) -> list[int]:
        compiled = compile_search(
            parsed,
            sort,
            scope_sql=scope_sql,
            limit=limit,
            similar=self.similar,
            postgres=is_postgres(c),
        )
        # Straight through the driver: at 100,000 ids SQLAlchemy's per-row result
        # processing costs more than the query itself.
        cursor = c.connection.driver_connection.execute(  # type: ignore[union-attr]
            driver_named(c, compiled.sql), compiled.params
        )
        return list(map(itemgetter(0), cursor))

    def search(
        self, query: str | Query = "", sort: SortSpec | None = None, limit: int | None = None
    ) -> list[PaperRecord]:
        return self.get_many(self.search_ids(query, sort, limit=limit))

    def get(self, paper_id: int) -> PaperRecord:
        records = self.get_many([paper_id])
        if not records:
            raise UserError(f"there is no paper with id {paper_id}")
        return records[0]

    def get_many(self, ids: Sequence[int], *, relations: bool = True) -> list[PaperRecord]:
        """Records for `ids`, in that order (unknown ids are skipped). Without `relations`
        the lists and sources are left empty: enough for a table row, and faster."""
        rows: dict[int, RowMapping] = {}
        lists: dict[int, list[str]] = {}
        sources: dict[int, list[SourceRef]] = {}
        with self._read() as c:
            for chunk in chunks(list(ids)):
                for row in c.execute(select(PAPERS).where(PAPERS.c.id.in_(chunk))).mappings():
                    rows[row["id"]] = row
                if not relations:
                    continue
                for paper_id, name in c.execute(
                    text(
                        "SELECT li.paper_id, l.name FROM list_items li JOIN reading_lists l "
                        f"ON l.id = li.list_id WHERE li.paper_id IN {ids_from_json(c, 'ids')} "
                        f"ORDER BY l.name{nocase(c)}"
                    ),
                    {"ids": json.dumps(list(chunk))},
                ):
                    lists.setdefault(paper_id, []).append(name)
                for paper_id, source_id, name, position in c.execute(
                    text(
                        "SELECT a.paper_id, s.id, s.name, a.position FROM appearances a "
                        "JOIN sources s ON s.id = a.source_id WHERE a.paper_id IN "
                        f"{ids_from_json(c, 'ids')} ORDER BY s.imported_at, s.id"
                    ),
                    {"ids": json.dumps(list(chunk))},
                ):
                    sources.setdefault(paper_id, []).append(SourceRef(source_id, name, position))
            texts = abstracts(c, list(rows))
        return [
            record_from_row(rows[i], texts.get(i), lists.get(i, []), sources.get(i, []))
            for i in ids
            if i in rows
        ]

    def table_records(self, ids: Sequence[int]) -> list[PaperRecord]:
        """Records for `ids` in that order, as a table row needs them: no abstract, lists or
        sources (left empty). Read on every keystroke, for the rows a screen shows."""
        with self._read() as c:
            return _table_records(c, ids)

    # ----------------------------------------------------------------- importing
    def import_result(
        self,
        result: ParseResult,
        *,
        file_name: str,
        file_path: str | None,
        sha256: str,
        list_name: str | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """Store what one page showed, in one transaction (see ImportService.import_many)."""
        request = ImportRequest(result, file_name, file_path, sha256)
        return self.import_many(
            [request], list_name=list_name, dry_run=dry_run, progress=progress, cancelled=cancelled
        )[0]

    def import_many(
        self,
        requests: Sequence[ImportRequest],
        *,
        list_name: str | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[ImportSummary]:
        """Store what several pages showed in one transaction: a paper on two of them is one
        paper, counted new once; Cancel or a failure stores nothing of any."""
        return self.imports.import_many(
            requests, list_name=list_name, dry_run=dry_run, progress=progress, cancelled=cancelled
        )

    # ----------------------------------------------------------------- citation keys
    def issue_citation_keys(self, paper_ids: Sequence[int]) -> dict[int, str]:
        return self.keys.issue(paper_ids)

    def set_citation_key(self, paper_id: int, key: str) -> None:
        self.keys.set(paper_id, key)

    # ----------------------------------------------------------------- tags
    def add_tags(self, ids: Sequence[int], names: Iterable[str]) -> None:
        self.tag_service.add(ids, names)

    def remove_tags(self, ids: Sequence[int], names: Iterable[str]) -> None:
        self.tag_service.remove(ids, names)

    def tags(self) -> list[NamedCount]:
        return self.tag_service.all()

    # ----------------------------------------------------------------- reading lists
    def create_list(self, name: str, description: str = "") -> int:
        return self.lists_.create(name, description)

    def rename_list(self, old: str, new: str, description: str | None = None) -> None:
        self.lists_.rename(old, new, description)

    def delete_list(self, name: str) -> None:
        self.lists_.delete(name)

    def add_to_list(self, name: str, ids: Sequence[int], *, create: bool = False) -> int:
        return self.lists_.add(name, ids, create=create)

    def remove_from_list(self, name: str, ids: Sequence[int]) -> None:
        self.lists_.remove(name, ids)

    def move_in_list(self, name: str, ordered_ids: Sequence[int]) -> None:
        self.lists_.reorder(name, ordered_ids)

    def list_paper_ids(self, name: str) -> list[int]:
        return self.lists_.paper_ids(name)

    def lists(self) -> list[NamedCount]:
        return self.lists_.all()

    # ----------------------------------------------------------------- saved searches
    def save_search(self, name: str, query: str) -> None:
        self.saved.save(name, query)

    def delete_saved_search(self, name: str) -> None:
        self.saved.delete(name)

    def saved_searches(self) -> list[NamedCount]:
        return self.saved.all()

    # ----------------------------------------------------------------- sources
    def sources(self) -> list[SourceInfo]:
        with self._read() as c:
            rows = c.execute(
                text(
                    "SELECT s.*, (SELECT count(DISTINCT a.paper_id) FROM appearances a "
                    "WHERE a.source_id = s.id) AS paper_count FROM sources s ORDER BY s.id"
                )
            ).mappings()
            return [
                SourceInfo(
                    id=r["id"],
                    name=r["name"],
                    path=r["path"],
                    format=r["format"],
                    page_date=dt.date.fromisoformat(r["page_date"]) if r["page_date"] else None,
                    page_date_precision=DatePrecision(r["page_date_precision"]),
                    imported_at=dt.datetime.fromisoformat(r["imported_at"]),
                    paper_count=r["paper_count"],
                    assumptions=json.loads(r["assumptions"]),
                )
                for r in rows
            ]

    def last_import_time(self) -> str | None:
        with self._read() as c:
            value = c.execute(select(func.max(Source.imported_at))).scalar()
            return str(value) if value is not None else None

    # ----------------------------------------------------------------- what the user owns
    def _update_papers(self, ids: Sequence[int], **values: Any) -> None:
        """Set the same fields on existing papers (UserError naming the first unknown id)."""
        with self._write() as c:
            ids = existing_ids(c, ids)
            for chunk in chunks(ids):
                c.execute(
                    update(PAPERS)
                    .where(PAPERS.c.id.in_(chunk))
                    .values(**values, updated_at=now_text())
                )

    def set_status(self, ids: Sequence[int], status: ReadingStatus | str) -> None:
        self._update_papers(ids, status=ReadingStatus(status).value)

    def set_rating(self, ids: Sequence[int], rating: int) -> None:
        if not 0 <= rating <= 5:
            raise UserError(f"a rating is 0 to 5, not {rating}")
        self._update_papers(ids, rating=rating)

    def set_notes(self, paper_id: int, notes: str, *, replacing: str | None = None) -> None:
        """Store a paper's notes. With `replacing` (the notes the edit started from), refuse
        with StaleEdit when another window, command or member has changed them since: the
        check and the write are one transaction, so nobody's words are overwritten unseen."""
        with self._write() as c:
            found = c.execute(
                select(PAPERS.c.notes, PAPERS.c.version).where(PAPERS.c.id == paper_id)
            ).one_or_none()
            if found is None:
                raise UserError(f"there is no paper with id {paper_id}")
            stored, version = found
            if replacing is None or stored in (replacing, notes):
                c.execute(
                    update(PAPERS)
                    .where(PAPERS.c.id == paper_id, PAPERS.c.version == version)
                    .values(notes=notes, updated_at=now_text())
                )
                return
        current = self.get(paper_id)
        raise StaleEdit(
            f"the notes of paper {paper_id} were changed elsewhere since you began editing "
            "them; yours were not saved over theirs",
            current,
        )

    def readers(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """Who in the group has read each of these papers (a shared library; a file has one
        reader, whose status is the paper's own, so the answer is empty there)."""
        if not self.shared:
            return {}
        found: dict[int, list[str]] = {}
        with self._read() as c:
            for chunk in chunks(list(ids)):
                for paper_id, member in c.execute(
                    text(
                        "SELECT paper_id, member FROM paper_status WHERE status = 'read' "
                        f"AND paper_id IN {ids_from_json(c, 'ids')} ORDER BY updated_at, member"
                    ),
                    {"ids": json.dumps(list(chunk))},
                ):
                    found.setdefault(int(paper_id), []).append(str(member))
        return found

    def status_counts(self) -> dict[str, int]:
        with self._read() as c:
            counts = {s.value: 0 for s in ReadingStatus}
            for status, count in c.execute(
                text("SELECT status, count(*) FROM papers GROUP BY status")
            ):
                counts[status] = count
            return counts

    # ----------------------------------------------------------------- merge, delete, undo
    def merge(self, keep_id: int, other_id: int) -> PaperRecord:
        """Join `other` into `keep`: every appearance, tag, list membership and note survives;
        empty fields of `keep` are filled from `other`; `other` is then removed."""
        if keep_id == other_id:
            raise UserError("a paper cannot be merged with itself")
        with self._write() as c:
            existing_ids(c, [keep_id, other_id])
            keep = dict(c.execute(select(PAPERS).where(PAPERS.c.id == keep_id)).mappings().one())
            other = dict(c.execute(select(PAPERS).where(PAPERS.c.id == other_id)).mappings().one())
            other["abstract"] = abstracts(c, [other_id]).get(other_id)
            if keep["arxiv_id"] and other["arxiv_id"] and keep["arxiv_id"] != other["arxiv_id"]:
                raise UserError(
                    f"papers {keep_id} and {other_id} have different arXiv ids "
                    f"({keep['arxiv_id']}, {other['arxiv_id']}); they are different papers"
                )
            changes = fill(keep, other)
            notes = [n for n in (keep["notes"], other["notes"]) if n.strip()]
            changes["notes"] = "\n\n".join(notes)
            order = [s.value for s in ReadingStatus]
            changes["status"] = max(keep["status"], other["status"], key=order.index)
            changes["rating"] = max(keep["rating"], other["rating"])
            if not keep["citation_key"] and other["citation_key"]:
                changes["citation_key"] = other["citation_key"]
            changes["added_at"] = min(keep["added_at"], other["added_at"])
            changes["updated_at"] = now_text()
            c.execute(
                text("UPDATE appearances SET paper_id = :k WHERE paper_id = :o"),
                {"k": keep_id, "o": other_id},
            )
            c.execute(
                text(
                    insert_or_ignore(
                        c,
                        "paper_tags (paper_id, tag_id)",
                        "SELECT :k, tag_id FROM paper_tags WHERE paper_id = :o",
                    )
                ),
                {"k": keep_id, "o": other_id},
            )
            c.execute(
                text(
                    insert_or_ignore(
                        c,
                        "list_items (list_id, paper_id, position, added_at)",
                        "SELECT list_id, :k, position, added_at FROM list_items "
                        "WHERE paper_id = :o",
                    )
                ),
                {"k": keep_id, "o": other_id},
            )
            if is_postgres(c):  # every member's own status and rating: the higher of the two
                c.execute(
                    text(
                        "INSERT INTO paper_status (member, paper_id, status, rating, updated_at) "
                        "SELECT member, :k, status, rating, updated_at FROM paper_status "
                        "WHERE paper_id = :o ON CONFLICT (member, paper_id) DO UPDATE SET "
                        "status = CASE WHEN array_position(ARRAY['unread', 'reading', 'read'], "
                        "excluded.status) > array_position(ARRAY['unread', 'reading', 'read'], "
                        "paper_status.status) THEN excluded.status ELSE paper_status.status END, "
                        "rating = greatest(paper_status.rating, excluded.rating)"
                    ),
                    {"k": keep_id, "o": other_id},
                )
            # Unique columns move only after the other row is gone.
            c.execute(delete(PAPERS).where(PAPERS.c.id == other_id))
            apply_fill(c, keep_id, changes, changes["updated_at"])
        return self.get(keep_id)

    def delete_papers(self, ids: Sequence[int]) -> DeletedPapers:
        """Delete papers and return everything needed to restore them (undo)."""
        snapshot = DeletedPapers()
        with self._write() as c:
            ids = existing_ids(c, ids)
            for chunk in chunks(ids):
                snapshot.papers.extend(
                    dict(r)
                    for r in c.execute(select(PAPERS).where(PAPERS.c.id.in_(chunk))).mappings()
                )
                snapshot.tags.extend(
                    (r[0], r[1])
                    for r in c.execute(
                        select(PaperTag.paper_id, Tag.name)
                        .join(Tag, Tag.id == PaperTag.tag_id)
                        .where(PaperTag.paper_id.in_(chunk))
                    )
                )
                snapshot.list_items.extend(
                    dict(r)
                    for r in c.execute(
                        select(ListItem.__table__).where(ListItem.paper_id.in_(chunk))
                    ).mappings()
                )
                snapshot.appearances.extend(
                    dict(r)
                    for r in c.execute(
                        select(Appearance.__table__).where(Appearance.paper_id.in_(chunk))
                    ).mappings()
                )
                snapshot.abstracts.update(abstracts(c, chunk))
                if is_postgres(c):
                    snapshot.statuses.extend(
                        dict(r)
                        for r in c.execute(
                            text(
                                "SELECT member, paper_id, status, rating, updated_at "
                                f"FROM paper_status WHERE paper_id IN {ids_from_json(c, 'ids')}"
                            ),
                            {"ids": json.dumps(list(chunk))},
                        ).mappings()
                    )
                c.execute(delete(PAPERS).where(PAPERS.c.id.in_(chunk)))
        return snapshot

    def restore(self, snapshot: DeletedPapers) -> None:
        """Put deleted papers back with their ids, tags, list places and appearances."""
        with self._write() as c:
            self._check_restorable(c, snapshot)
            if snapshot.papers:
                # Tags come back through paper_tags below, whose trigger rebuilds this column.
                rows = [
                    {**row, "tags": "", "abstract": snapshot.abstracts.get(row["id"])}
                    for row in snapshot.papers
                ]
                insert_papers(c, rows, list(snapshot.papers[0]))
            live_lists = set(c.execute(select(ReadingList.id)).scalars())
            items = [i for i in snapshot.list_items if i["list_id"] in live_lists]
            if items:
                c.execute(insert(ListItem), items)
            live_sources = set(c.execute(select(Source.id)).scalars())
            appearances = [a for a in snapshot.appearances if a["source_id"] in live_sources]
            if appearances:  # a place another import has taken since stays with that one
                if is_postgres(c):
                    statement = pg_insert(Appearance).on_conflict_do_nothing()
                    c.execute(statement, appearances)
                else:
                    c.execute(insert(Appearance).prefix_with("OR IGNORE"), appearances)
            for paper_id, name in snapshot.tags:
                found = tag_id(c, name, create=True)
                c.execute(
                    text(insert_or_ignore(c, "paper_tags (paper_id, tag_id)", "VALUES (:p, :t)")),
                    {"p": paper_id, "t": found},
                )
            if snapshot.statuses:  # every member's own status and rating come back too
                c.execute(
                    text(
                        insert_or_ignore(
                            c,
                            "paper_status (member, paper_id, status, rating, updated_at)",
                            "VALUES (:member, :paper_id, :status, :rating, :updated_at)",
                        )
                    ),
                    snapshot.statuses,
                )
            if snapshot.tags:  # the tags' return moved the versions on: back to what they were
                c.execute(
                    update(PAPERS)
                    .where(PAPERS.c.id == bindparam("paper"))
                    .values(version=bindparam("was")),
                    [{"paper": row["id"], "was": row["version"]} for row in snapshot.papers],
                )

    @staticmethod
    def _check_restorable(c: Connection, snapshot: DeletedPapers) -> None:
        """Refuse, changing nothing, when another process brought a deleted paper back (an
        import since the delete) or took its id: restoring would make it twice."""
        for row in snapshot.papers:
            clash = c.execute(
                select(PAPERS.c.id).where(
                    (PAPERS.c.id == row["id"])
                    | (PAPERS.c.title_key == row["title_key"])
                    | ((PAPERS.c.arxiv_id == row["arxiv_id"]) & PAPERS.c.arxiv_id.is_not(None))
                )
            ).scalar()
            if clash is not None:
                raise UserError(
                    f"“{row['title']}” cannot come back: the library holds it (or its id) again "
                    f"as paper {clash}, added since it was deleted; nothing changed"
                )
            key = row.get("citation_key")
            holder = None
            if key:
                holder = c.execute(
                    select(PAPERS.c.id).where(func.lower(PAPERS.c.citation_key) == key.lower())
                ).scalar()
            if holder is not None:
                raise UserError(
                    f"“{row['title']}” cannot come back: its citation key {key} has been given "
                    f"to paper {holder} since it was deleted; nothing changed"
                )


def _table_records(c: Connection, ids: Sequence[int]) -> list[PaperRecord]:
    found = table_rows(c, ids)
    return [record_from_row(found[i], None, [], []) for i in ids if i in found]
