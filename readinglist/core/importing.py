"""Importing parsed pages: matching each entry against the library, storing what is new,
filling what the library lacked, and recording where every paper was seen.

Everything happens inside one write transaction that holds SQLite's write lock from its first
statement: two imports at once run one after the other, so neither adds a paper the other is
adding, and a drop of several files is one transaction, counted as one.
"""

from __future__ import annotations

import difflib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from readinglist.core.dialect import driver_cursor_sql, is_postgres
from readinglist.core.entries import ParsedPaper, ParseResult
from readinglist.core.errors import ImportCancelled
from readinglist.core.fields import (
    FILLABLE,
    JSON_COLUMNS,
    fill,
    import_time_text,
    row_from_parsed,
)
from readinglist.core.gcpause import collector_paused
from readinglist.core.lists import append_to_list, list_id
from readinglist.core.models import Appearance, Source
from readinglist.core.paper_rows import (
    PAPERS,
    apply_fill,
    bulk_insert,
    chunks,
    drop_paper_indexes,
    insert_papers,
)
from readinglist.core.store import WRITE_BUSY_TIMEOUT, Store, busy_timeout
from readinglist.core.summary import EntryOutcome, ImportSummary, Outcome, PossibleDuplicate

log = logging.getLogger(__name__)
ProgressCallback = Callable[[int, int], None]
_NEAR_DUPLICATE_RATIO = 0.88
BLOCK_LIMIT = 50  # titles compared per first-three-words block
BLOCK_SCAN_THRESHOLD = 2000
REANALYZE_THRESHOLD = 1000  # new papers after which the planner's statistics are refreshed
BULK_REINDEX_MIN = 10_000  # new papers from which indexes are rebuilt rather than updated
# An import waits this long for another writer (say, another import of 100,000 papers).
IMPORT_BUSY_TIMEOUT = busy_timeout(300.0)


@dataclass(frozen=True)
class ImportRequest:
    """One parsed file of an import, and where it came from."""

    result: ParseResult
    file_name: str
    file_path: str | None
    sha256: str


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


def _merge_pending_words(c: Connection) -> None:
    """Move a big import's words from the GIN index's pending list into the index proper, in
    a savepoint: a member who may not (not the index's owner) keeps the statistics above."""
    try:
        with c.begin_nested():
            c.exec_driver_sql("SELECT gin_clean_pending_list('ix_papers_fts_document')")
    except DBAPIError as error:
        log.warning("the full-text index's pending words were not merged: %s", error)


def _block_key(key: str) -> str:
    """Titles sharing their first three words are compared for near-duplicates."""
    return " ".join(key.split()[:3])


