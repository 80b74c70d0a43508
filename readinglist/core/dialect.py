"""The few SQL idioms that SQLite and PostgreSQL spell differently, in one place.

Everything else is written once: SQLAlchemy Core, or plain SQL both accept. Services ask these
helpers, given their connection, instead of testing the backend themselves.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Connection, CursorResult, Text, func, literal
from sqlalchemy.util.typing import TupleAny


def is_postgres(c: Connection) -> bool:
    return c.dialect.name == "postgresql"


def driver_sql(c: Connection, sql: str, parameters: Any = None) -> CursorResult[*TupleAny]:
    """Run SQL written with `?` placeholders straight through the driver (bulk work where
    SQLAlchemy's per-row handling costs more than the database): psycopg spells them `%s`."""
    if is_postgres(c):
        sql = sql.replace("?", "%s")
    if parameters is None:
        return c.exec_driver_sql(sql)
    return c.exec_driver_sql(sql, parameters)


def driver_cursor_sql(c: Connection, sql: str) -> str:
    """`sql` (with `?` placeholders) for a raw DBAPI cursor of this connection."""
    return sql.replace("?", "%s") if is_postgres(c) else sql


_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def driver_named(c: Connection, sql: str) -> str:
    """SQL with `:name` placeholders for the raw driver: sqlite3 takes them as they are,
    psycopg as `%(name)s` (a `::type` cast is left alone)."""
    if not is_postgres(c):
        return sql
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def ids_from_json(c: Connection, parameter: str) -> str:
    """A subquery of the integers in a JSON array bound as `:parameter` (any number of them:
    no bound-parameter limit, one statement per chunk of ids instead of one per id)."""
    if is_postgres(c):
        return f"(SELECT value::bigint FROM json_array_elements_text(CAST(:{parameter} AS json)))"
    return f"(SELECT value FROM json_each(:{parameter}))"


def texts_from_json(c: Connection, parameter: str) -> str:
    """A subquery of the strings in a JSON array bound as `:parameter`."""
    if is_postgres(c):
        return f"(SELECT value FROM json_array_elements_text(CAST(:{parameter} AS json)))"
    return f"(SELECT value FROM json_each(:{parameter}))"


def insert_or_ignore(c: Connection, table_and_columns: str, rows_sql: str) -> str:
    """`INSERT ... rows_sql` that skips a row clashing with a unique key already stored."""
    if is_postgres(c):
        return f"INSERT INTO {table_and_columns} {rows_sql} ON CONFLICT DO NOTHING"
    return f"INSERT OR IGNORE INTO {table_and_columns} {rows_sql}"


def same_name(c: Connection, column: ColumnElement[str], name: str) -> ColumnElement[bool]:
    """`column` names `name` by the rules of its unique constraint: SQLite's NOCASE (the
    column's collation), PostgreSQL's citext (the database's lower() of both sides; a bound
    parameter would be compared as plain text). Python's lower() folds some letters otherwise."""
    if is_postgres(c):
        return func.lower(column) == func.lower(literal(name, Text))
    return column == name


def nocase(c: Connection) -> str:
    """The collation that orders names without regard to case. PostgreSQL's name columns are
    citext, which already compares that way."""
    return "" if is_postgres(c) else " COLLATE NOCASE"
