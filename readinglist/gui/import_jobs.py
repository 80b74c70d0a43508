"""The import's work, run in the background by the window (Qt-free: plain functions over the
library and the importers, reporting through `progress(done, total)` and stopping when
`cancelled()` turns true).

    read_files  -> listings read from disk, one sentence per file that cannot be
    build_preview -> each listing parsed and dry-run against the library: the preview's rows
    run_import  -> the import itself

A drop with a big file (importers/elsewhere.py) is parsed, dry-run and imported in a child
process, whole: in a worker thread that Python work held the GIL the window paints with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from readinglist.core.entries import ParseResult
from readinglist.core.errors import ImportCancelled, ListingError
from readinglist.core.importing import ImportRequest
from readinglist.core.library import Library
from readinglist.core.summary import ImportSummary
from readinglist.gui.models.import_preview import PreviewRow, rows_from_summary, shared_lines
from readinglist.gui.worker import Progress
from readinglist.importers import (
    ListingText,
    ParseOptions,
    files_to_import,
    parse_listing,
    read_listing,
)
from readinglist.importers.elsewhere import (
    ListingReadElsewhere,
    big_file,
    import_elsewhere,
    unread,
)

Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ParsedListing:
    listing: ListingText
    result: ParseResult


@dataclass(frozen=True)
class ImportChoice:
    """What the user chose to import: parsed listings and an optional reading list."""

    listings: list[ParsedListing]
    list_name: str | None
    year: int | None = None  # the year the preview assumed (a drop parsed again uses it)


@dataclass(frozen=True)
class ImportPreview:
    """What importing would do, paper by paper, for every file of one drop."""

    parsed: list[ParsedListing]
    rows: list[PreviewRow]
    notes: list[str]  # files that could not be read or parsed, assumptions, warnings
    year: int | None
    errors: list[str] = field(default_factory=list)  # one sentence per file left out
    list_names: list[str] = field(default_factory=list)  # the library's reading lists
    _counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    # The (file, line) places several rows share, if worked out in the background already.
    shared_lines: set[tuple[str, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def listings(self) -> list[ListingText]:
        """The listings that parsed (the ones a new year, or a second drop, starts from)."""
        return [item.listing for item in self.parsed]

    @property
    def counts(self) -> dict[str, int]:
        """Rows per marker ("new", "present", "duplicate"), counted once."""
        if not self._counts:
            for marker in ("new", "present", "duplicate"):
                self._counts[marker] = 0
            for row in self.rows:
                self._counts[row.marker] += 1
        return self._counts

    @property
    def page_year(self) -> int:
        """The year the first page's dates were placed in when no year was chosen."""
        page_date = self.parsed[0].result.page_date if self.parsed else None
        return page_date.year if page_date else dt.date.today().year


def _check(cancelled: Cancelled) -> None:
    if cancelled():
        raise ImportCancelled()


def read_files(
    paths: Sequence[Path], progress: Progress, cancelled: Cancelled
) -> tuple[list[ListingText], list[str]]:
    """Read each file; a file that cannot be a listing comes back as one sentence."""
    # A "Webpage, complete" save drops as page.html plus page_files/: skip the folder, as the
    # command line does.
    files, _resource_folders = files_to_import(list(paths))
    listings: list[ListingText] = []
    errors: list[str] = []
    for path in files:
        _check(cancelled)
        if big_file(path):
            listings.append(unread(path))  # read where it is parsed, in a child process
            continue
        progress(0, 0, f"Reading {path.name}…")
        try:
            listings.append(read_listing(path))
        except ListingError as exc:
            errors.append(str(exc))
    return listings, errors


