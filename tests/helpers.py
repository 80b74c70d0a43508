"""Small helpers shared by tests: write a listing to disk and import it for real."""

from __future__ import annotations

import datetime as dt
import os
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