class ImportService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def import_many(
        self,
        requests: Sequence[ImportRequest],
        *,
        list_name: str | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[ImportSummary]:
        """Store what several pages showed, in one transaction, one summary per page.

        A paper already in the library (same arXiv id, or same normalized title when either
        side lacks an id), or on an earlier page of the same call, gains an appearance and any
        fields it lacked; status, rating, notes, tags and lists are never touched. Raises
        ImportCancelled when `cancelled()` turns true; nothing is stored then. A dry run
        computes the same summaries and stores nothing.
        """
        now = import_time_text()  # every page and new paper of this call: one import
        summaries = [
            ImportSummary(
                file_name=request.file_name,
                format=request.result.format,
                warnings=list(request.result.warnings),
                assumptions=list(request.result.assumptions),
                dry_run=dry_run,
            )
            for request in requests
        ]
        total = sum(len(request.result.papers) for request in requests)
        big = False  # a bulk import: fresh statistics, and its checkpoint in the background
        # A dry run stores nothing: it waits no longer for another writer than an edit does.
        patience = WRITE_BUSY_TIMEOUT if dry_run else IMPORT_BUSY_TIMEOUT
        with (
            collector_paused(),
            self.store.write(busy_timeout=patience, cancelled=cancelled) as c,
        ):
            done = 0
            for request, summary in zip(requests, summaries, strict=True):
                offset = done

                def step(index: int, _count: int, offset: int = offset) -> None:
                    if progress is not None:
                        progress(offset + index, total)

                self._import(c, request, summary, now, step, cancelled)
                done += len(request.result.papers)
            if list_name and not dry_run:
                target = list_id(c, list_name, create=True)
                for summary in summaries:
                    append_to_list(c, target, summary.paper_ids, now)
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(total, total)
            if dry_run:
                c.rollback()
                return summaries
            big = sum(s.count(Outcome.NEW) for s in summaries) >= REANALYZE_THRESHOLD
            if big:
                self.store.checkpoint_later(c)
        # Committed: from here on nothing may report the import as failed.
        if big:
            self._refresh_statistics()
        return summaries

    def _refresh_statistics(self) -> None:
        """Fresh statistics let SQLite pick the right index for filters and sorts after a big
        import. ANALYZE of the tables an import grows (60 ms at 100,000 papers); a plain
        ANALYZE would also read the whole full-text index, and sampled statistics misjudge
        low-cardinality columns such as status and pick slow plans."""
        # On PostgreSQL, ANALYZE also waits for the server's own autovacuum of the fresh rows.
        patience = 30.0 if self.store.postgres else 1.0
        try:
            with self.store.write(busy_timeout=patience) as c:
                papers = "paper_data" if is_postgres(c) else "papers"
                # PostgreSQL's full-text index is a GIN index on a table: without statistics,
                # or with the import's words still in its pending list (read one by one by
                # every search), the planner reads the whole table for a word instead.
                words = ("papers_fts",) if is_postgres(c) else ()
                for table in (papers, "appearances", "list_items", *words):
                    c.exec_driver_sql(f"ANALYZE {table}")
                if words:
                    _merge_pending_words(c)
        except Exception as error:  # busy, say: PRAGMA optimize on close refreshes them instead
            log.warning("statistics of %s were not refreshed: %s", self.store.name, error)

    def _import(
        self,
        c: Connection,
        request: ImportRequest,
        summary: ImportSummary,
        now: str,
        progress: ProgressCallback | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        result = request.result
        incoming = [row_from_parsed(p, now) for p in result.papers]
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
                changes = fill(stored, row)
                if changes:
                    fills[found["id"]] = {**stored, **changes}
                    if changes.get("arxiv_id"):
                        by_arxiv[changes["arxiv_id"]] = fills[found["id"]]
                target.append(("old", found["id"]))
                continue
            pending = self._match_pending(row, new_rows, pending_arxiv, pending_title)
            if pending is not None:
                new_rows[pending].update(fill(new_rows[pending], row))
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

        source_id, reused = self._source(c, request, now)
        summary.source_id = source_id
        summary.same_file_seen_before = reused

        new_ids: list[int | None] = [None] * len(new_rows)
        if new_rows:
            # Above every id ever given (paper_ids), not only above the stored ones.
            stored = c.execute(select(func.coalesce(func.max(PAPERS.c.id), 0))).scalar_one()
            given = c.exec_driver_sql("SELECT last_id FROM paper_ids").scalar_one()
            first = max(int(stored), int(given)) + 1
            new_ids = list(range(first, first + len(new_rows)))
            c.execute(text("UPDATE paper_ids SET last_id = :last"), {"last": new_ids[-1]})
            for paper_id, row in zip(new_ids, new_rows, strict=True):
                row["id"] = paper_id
            indexes: list[str] = []
            # Rebuilding reads every stored paper again: worth it when the new ones are at
            # least as many (first - 1, the highest id, bounds how many are stored).
            if len(new_rows) >= max(BULK_REINDEX_MIN, first - 1):
                indexes = drop_paper_indexes(c)
            insert_papers(c, new_rows)
            for create in indexes:
                c.exec_driver_sql(create)
        for paper_id, changes in fills.items():
            apply_fill(c, paper_id, changes, now)

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
            bulk_insert(
                c, "appearances", ("paper_id", "source_id", "position", "shown"), appearances
            )

    def _lookup_existing(
        self, c: Connection, incoming: list[dict[str, Any]]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        names = (
            "id", "title_key", "published", "published_precision", "has_abstract", "code_urls",
            *FILLABLE,
        )  # fmt: skip
        json_positions = [i for i, name in enumerate(names) if name in JSON_COLUMNS]
        arxiv_ids = sorted({r["arxiv_id"] for r in incoming if r["arxiv_id"]})
        keys = sorted({r["title_key"] for r in incoming})
        by_arxiv: dict[str, dict[str, Any]] = {}
        by_title: dict[str, list[dict[str, Any]]] = {}
        seen: set[int] = set()
        # Straight through the driver: at 100,000 papers SQLAlchemy's row objects cost more
        # than the lookups themselves.
        cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for values, column in ((arxiv_ids, "arxiv_id"), (keys, "title_key")):
            for chunk in chunks(values):
                marks = ", ".join("?" for _ in chunk)
                sql = f"SELECT {', '.join(names)} FROM papers WHERE {column} IN ({marks})"
                for raw in cursor.execute(driver_cursor_sql(c, sql), list(chunk)):
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
        if len(wanted) > BLOCK_SCAN_THRESHOLD:
            # A big import: one pass over every stored title beats thousands of range queries.
            for paper_id, key, title in cursor.execute("SELECT id, title_key, title FROM papers"):
                members = blocks.get(_block_key(key))
                if members is not None and len(members) < BLOCK_LIMIT:
                    members.append((paper_id, key, title))
        else:
            # The first titles of each block in byte order, as SQLite's index holds them (on
            # PostgreSQL the byte-order index: the database's own collation may sort otherwise).
            key = 'title_key COLLATE "C"' if is_postgres(c) else "title_key"
            sql = driver_cursor_sql(
                c,
                f"SELECT id, title_key, title FROM papers WHERE {key} >= ? AND {key} < ? "
                f"ORDER BY {key} LIMIT ?",
            )
            for block in wanted:
                blocks[block].extend(cursor.execute(sql, (block, block + "\uffff", BLOCK_LIMIT)))
        found: list[PossibleDuplicate] = []
        for ref, row in enumerate(new_rows):
            candidates = blocks.setdefault(_block_key(row["title_key"]), [])
            entry = parsed[new_positions[ref]]
            for other_id, other_key, other_title in candidates:
                if _near_duplicate(row["title_key"], other_key):
                    found.append(PossibleDuplicate(entry.title, entry.line, other_id, other_title))
                    break
            if len(candidates) < BLOCK_LIMIT:
                candidates.append((None, row["title_key"], row["title"]))
        return found

    def _source(self, c: Connection, request: ImportRequest, now: str) -> tuple[int, bool]:
        result = request.result
        existing = c.execute(
            select(Source.id).where(Source.sha256 == request.sha256, Source.format == result.format)
        ).scalar()
        if existing is not None:
            c.execute(update(Source).where(Source.id == existing).values(imported_at=now))
            return int(existing), True
        row = {
            "name": request.file_name,
            "path": request.file_path,
            "sha256": request.sha256,
            "format": result.format,
            "page_date": result.page_date.isoformat() if result.page_date else None,
            "page_date_precision": str(result.page_date_precision),
            "assumptions": list(result.assumptions),
            "imported_at": now,
        }
        return int(c.execute(insert(Source).returning(Source.id), row).scalar_one()), False