def build_preview(
    library: Library,
    listings: Sequence[ListingText],
    errors: Sequence[str],
    year: int | None,
    progress: Progress,
    cancelled: Cancelled,
) -> ImportPreview:
    """Parse every listing and dry-run it against the library; nothing is written.

    A paper on several of the dropped files is new once: later sightings are marked as
    already there, as the import (one transaction) will find them."""
    if _elsewhere(listings):
        done = import_elsewhere(
            _location(library), listings, year, dry_run=True, progress=progress, cancelled=cancelled
        )
        parsed = [ParsedListing(*pair) for pair in zip(done.listings, done.results, strict=True)]
        return _preview(library, parsed, done.columns, done.summaries, errors, done.errors, year)
    parsed = []
    parse_errors: list[str] = []
    for listing in listings:
        _check(cancelled)
        progress(0, 0, f"Parsing {listing.name}…")
        try:
            result = parse_listing(listing, ParseOptions(year=year))
            parsed.append(ParsedListing(listing, result))
        except ListingError as exc:
            parse_errors.append(str(exc))
    total = sum(len(item.result.papers) for item in parsed)
    progress(0, total, f"Comparing {total:,} papers with the library…")
    # One dry run for the whole drop, as the import will be one transaction: a paper on two
    # of the files is new on the first and already there on the second.
    summaries = library.import_many(
        [_request(item) for item in parsed], dry_run=True, progress=progress, cancelled=cancelled
    )
    columns = [[paper.column for paper in item.result.papers] for item in parsed]
    return _preview(library, parsed, columns, summaries, errors, parse_errors, year)


def _location(library: Library) -> Path | str:
    """Where a child process opens the same library: its file, or its server's URL."""
    location = library.url or library.path
    assert location is not None
    return location


def _elsewhere(listings: Sequence[ListingText]) -> bool:
    """Whether a drop holds a big file: then all of it goes to a child process."""
    return any(isinstance(listing, ListingReadElsewhere) for listing in listings)


def _preview(
    library: Library,
    parsed: list[ParsedListing],
    columns: Sequence[Sequence[int | None]],
    summaries: Sequence[ImportSummary],
    errors: Sequence[str],
    parse_errors: Sequence[str],
    year: int | None,
) -> ImportPreview:
    notes: list[str] = [*errors, *parse_errors]
    rows: list[PreviewRow] = []
    for item, paper_columns, summary in zip(parsed, columns, summaries, strict=True):
        listing, result = item.listing, item.result
        rows.extend(rows_from_summary(summary, paper_columns, len(rows)))
        prefix = f"{listing.name}: " if len(parsed) > 1 else ""
        notes.extend(f"{prefix}{assumption}" for assumption in result.assumptions)
        notes.extend(f"{prefix}{warning}" for warning in result.warnings)
        if summary.same_file_seen_before:
            notes.append(f"{listing.name} was imported before.")
    preview = ImportPreview(
        parsed,
        rows,
        notes,
        year,
        [*errors, *parse_errors],
        [n.name for n in library.lists()],
        shared_lines=shared_lines(rows),
    )
    _ = preview.counts  # counted here, in the background
    return preview


def _request(item: ParsedListing) -> ImportRequest:
    listing = item.listing
    return ImportRequest(
        result=item.result,
        file_name=listing.name,
        file_path=str(listing.path) if listing.path else None,
        sha256=listing.sha256,
    )


def run_import(
    library: Library, choice: ImportChoice, progress: Progress, cancelled: Cancelled
) -> list[ImportSummary]:
    """Import every chosen listing in one transaction; Cancel raises ImportCancelled and
    stores nothing of any."""
    listings = [item.listing for item in choice.listings]
    if _elsewhere(listings):
        done = import_elsewhere(
            _location(library),
            listings,
            choice.year,
            dry_run=False,
            list_name=choice.list_name,
            progress=progress,
            cancelled=cancelled,
        )
        return done.summaries
    total = sum(len(item.result.papers) for item in choice.listings)
    progress(0, total, f"Importing {total:,} papers…")
    return library.import_many(
        [_request(item) for item in choice.listings],
        list_name=choice.list_name,
        progress=progress,
        cancelled=cancelled,
    )
