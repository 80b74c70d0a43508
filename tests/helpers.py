"""Small helpers shared by tests: write a listing to disk and import it for real."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from readinglist.core.library import Library
from readinglist.core.summary import ImportSummary
from readinglist.importers import ParseOptions, parse_listing, read_listing

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\n"
)


def write_listing(
    path: Path, text: str, *, mtime: dt.datetime | None = None, encoding: str = "utf-8"
) -> Path:
    path.write_bytes(text.encode(encoding))
    if mtime is not None:
        stamp = mtime.timestamp()
        os.utime(path, (stamp, stamp))
    return path


def import_file(
    library: Library,
    path: Path,
    *,
    year: int | None = None,
    list_name: str | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    listing = read_listing(path)
    result = parse_listing(listing, ParseOptions(year=year))
    return library.import_result(
        result,
        file_name=listing.name,
        file_path=str(path),
        sha256=listing.sha256,
        list_name=list_name,
        dry_run=dry_run,
    )


def make_library(path: Path, lists: tuple[str, ...] = ()) -> Path:
    """A real library file holding the named (empty) reading lists."""
    library = Library(path)
    for name in lists:
        library.create_list(name)
    library.close()
    return path


def corrupt(path: Path) -> None:
    """Overwrite all but the SQLite header: the file still looks like a database, and is not."""
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))


def make_newer(path: Path) -> Path:
    """A library that claims to come from a newer ReadingList."""
    make_library(path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    return path


def sql_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """What a plain SQLite connection reads from a library file, beside ReadingList."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()
