"""SQL over the papers table that several services share, always inside a caller's transaction:
bulk inserts straight through the driver, filling fields, abstracts, checking ids."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, select, text, update

from readinglist.core.dialect import driver_sql, ids_from_json, is_postgres
from readinglist.core.errors import UserError
from readinglist.core.fields import INSERT_COLUMNS, JSON_COLUMNS
from readinglist.core.models import Paper

PAPERS = cast(Table, Paper.__table__)
CHUNK = 500  # stays under SQLite's bound-parameter limit


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def json_text(value: Any) -> str | None:
    """A JSON column's text, as the ORM would write it."""
    if value is None:
        return None
    if value == []:  # most papers' code_urls
        return "[]"
    return json.dumps(value)


def insert_many(
    c: Connection, table: str, rows: list[dict[str, Any]], columns: Sequence[str]
) -> None:
    """Bulk INSERT through the driver: SQLAlchemy's per-row parameter handling costs more
    than SQLite's own work at 100,000 rows."""
    pick = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    json_positions = [i for i, name in enumerate(columns) if name in JSON_COLUMNS]
    values: list[tuple[Any, ...]] = []
    for row in rows:
        picked = pick(row)
        if json_positions:
            encoded = list(picked)
            for i in json_positions:
                encoded[i] = json_text(encoded[i])
            picked = tuple(encoded)
        values.append(picked)
    bulk_insert(c, table, columns, values)


def bulk_insert(
    c: Connection, table: str, columns: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows at once: SQLite through one prepared statement, PostgreSQL by COPY
    (a statement per row would be a round trip per row)."""
    if not values:
        return
    if is_postgres(c):
        cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    placeholders = ", ".join("?" for _ in columns)
    driver_sql(c, f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values)


def insert_papers(
    c: Connection, rows: list[dict[str, Any]], columns: Sequence[str] = INSERT_COLUMNS
) -> None:
    """Insert papers (with their ids) and their full-text rows, which hold the abstracts.
    Every new paper goes through here: papers_fts has no insert trigger by design."""
    if is_postgres(c):
        _insert_shared_papers(c, rows, columns)
    else:
        insert_many(c, "papers", rows, columns)
    bulk_insert(
        c,
        "papers_fts",
        ("rowid", "title", "abstract", "notes", "tags"),
        [(r["id"], r["title"], r.get("abstract"), r["notes"], r["tags"]) for r in rows],
    )
    _log_seen_ids(c, [int(r["id"]) for r in rows])


_PERSONAL = ("status", "rating")


def _insert_shared_papers(
    c: Connection, rows: list[dict[str, Any]], columns: Sequence[str]
) -> None:
    """On PostgreSQL `papers` is a view (see postgres_schema): the group's columns go to
    paper_data in one COPY, and a status or rating other than the default (a deletion undone)
    to the member's own paper_status."""
    shared = [name for name in columns if name not in _PERSONAL]
    insert_many(c, "paper_data", rows, shared)
    personal = [
        (r["id"], r.get("status", "unread"), r.get("rating", 0), r["updated_at"])
        for r in rows
        if r.get("status", "unread") != "unread" or r.get("rating", 0) != 0
    ]
    bulk_insert(c, "paper_status", ("paper_id", "status", "rating", "updated_at"), personal)


def _log_seen_ids(c: Connection, ids: list[int]) -> None:
    """Tell the related-papers model about papers stored under ids it has seen before (a
    delete undone, an id freed by deleting the newest papers); it finds higher ids itself."""
    row = driver_sql(c, "SELECT value FROM related_state WHERE key = 'max_paper_id'").first()
    if row is None or not ids or min(ids) > int(row[0]):
        return
    seen = [(i,) for i in ids if i <= int(row[0])]
    driver_sql(c, "INSERT INTO related_changes (paper_id) VALUES (?)", seen)


def drop_paper_indexes(c: Connection) -> list[str]:
    """Drop the papers table's own indexes, returning the statements that recreate them.

    A bulk import into a small library builds each index once from sorted keys afterwards
    instead of updating ten b-trees per row; being in the import's transaction, a failed
    import gets them back with everything else. On PostgreSQL, which builds GIN and b-tree
    indexes well row by row, they stay."""
    if is_postgres(c):
        return []
    rows = c.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = 'papers' AND sql IS NOT NULL"
    ).all()
    for name, _sql in rows:
        c.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def apply_fill(c: Connection, paper_id: int, changes: dict[str, Any], now: str) -> None:
    """Store changed fields: columns on papers, the abstract in papers_fts."""
    values = {k: v for k, v in changes.items() if k != "abstract"}
    values["updated_at"] = now
    c.execute(update(PAPERS).where(PAPERS.c.id == paper_id).values(**values))
    if "abstract" in changes:
        driver_sql(
            c, "UPDATE papers_fts SET abstract = ? WHERE rowid = ?", (changes["abstract"], paper_id)
        )


def abstracts(c: Connection, ids: Sequence[int]) -> dict[int, str | None]:
    found: dict[int, str | None] = {}
    for chunk in chunks(list(ids)):
        rows = c.execute(
            text(
                f"SELECT rowid, abstract FROM papers_fts WHERE rowid IN {ids_from_json(c, 'ids')}"
            ),
            {"ids": json.dumps(list(chunk))},
        )
        found.update((row[0], row[1]) for row in rows)
    return found


def table_rows(c: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The papers' stored columns (JSON decoded) by id, straight through the driver and
    without their abstracts: what a table row shows, read on every keystroke, where
    SQLAlchemy's row handling and the abstracts' lookup cost more than the query."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(ids)):
        placeholders = ", ".join("?" * len(chunk))
        result = driver_sql(c, f"SELECT * FROM papers WHERE id IN ({placeholders})", tuple(chunk))
        names = list(result.keys())
        decode = [i for i, name in enumerate(names) if name in JSON_COLUMNS]
        for values in result:
            row = dict(zip(names, values, strict=True))
            for i in decode:
                raw = values[i]
                row[names[i]] = json.loads(raw) if isinstance(raw, str) else raw
            found[row["id"]] = row
    return found


def existing_ids(c: Connection, ids: Iterable[int]) -> list[int]:
    """`ids` without repeats, in order; UserError naming the first that is not stored."""
    wanted = list(dict.fromkeys(ids))
    found: set[int] = set()
    for chunk in chunks(wanted):
        found.update(c.execute(select(PAPERS.c.id).where(PAPERS.c.id.in_(chunk))).scalars())
    missing = [i for i in wanted if i not in found]
    if missing:
        raise UserError(f"there is no paper with id {missing[0]}")
    return wanted
