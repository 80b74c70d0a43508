"""The library service: the one object the command line and the window talk to.

Every public method opens its own short session, so the library can be used from any thread
(each thread gets its own connection from the pool). Imports are one transaction each.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.engine import RowMapping

from readinglist.core.citekeys import make_citation_key, validate_citation_key
from readinglist.core.database import resolve_library_path
from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.errors import ImportCancelled, UserError
from readinglist.core.gcpause import collector_paused
from readinglist.core.models import (
    Appearance,
    ListItem,
    Paper,
    PaperTag,
    ReadingList,
    SavedSearch,
    Source,
    Tag,
)
from readinglist.core.normalize import arxiv_abs_url, title_key
from readinglist.core.query import Query, SortSpec, parse_query
from readinglist.core.records import PaperRecord, ReadingStatus, SourceRef
from readinglist.core.search import SimilarPapers, compile_search
from readinglist.core.store import WRITE_BUSY_TIMEOUT, Store
from readinglist.core.summary import (
    EntryOutcome,
    ImportSummary,
    Outcome,
    PossibleDuplicate,
)

log = logging.getLogger(__name__)
PAPERS = cast(Table, Paper.__table__)
_CHUNK = 500  # stays under SQLite's bound-parameter limit
_NEAR_DUPLICATE_RATIO = 0.88
_BLOCK_LIMIT = 50  # titles compared per first-three-words block
_BLOCK_SCAN_THRESHOLD = 2000
_REANALYZE_THRESHOLD = 1000  # new papers after which the planner's statistics are refreshed
_BULK_REINDEX_MIN = 10_000  # new papers from which indexes are rebuilt rather than updated
# An import waits this long for another writer (say, another import of 100,000 papers).
IMPORT_BUSY_TIMEOUT = 300.0
# Fields a later sighting may fill when the library has nothing for them yet.
_FILLABLE = (
    "arxiv_id",
    "url",
    "authors",
    "authors_count",
    "organization",
    "organization_handle",
    "upvotes",
    "comments",
    "primary_class",
    "subjects",
    "journal_ref",
    "arxiv_comment",
    "ai_summary",
    "ai_keywords",
)
ProgressCallback = Callable[[int, int], None]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _row_from_parsed(paper: ParsedPaper, now: str) -> dict[str, Any]:
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


def _fill(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """The changes that fill `stored`'s empty fields from `incoming`; never overwrites."""
    changes: dict[str, Any] = {}
    if not stored.get("has_abstract") and incoming.get("abstract"):
        changes["abstract"] = incoming["abstract"]
        changes["has_abstract"] = True
    for name in _FILLABLE:
        if _empty(stored.get(name)) and not _empty(incoming.get(name)):
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
    if "arxiv_id" in changes and _empty(stored.get("url")):
        changes["url"] = arxiv_abs_url(changes["arxiv_id"])
    return changes


_JSON_COLUMNS = {"authors", "code_urls", "subjects", "ai_keywords", "shown"}
_PAPER_INSERT_COLUMNS = (
    "id", "title", "title_key", "has_abstract", "arxiv_id", "url", "published", "published_precision",
    "authors", "authors_count", "organization", "organization_handle", "upvotes", "comments",
    "code_urls", "primary_class", "subjects", "journal_ref", "arxiv_comment", "ai_summary",
    "ai_keywords", "status", "rating", "notes", "tags", "added_at", "updated_at",
)  # fmt: skip


def _json(value: Any) -> str | None:
    """A JSON column's text, as the ORM would write it."""
    if value is None:
        return None
    if value == []:  # most papers' code_urls
        return "[]"
    return json.dumps(value)


def _insert_many(
    c: Connection, table: str, rows: list[dict[str, Any]], columns: Sequence[str]
) -> None:
    """Bulk INSERT through the driver: SQLAlchemy's per-row parameter handling costs more
    than SQLite's own work at 100,000 rows."""
    pick = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    json_positions = [i for i, name in enumerate(columns) if name in _JSON_COLUMNS]
    values: list[tuple[Any, ...]] = []
    for row in rows:
        picked = pick(row)
        if json_positions:
            encoded = list(picked)
            for i in json_positions:
                encoded[i] = _json(encoded[i])
            picked = tuple(encoded)
        values.append(picked)
    placeholders = ", ".join("?" for _ in columns)
    c.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values)


def _insert_papers(
    c: Connection, rows: list[dict[str, Any]], columns: Sequence[str] = _PAPER_INSERT_COLUMNS
) -> None:
    """Insert papers (with their ids) and their full-text rows, which hold the abstracts.
    Every new paper goes through here: papers_fts has no insert trigger by design."""
    _insert_many(c, "papers", rows, columns)
    c.exec_driver_sql(
        "INSERT INTO papers_fts (rowid, title, abstract, notes, tags) VALUES (?, ?, ?, ?, ?)",
        [(r["id"], r["title"], r.get("abstract"), r["notes"], r["tags"]) for r in rows],
    )


def _drop_paper_indexes(c: Connection) -> list[str]:
    """Drop the papers table's own indexes, returning the statements that recreate them.

    A bulk import into a small library builds each index once from sorted keys afterwards
    instead of updating ten b-trees per row; being in the import's transaction, a failed
    import gets them back with everything else."""
    rows = c.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = 'papers' AND sql IS NOT NULL"
    ).all()
    for name, _sql in rows:
        c.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _apply_fill(c: Connection, paper_id: int, changes: dict[str, Any], now: str) -> None:
    """Store changed fields: columns on papers, the abstract in papers_fts."""
    values = {k: v for k, v in changes.items() if k != "abstract"}
    values["updated_at"] = now
    c.execute(update(PAPERS).where(PAPERS.c.id == paper_id).values(**values))
    if "abstract" in changes:
        c.exec_driver_sql(
            "UPDATE papers_fts SET abstract = ? WHERE rowid = ?", (changes["abstract"], paper_id)
        )


def _abstracts(c: Connection, ids: Sequence[int]) -> dict[int, str | None]:
    found: dict[int, str | None] = {}
    for chunk in _chunks(list(ids)):
        rows = c.execute(
            text(
                "SELECT rowid, abstract FROM papers_fts WHERE rowid IN "
                "(SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(list(chunk))},
        )
        found.update((row[0], row[1]) for row in rows)
    return found


def _near_duplicate(a: str, b: str) -> bool:
    if a == b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < 12 or len(shorter) / len(longer) < 0.75:  # cheap rejects first
        return False
    words_a, words_b = set(a.split()), set(b.split())
    if len(words_a ^ words_b) > max(3, len(words_a | words_b) // 4):
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= _NEAR_DUPLICATE_RATIO


def _block_key(key: str) -> str:
    """Titles sharing their first three words are compared for near-duplicates."""
    return " ".join(key.split()[:3])


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


@dataclass(frozen=True)
class NamedCount:
    """A sidebar entry: a tag, list or saved search and how many papers it holds."""

    id: int
    name: str
    count: int
    detail: str = ""  # a list's description, a saved search's query


@dataclass
class DeletedPapers:
    """Everything needed to put deleted papers back exactly as they were (undo)."""

    papers: list[dict[str, Any]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    list_items: list[dict[str, Any]] = field(default_factory=list)
    appearances: list[dict[str, Any]] = field(default_factory=list)
    abstracts: dict[int, str | None] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [int(row["id"]) for row in self.papers]


class Library:
    """A library file: papers, what the user owns of them, and where they came from."""

    read_only = False  # a library opened for reading only (see recovery.ReadOnlyLibrary)
    similar: SimilarPapers | None = None  # answers like:ID; set by whoever holds core.related

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        self.store = Store.open(path, create=create)
        self.engine = self.store.engine

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Library:
        """The library at `path` (see resolve_library_path); `create=False` refuses a path
        that holds no library instead of starting an empty one there."""
        return cls(resolve_library_path(path), create=create)

    def close(self) -> None:
        self.store.close()

    def _write(
        self, *, busy_timeout: float = WRITE_BUSY_TIMEOUT
    ) -> AbstractContextManager[Connection]:
        return self.store.write(busy_timeout=busy_timeout)

    def _read(self) -> AbstractContextManager[Connection]:
        return self.store.read()

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
        compiled = compile_search(
            parsed, sort, scope_sql=scope_sql, limit=limit, similar=self.similar
        )
        with self._read() as c:
            # Straight through the driver: at 100,000 ids SQLAlchemy's per-row result
            # processing costs more than the query itself.
            cursor = c.connection.driver_connection.execute(compiled.sql, compiled.params)  # type: ignore[union-attr]
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
            for chunk in _chunks(list(ids)):
                for row in c.execute(select(PAPERS).where(PAPERS.c.id.in_(chunk))).mappings():
                    rows[row["id"]] = row
                if not relations:
                    continue
                for paper_id, name in c.execute(
                    text(
                        "SELECT li.paper_id, l.name FROM list_items li JOIN reading_lists l "
                        "ON l.id = li.list_id WHERE li.paper_id IN (SELECT value FROM "
                        "json_each(:ids)) ORDER BY l.name COLLATE NOCASE"
                    ),
                    {"ids": json.dumps(list(chunk))},
                ):
                    lists.setdefault(paper_id, []).append(name)
                for paper_id, source_id, name, position in c.execute(
                    text(
                        "SELECT a.paper_id, s.id, s.name, a.position FROM appearances a "
                        "JOIN sources s ON s.id = a.source_id WHERE a.paper_id IN "
                        "(SELECT value FROM json_each(:ids)) ORDER BY s.imported_at, s.id"
                    ),
                    {"ids": json.dumps(list(chunk))},
                ):
                    sources.setdefault(paper_id, []).append(SourceRef(source_id, name, position))
            abstracts = _abstracts(c, list(rows))
        return [
            _record(rows[i], abstracts.get(i), lists.get(i, []), sources.get(i, []))
            for i in ids
            if i in rows
        ]

    def _existing_ids(self, c: Connection, ids: Iterable[int]) -> list[int]:
        wanted = list(dict.fromkeys(ids))
        found: set[int] = set()
        for chunk in _chunks(wanted):
            found.update(c.execute(select(PAPERS.c.id).where(PAPERS.c.id.in_(chunk))).scalars())
        missing = [i for i in wanted if i not in found]
        if missing:
            raise UserError(f"there is no paper with id {missing[0]}")
        return wanted

    # ----------------------------------------------------------------- citation keys
    def issue_citation_keys(self, paper_ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each paper: its stored key, else a new one, stored at once.

        A key never changes once issued, so a document citing it never breaks; a later paper
        that would collide gets a suffix (a, b, …). Keys are unique across the library,
        compared without regard to case as BibTeX does. One transaction.
        """
        with self._write() as c:
            ids = self._existing_ids(c, paper_ids)
            keys: dict[int, str] = {}
            for chunk in _chunks(ids):
                rows = c.execute(
                    select(PAPERS.c.id, PAPERS.c.citation_key).where(PAPERS.c.id.in_(chunk))
                )
                keys.update({r.id: r.citation_key for r in rows if r.citation_key})
            missing = [i for i in ids if i not in keys]
            if not missing:
                return {i: keys[i] for i in ids}
            taken = {
                key.lower()
                for key in c.execute(
                    select(PAPERS.c.citation_key).where(PAPERS.c.citation_key.is_not(None))
                ).scalars()
            }
            rows_by_id: dict[int, RowMapping] = {}
            for chunk in _chunks(missing):
                for row in c.execute(select(PAPERS).where(PAPERS.c.id.in_(chunk))).mappings():
                    rows_by_id[row["id"]] = row
            updates = []
            for paper_id in missing:  # in the order asked: the first paper gets the bare key
                key = make_citation_key(_record(rows_by_id[paper_id], None, [], []), taken)
                taken.add(key.lower())
                keys[paper_id] = key
                updates.append({"paper": paper_id, "key": key})
            if self.read_only:
                # Nothing can be stored: the keys hold for this export only (a writable
                # library issues the same ones later, unless it has gained papers meanwhile).
                return {i: keys[i] for i in ids}
            c.execute(
                update(PAPERS)
                .where(PAPERS.c.id == bindparam("paper"))
                .values(citation_key=bindparam("key")),
                updates,
            )
            return {i: keys[i] for i in ids}

    def set_citation_key(self, paper_id: int, key: str) -> None:
        """Give a paper the key the user chose. Raises UserError when it is invalid or taken."""
        key = key.strip()
        problem = validate_citation_key(key)
        if problem is not None:
            raise UserError(problem)
        with self._write() as c:
            self._existing_ids(c, [paper_id])
            other = c.execute(
                select(PAPERS.c.id).where(
                    func.lower(PAPERS.c.citation_key) == key.lower(), PAPERS.c.id != paper_id
                )
            ).scalar()
            if other is not None:
                raise UserError(f"the citation key {key!r} is already used by paper {other}")
            c.execute(update(PAPERS).where(PAPERS.c.id == paper_id).values(citation_key=key))

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
        """Store what a page showed, in one transaction.

        A paper already in the library (same arXiv id, or same normalized title when either
        side lacks an id) gains an appearance and any fields it lacked; status, rating, notes,
        tags and lists are never touched. Raises ImportCancelled when `cancelled()` turns true;
        nothing is stored then. A dry run computes the same summary and stores nothing.
        """
        summary = ImportSummary(
            file_name=file_name,
            format=result.format,
            warnings=list(result.warnings),
            assumptions=list(result.assumptions),
            dry_run=dry_run,
        )
        now = _now()
        with collector_paused():
            self._import_transaction(
                result, summary, now, file_path, sha256, list_name, dry_run, progress, cancelled
            )
        return summary

    def _import_transaction(
        self,
        result: ParseResult,
        summary: ImportSummary,
        now: str,
        file_path: str | None,
        sha256: str,
        list_name: str | None,
        dry_run: bool,
        progress: ProgressCallback | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        total = len(result.papers)
        big = False  # a bulk import: fresh statistics, and its checkpoint in the background
        # Matching against the library happens inside the write lock: two imports at once run
        # one after the other, so neither adds a paper the other is adding.
        with self.store.write(busy_timeout=IMPORT_BUSY_TIMEOUT) as connection:
            self._import(connection, result, summary, now, file_path, sha256, progress, cancelled)
            if list_name and not dry_run:
                list_id = self._list_id(connection, list_name, create=True)
                self._append_to_list(connection, list_id, summary.paper_ids, now)
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(total, total)
            if dry_run:
                connection.rollback()
                return
            big = summary.count(Outcome.NEW) >= _REANALYZE_THRESHOLD
            if big:
                self.store.checkpoint_later(connection)
        # Committed: from here on nothing may report the import as failed.
        if big:
            self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """Fresh statistics let SQLite pick the right index for filters and sorts after a big
        import. ANALYZE of the tables an import grows (60 ms at 100,000 papers); a plain
        ANALYZE would also read the whole full-text index, and sampled statistics misjudge
        low-cardinality columns such as status and pick slow plans."""
        try:
            with self.store.write(busy_timeout=1) as connection:
                for table in ("papers", "appearances", "list_items"):
                    connection.exec_driver_sql(f"ANALYZE {table}")
        except Exception:  # busy, say: PRAGMA optimize on close refreshes them instead
            log.warning("statistics of %s were not refreshed", self.path, exc_info=True)

    def wait_for_checkpoint(self) -> None:
        """Block until background checkpoints are done (close() waits for them too)."""
        self.store.wait_for_checkpoint()

    def _import(
        self,
        c: Connection,
        result: ParseResult,
        summary: ImportSummary,
        now: str,
        file_path: str | None,
        sha256: str,
        progress: ProgressCallback | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        incoming = [_row_from_parsed(p, now) for p in result.papers]
        by_arxiv, by_title = self._lookup_existing(c, incoming)

        # Decide each entry: an existing paper, an earlier entry of this page, or new.
        # target[i] = ("old", paper_id) | ("new", index into new_rows)
        target: list[tuple[str, int]] = []
        new_rows: list[dict[str, Any]] = []
        pending_arxiv: dict[str, int] = {}
        pending_title: dict[str, list[int]] = {}
        fills: dict[int, dict[str, Any]] = {}
        for index, row in enumerate(incoming):
            if index % 256 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(index, len(incoming))
            found = self._match(row, by_arxiv, by_title)
            if found is not None:
                stored = fills.get(found["id"], found)
                changes = _fill(stored, row)
                if changes:
                    fills[found["id"]] = {**stored, **changes}
                    if changes.get("arxiv_id"):
                        by_arxiv[changes["arxiv_id"]] = fills[found["id"]]
                target.append(("old", found["id"]))
                continue
            pending = self._match_pending(row, new_rows, pending_arxiv, pending_title)
            if pending is not None:
                new_rows[pending].update(_fill(new_rows[pending], row))
                if new_rows[pending].get("arxiv_id"):
                    pending_arxiv[new_rows[pending]["arxiv_id"]] = pending
                target.append(("new", pending))
                continue
            target.append(("new", len(new_rows)))
            if row["arxiv_id"]:
                pending_arxiv[row["arxiv_id"]] = len(new_rows)
            pending_title.setdefault(row["title_key"], []).append(len(new_rows))
            new_rows.append(row)

        summary.possible_duplicates = self._near_duplicates(c, result.papers, target, new_rows)

        source_id, reused = self._source(c, result, summary.file_name, file_path, sha256, now)
        summary.source_id = source_id
        summary.same_file_seen_before = reused

        new_ids: list[int | None] = [None] * len(new_rows)
        if new_rows:
            first = c.execute(select(func.coalesce(func.max(PAPERS.c.id), 0))).scalar_one() + 1
            new_ids = list(range(first, first + len(new_rows)))
            for paper_id, row in zip(new_ids, new_rows, strict=True):
                row["id"] = paper_id
            indexes: list[str] = []
            # Rebuilding reads every stored paper again: worth it when the new ones are at
            # least as many (first - 1, the highest id, bounds how many are stored).
            if len(new_rows) >= max(_BULK_REINDEX_MIN, first - 1):
                indexes = _drop_paper_indexes(c)
            _insert_papers(c, new_rows)
            for create in indexes:
                c.exec_driver_sql(create)
        for paper_id, changes in fills.items():
            _apply_fill(c, paper_id, changes, now)

        seen_positions: set[int] = set()
        if reused:
            seen_positions = set(
                c.execute(
                    select(Appearance.position).where(Appearance.source_id == source_id)
                ).scalars()
            )
        appearances: list[tuple[int, int, int, str]] = []
        first_sighting: set[int] = set()
        for position, (parsed, (kind, ref)) in enumerate(
            zip(result.papers, target, strict=True), 1
        ):
            entry_id: int | None
            if kind == "old":
                entry_id = ref
                outcome = Outcome.ENRICHED if ref in fills else Outcome.PRESENT
            else:
                entry_id = new_ids[ref]
                outcome = Outcome.PRESENT if ref in first_sighting else Outcome.NEW
                first_sighting.add(ref)
            summary.entries.append(EntryOutcome(parsed.title, parsed.line, outcome, entry_id))
            if entry_id is not None and position not in seen_positions:
                shown = json.dumps({"line": parsed.line, **parsed.shown})
                appearances.append((entry_id, source_id, position, shown))
        if appearances:
            c.exec_driver_sql(
                "INSERT INTO appearances (paper_id, source_id, position, shown) "
                "VALUES (?, ?, ?, ?)",
                appearances,
            )

    def _lookup_existing(
        self, c: Connection, incoming: list[dict[str, Any]]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        names = (
            "id", "title_key", "published", "published_precision", "has_abstract", "code_urls",
            *_FILLABLE,
        )  # fmt: skip
        json_positions = [i for i, name in enumerate(names) if name in _JSON_COLUMNS]
        arxiv_ids = sorted({r["arxiv_id"] for r in incoming if r["arxiv_id"]})
        keys = sorted({r["title_key"] for r in incoming})
        by_arxiv: dict[str, dict[str, Any]] = {}
        by_title: dict[str, list[dict[str, Any]]] = {}
        seen: set[int] = set()
        # Straight through the driver: at 100,000 papers SQLAlchemy's row objects cost more
        # than the lookups themselves.
        cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for values, column in ((arxiv_ids, "arxiv_id"), (keys, "title_key")):
            for chunk in _chunks(values):
                marks = ", ".join("?" for _ in chunk)
                sql = f"SELECT {', '.join(names)} FROM papers WHERE {column} IN ({marks})"
                for raw in cursor.execute(sql, list(chunk)):
                    if raw[0] in seen:
                        continue
                    seen.add(raw[0])
                    row = list(raw)
                    for i in json_positions:
                        if row[i] is not None:
                            row[i] = json.loads(row[i])
                    stored = dict(zip(names, row, strict=True))
                    if stored["arxiv_id"]:
                        by_arxiv[stored["arxiv_id"]] = stored
                    by_title.setdefault(stored["title_key"], []).append(stored)
        return by_arxiv, by_title

    @staticmethod
    def _match(
        row: dict[str, Any],
        by_arxiv: dict[str, dict[str, Any]],
        by_title: dict[str, list[dict[str, Any]]],
    ) -> dict[str, Any] | None:
        if row["arxiv_id"] and row["arxiv_id"] in by_arxiv:
            return by_arxiv[row["arxiv_id"]]
        for stored in by_title.get(row["title_key"], []):
            # Two different arXiv ids are two papers, whatever their titles say.
            if row["arxiv_id"] and stored["arxiv_id"] and stored["arxiv_id"] != row["arxiv_id"]:
                continue
            return stored
        return None

    @staticmethod
    def _match_pending(
        row: dict[str, Any],
        new_rows: list[dict[str, Any]],
        pending_arxiv: dict[str, int],
        pending_title: dict[str, list[int]],
    ) -> int | None:
        if row["arxiv_id"] and row["arxiv_id"] in pending_arxiv:
            return pending_arxiv[row["arxiv_id"]]
        for index in pending_title.get(row["title_key"], []):
            other = new_rows[index]["arxiv_id"]
            if row["arxiv_id"] and other and other != row["arxiv_id"]:
                continue
            return index
        return None

    def _near_duplicates(
        self,
        c: Connection,
        parsed: list[ParsedPaper],
        target: list[tuple[str, int]],
        new_rows: list[dict[str, Any]],
    ) -> list[PossibleDuplicate]:
        """New papers whose titles nearly equal another's (same first words, tiny edit)."""
        new_positions: dict[int, int] = {}
        for position, (kind, ref) in enumerate(target):
            if kind == "new" and ref not in new_positions:
                new_positions[ref] = position
        wanted = {_block_key(row["title_key"]) for row in new_rows} - {""}
        blocks: dict[str, list[tuple[int | None, str, str]]] = {block: [] for block in wanted}
        cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if len(wanted) > _BLOCK_SCAN_THRESHOLD:
            # A big import: one pass over every stored title beats thousands of range queries.
            for paper_id, key, title in cursor.execute("SELECT id, title_key, title FROM papers"):
                members = blocks.get(_block_key(key))
                if members is not None and len(members) < _BLOCK_LIMIT:
                    members.append((paper_id, key, title))
        else:
            for block in wanted:
                blocks[block].extend(
                    cursor.execute(
                        "SELECT id, title_key, title FROM papers "
                        "WHERE title_key >= ? AND title_key < ? LIMIT ?",
                        (block, block + "\uffff", _BLOCK_LIMIT),
                    )
                )
        found: list[PossibleDuplicate] = []
        for ref, row in enumerate(new_rows):
            candidates = blocks.setdefault(_block_key(row["title_key"]), [])
            entry = parsed[new_positions[ref]]
            for other_id, other_key, other_title in candidates:
                if _near_duplicate(row["title_key"], other_key):
                    found.append(PossibleDuplicate(entry.title, entry.line, other_id, other_title))
                    break
            if len(candidates) < _BLOCK_LIMIT:
                candidates.append((None, row["title_key"], row["title"]))
        return found

    def _source(
        self,
        c: Connection,
        result: ParseResult,
        name: str,
        path: str | None,
        sha256: str,
        now: str,
    ) -> tuple[int, bool]:
        existing = c.execute(
            select(Source.id).where(Source.sha256 == sha256, Source.format == result.format)
        ).scalar()
        if existing is not None:
            c.execute(update(Source).where(Source.id == existing).values(imported_at=now))
            return int(existing), True
        row = {
            "name": name,
            "path": path,
            "sha256": sha256,
            "format": result.format,
            "page_date": result.page_date.isoformat() if result.page_date else None,
            "page_date_precision": str(result.page_date_precision),
            "assumptions": list(result.assumptions),
            "imported_at": now,
        }
        return int(c.execute(insert(Source).returning(Source.id), row).scalar_one()), False

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
            ids = self._existing_ids(c, ids)
            for chunk in _chunks(ids):
                c.execute(
                    update(PAPERS).where(PAPERS.c.id.in_(chunk)).values(**values, updated_at=_now())
                )

    def set_status(self, ids: Sequence[int], status: ReadingStatus | str) -> None:
        self._update_papers(ids, status=ReadingStatus(status).value)

    def set_rating(self, ids: Sequence[int], rating: int) -> None:
        if not 0 <= rating <= 5:
            raise UserError(f"a rating is 0 to 5, not {rating}")
        self._update_papers(ids, rating=rating)

    def set_notes(self, paper_id: int, notes: str) -> None:
        self._update_papers([paper_id], notes=notes)

    @staticmethod
    def _check_tag(name: str) -> str:
        clean = " ".join(name.split())
        if not clean:
            raise UserError("a tag needs a name")
        if "," in clean or len(clean) > 64:
            raise UserError(f"the tag {clean!r} is not valid: no commas, at most 64 characters")
        return clean

    def _tag_id(self, c: Connection, name: str, create: bool) -> int | None:
        tag_id = c.execute(select(Tag.id).where(func.lower(Tag.name) == name.lower())).scalar()
        if tag_id is None and create:
            tag_id = c.execute(insert(Tag).returning(Tag.id), {"name": name}).scalar_one()
        return int(tag_id) if tag_id is not None else None

    def add_tags(self, ids: Sequence[int], names: Iterable[str]) -> None:
        clean = [self._check_tag(n) for n in names]
        with self._write() as c:
            ids = self._existing_ids(c, ids)
            for name in clean:
                tag_id = self._tag_id(c, name, create=True)
                c.execute(
                    text("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (:p, :t)"),
                    [{"p": paper_id, "t": tag_id} for paper_id in ids],
                )

    def remove_tags(self, ids: Sequence[int], names: Iterable[str]) -> None:
        with self._write() as c:
            ids = self._existing_ids(c, ids)
            for name in names:
                tag_id = self._tag_id(c, name.strip(), create=False)
                if tag_id is None:
                    continue
                for chunk in _chunks(ids):
                    c.execute(
                        delete(PaperTag).where(
                            PaperTag.tag_id == tag_id, PaperTag.paper_id.in_(chunk)
                        )
                    )
            # A tag nobody carries any more disappears from the sidebar.
            c.execute(text("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)"))

    def tags(self) -> list[NamedCount]:
        with self._read() as c:
            rows = c.execute(
                text(
                    "SELECT t.id, t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt "
                    "ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
                )
            )
            return [NamedCount(r[0], r[1], r[2]) for r in rows]

    # ----------------------------------------------------------------- reading lists
    def _list_id(self, c: Connection, name: str, create: bool = False) -> int:
        clean = " ".join(name.split())
        if not clean:
            raise UserError("a reading list needs a name")
        list_id = c.execute(
            select(ReadingList.id).where(func.lower(ReadingList.name) == clean.lower())
        ).scalar()
        if list_id is None:
            if not create:
                raise UserError(f"there is no reading list named {clean!r}")
            list_id = c.execute(
                insert(ReadingList).returning(ReadingList.id),
                {"name": clean, "description": "", "created_at": _now()},
            ).scalar_one()
        return int(list_id)

    def create_list(self, name: str, description: str = "") -> int:
        with self._write() as c:
            clean = " ".join(name.split())
            if not clean:
                raise UserError("a reading list needs a name")
            exists = c.execute(
                select(ReadingList.id).where(func.lower(ReadingList.name) == clean.lower())
            ).scalar()
            if exists is not None:
                raise UserError(f"a reading list named {clean!r} already exists")
            return int(
                c.execute(
                    insert(ReadingList).returning(ReadingList.id),
                    {"name": clean, "description": description, "created_at": _now()},
                ).scalar_one()
            )

    def rename_list(self, old: str, new: str, description: str | None = None) -> None:
        with self._write() as c:
            list_id = self._list_id(c, old)
            clean = " ".join(new.split())
            if not clean:
                raise UserError("a reading list needs a name")
            clash = c.execute(
                select(ReadingList.id).where(
                    func.lower(ReadingList.name) == clean.lower(), ReadingList.id != list_id
                )
            ).scalar()
            if clash is not None:
                raise UserError(f"a reading list named {clean!r} already exists")
            values: dict[str, Any] = {"name": clean}
            if description is not None:
                values["description"] = description
            c.execute(update(ReadingList).where(ReadingList.id == list_id).values(**values))

    def delete_list(self, name: str) -> None:
        with self._write() as c:
            list_id = self._list_id(c, name)
            c.execute(delete(ReadingList).where(ReadingList.id == list_id))

    def _append_to_list(self, c: Connection, list_id: int, ids: Sequence[int], now: str) -> int:
        present = set(
            c.execute(select(ListItem.paper_id).where(ListItem.list_id == list_id)).scalars()
        )
        last = c.execute(
            select(func.coalesce(func.max(ListItem.position), 0)).where(ListItem.list_id == list_id)
        ).scalar_one()
        rows = []
        for paper_id in ids:
            if paper_id in present:
                continue
            present.add(paper_id)
            last += 1
            rows.append(
                {"list_id": list_id, "paper_id": paper_id, "position": last, "added_at": now}
            )
        if rows:
            c.execute(insert(ListItem), rows)
        return len(rows)

    def add_to_list(self, name: str, ids: Sequence[int], *, create: bool = False) -> int:
        """Append papers to a list (after its last one); returns how many were not in it."""
        with self._write() as c:
            ids = self._existing_ids(c, ids)
            return self._append_to_list(c, self._list_id(c, name, create=create), ids, _now())

    def remove_from_list(self, name: str, ids: Sequence[int]) -> None:
        with self._write() as c:
            list_id = self._list_id(c, name)
            for chunk in _chunks(list(ids)):
                c.execute(
                    delete(ListItem).where(
                        ListItem.list_id == list_id, ListItem.paper_id.in_(chunk)
                    )
                )

    def move_in_list(self, name: str, ordered_ids: Sequence[int]) -> None:
        """Give the list exactly this order (the ids must be the list's members)."""
        with self._write() as c:
            list_id = self._list_id(c, name)
            members = set(
                c.execute(select(ListItem.paper_id).where(ListItem.list_id == list_id)).scalars()
            )
            if set(ordered_ids) != members or len(ordered_ids) != len(members):
                raise UserError("the new order must hold exactly the papers of the list")
            for position, paper_id in enumerate(ordered_ids, 1):
                c.execute(
                    update(ListItem)
                    .where(ListItem.list_id == list_id, ListItem.paper_id == paper_id)
                    .values(position=position)
                )

    def list_paper_ids(self, name: str) -> list[int]:
        with self._read() as c:
            list_id = self._list_id(c, name)
            return list(
                c.execute(
                    select(ListItem.paper_id)
                    .where(ListItem.list_id == list_id)
                    .order_by(ListItem.position)
                ).scalars()
            )

    def lists(self) -> list[NamedCount]:
        with self._read() as c:
            rows = c.execute(
                text(
                    "SELECT l.id, l.name, count(li.paper_id), l.description FROM reading_lists l "
                    "LEFT JOIN list_items li ON li.list_id = l.id GROUP BY l.id "
                    "ORDER BY l.name COLLATE NOCASE"
                )
            )
            return [NamedCount(r[0], r[1], r[2], r[3]) for r in rows]

    # ----------------------------------------------------------------- saved searches
    def save_search(self, name: str, query: str) -> None:
        parse_query(query)  # refuse to save what cannot run
        clean = " ".join(name.split())
        if not clean:
            raise UserError("a saved search needs a name")
        with self._write() as c:
            c.execute(
                text(
                    'INSERT INTO saved_searches (name, "query") VALUES (:n, :q) '
                    'ON CONFLICT (name) DO UPDATE SET "query" = excluded."query"'
                ),
                {"n": clean, "q": query},
            )

    def delete_saved_search(self, name: str) -> None:
        with self._write() as c:
            c.execute(delete(SavedSearch).where(func.lower(SavedSearch.name) == name.lower()))

    def saved_searches(self) -> list[NamedCount]:
        with self._read() as c:
            rows = c.execute(
                select(SavedSearch.id, SavedSearch.name, SavedSearch.query).order_by(
                    SavedSearch.name
                )
            )
            return [NamedCount(r[0], r[1], 0, r[2]) for r in rows]

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
            self._existing_ids(c, [keep_id, other_id])
            keep = dict(c.execute(select(PAPERS).where(PAPERS.c.id == keep_id)).mappings().one())
            other = dict(c.execute(select(PAPERS).where(PAPERS.c.id == other_id)).mappings().one())
            other["abstract"] = _abstracts(c, [other_id]).get(other_id)
            if keep["arxiv_id"] and other["arxiv_id"] and keep["arxiv_id"] != other["arxiv_id"]:
                raise UserError(
                    f"papers {keep_id} and {other_id} have different arXiv ids "
                    f"({keep['arxiv_id']}, {other['arxiv_id']}); they are different papers"
                )
            changes = _fill(keep, other)
            notes = [n for n in (keep["notes"], other["notes"]) if n.strip()]
            changes["notes"] = "\n\n".join(notes)
            order = [s.value for s in ReadingStatus]
            changes["status"] = max(keep["status"], other["status"], key=order.index)
            changes["rating"] = max(keep["rating"], other["rating"])
            if not keep["citation_key"] and other["citation_key"]:
                changes["citation_key"] = other["citation_key"]
            changes["added_at"] = min(keep["added_at"], other["added_at"])
            changes["updated_at"] = _now()
            c.execute(
                text("UPDATE appearances SET paper_id = :k WHERE paper_id = :o"),
                {"k": keep_id, "o": other_id},
            )
            c.execute(
                text(
                    "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) "
                    "SELECT :k, tag_id FROM paper_tags WHERE paper_id = :o"
                ),
                {"k": keep_id, "o": other_id},
            )
            c.execute(
                text(
                    "INSERT OR IGNORE INTO list_items (list_id, paper_id, position, added_at) "
                    "SELECT list_id, :k, position, added_at FROM list_items WHERE paper_id = :o"
                ),
                {"k": keep_id, "o": other_id},
            )
            # Unique columns move only after the other row is gone.
            c.execute(delete(PAPERS).where(PAPERS.c.id == other_id))
            _apply_fill(c, keep_id, changes, changes["updated_at"])
        return self.get(keep_id)

    def delete_papers(self, ids: Sequence[int]) -> DeletedPapers:
        """Delete papers and return everything needed to restore them (undo)."""
        snapshot = DeletedPapers()
        with self._write() as c:
            ids = self._existing_ids(c, ids)
            for chunk in _chunks(ids):
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
                snapshot.abstracts.update(_abstracts(c, chunk))
                c.execute(delete(PAPERS).where(PAPERS.c.id.in_(chunk)))
        return snapshot

    def restore(self, snapshot: DeletedPapers) -> None:
        """Put deleted papers back with their ids, tags, list places and appearances."""
        with self._write() as c:
            if snapshot.papers:
                # Tags come back through paper_tags below, whose trigger rebuilds this column.
                rows = [
                    {**row, "tags": "", "abstract": snapshot.abstracts.get(row["id"])}
                    for row in snapshot.papers
                ]
                _insert_papers(c, rows, list(snapshot.papers[0]))
            live_lists = set(c.execute(select(ReadingList.id)).scalars())
            items = [i for i in snapshot.list_items if i["list_id"] in live_lists]
            if items:
                c.execute(insert(ListItem), items)
            live_sources = set(c.execute(select(Source.id)).scalars())
            appearances = [a for a in snapshot.appearances if a["source_id"] in live_sources]
            if appearances:
                c.execute(insert(Appearance), appearances)
            for paper_id, name in snapshot.tags:
                tag_id = self._tag_id(c, name, create=True)
                c.execute(
                    text("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (:p, :t)"),
                    {"p": paper_id, "t": tag_id},
                )


def _record(
    row: RowMapping, abstract: str | None, lists: list[str], sources: list[SourceRef]
) -> PaperRecord:
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
        arxiv_comment=row["arxiv_comment"],
        ai_summary=row["ai_summary"],
        ai_keywords=row["ai_keywords"],
        citation_key=row["citation_key"],
        lists=lists,
        sources=sources,
    )
