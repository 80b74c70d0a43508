"""Reading, parsing and importing a big drop in a child process (Qt-free).

A 47 MB page is decoded, has its newlines normalized and is split into lines by single C
calls of 100-170 ms each, and its 30,000 papers are then matched against the library in
Python: in a thread of the window's process all of it holds Python's GIL, and the window's
thread, which takes the GIL back for every cell it paints, waits for it (a paint took 60 ms
instead of 6). In a child process nothing is shared: the child reads, parses and imports (or
dry-runs) the whole drop against the library file, and the parent receives what the preview
or the status bar needs in small pickled batches, each unpickled in a few milliseconds. An
import (not a dry run) reads and parses the files again: the parent never holds the papers.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from readinglist.core.entries import ParseResult
from readinglist.core.errors import ImportCancelled, ListingError, UserError
from readinglist.core.importing import ImportRequest
from readinglist.core.library import Library
from readinglist.core.summary import ImportSummary
from readinglist.importers.base import ListingText, ParseOptions, parse_listing, read_listing

BIG_FILE_BYTES = 4 * 1024 * 1024  # from here a child process is worth its start-up (~0.5 s)
_BATCH = 400  # entries per message: unpickled in a few milliseconds
_PROGRESS_EVERY = 0.05  # seconds between two progress messages from the child
_CANCEL_GRACE = 10.0  # seconds a cancelled child has to roll back before it is stopped
_NICENESS = 5  # how much lower the child's CPU priority is than the window's


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str | None = None) -> None: ...


@dataclass(frozen=True)
class ListingReadElsewhere(ListingText):
    """A listing read and parsed in a child process: the parent keeps where it came from
    and its digest, not its 50 MB of text."""

    digest: str = field(default="", kw_only=True)

    @property
    def sha256(self) -> str:
        return self.digest


@dataclass(frozen=True)
class DoneElsewhere:
    """What a child's import (or dry run) of a drop brings back, per listing that parsed."""

    listings: list[ListingText]  # a big file as a ListingReadElsewhere, with its digest
    results: list[ParseResult]  # each without its papers (the parent never holds them)
    columns: list[list[int | None]]  # each parsed paper's column, in the page's order
    papers: list[int]  # how many papers each listing holds
    errors: list[str]  # one sentence per listing that could not be read or parsed
    summaries: list[ImportSummary]


def _parse(listing: ListingText, year: int | None) -> tuple[ListingText, str, ParseResult]:
    """The listing as the parent keeps it, its digest and what it holds."""
    if not isinstance(listing, ListingReadElsewhere):
        return listing, listing.sha256, parse_listing(listing, ParseOptions(year=year))
    assert listing.path is not None
    read = read_listing(listing.path)
    if listing.digest and read.sha256 != listing.digest:
        raise ListingError(listing.path, "the file changed since it was read; drop it again")
    kept = ListingReadElsewhere(
        text="", path=listing.path, raw=b"", modified=read.modified, digest=read.sha256
    )
    return kept, read.sha256, parse_listing(read, ParseOptions(year=year))


def _child(
    sender: Connection,
    control: Connection,
    location: Path | str,
    listings: Sequence[ListingText],
    year: int | None,
    dry_run: bool,
    list_name: str | None,
) -> None:
    if hasattr(os, "nice"):
        # On a busy machine the window's thread comes first: with the child at the same
        # priority, its drop stalled the window up to 86 ms, at 5 no more than 48 ms (p99
        # beat gap 27-29 ms against 16-20 ms, three runs each, load 3.4), and it took no longer.
        os.nice(_NICENESS)
    last_sent = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_sent[0] >= _PROGRESS_EVERY or done == total:
            last_sent[0] = now
            sender.send(("progress", done, total))

    try:
        parsed: list[tuple[ListingText, str, ParseResult]] = []
        errors: list[str] = []
        for listing in listings:
            if control.poll():
                raise ImportCancelled()
            sender.send(("stage", f"Parsing {listing.name}…"))
            try:
                parsed.append(_parse(listing, year))
            except ListingError as exc:
                errors.append(str(exc))
        if errors and not dry_run:
            # The preview read these files; one that changed or went since is not half-imported.
            raise UserError(f"{' '.join(errors)} Nothing was imported.")
        total = sum(len(result.papers) for _, _, result in parsed)
        verb = "Comparing {:,} papers with the library…" if dry_run else "Importing {:,} papers…"
        sender.send(("stage", verb.format(total)))
        requests = [
            ImportRequest(
                result=result,
                file_name=kept.name,
                file_path=str(kept.path) if kept.path else None,
                sha256=digest,
            )
            for kept, digest, result in parsed
        ]
        library = Library(location, create=False)
        summaries = library.import_many(
            requests,
            list_name=list_name,
            dry_run=dry_run,
            progress=progress,
            cancelled=control.poll,
        )
        sender.send(
            (
                "parsed",
                [kept for kept, _, _ in parsed],
                [replace(result, papers=[]) for _, _, result in parsed],
                [[paper.column for paper in result.papers] for _, _, result in parsed],
                [len(result.papers) for _, _, result in parsed],
                errors,
            )
        )
        for summary in summaries:
            entries = summary.entries
            sender.send(("summary", replace(summary, entries=[])))
            for start in range(0, len(entries), _BATCH):
                sender.send(("entries", entries[start : start + _BATCH]))
        sender.send(("done",))
        library.close()  # after the parent has its answer: this waits for the checkpoint
    except BaseException as exc:  # told to the parent, which raises it or says it
        try:
            sender.send(("error", pickle.loads(pickle.dumps(exc))))
        except Exception:
            sender.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def import_elsewhere(
    location: Path | str,
    listings: Sequence[ListingText],
    year: int | None,
    *,
    dry_run: bool,
    list_name: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> DoneElsewhere:
    """Read and parse `listings` (big files where they are), then import them into the
    library at `location` (a path or a postgresql:// URL), or dry-run that, all in a child process, as one transaction.

    A listing that cannot be read or parsed is left out with one sentence (`errors`), as is
    a big file whose digest changed since it was first read. Raises ImportCancelled when
    `cancelled()` turns true (the child rolls back and stops), and what the import raised."""
    context = multiprocessing.get_context("spawn")  # never fork a process running Qt
    receiver, sender = context.Pipe(duplex=False)
    control_in, control_out = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, control_in, location, list(listings), year, dry_run, list_name),
        daemon=True,
    )
    child.start()
    sender.close()
    control_in.close()
    parsed: tuple[Any, ...] | None = None
    summaries: list[ImportSummary] = []
    stop_by: float | None = None  # when a cancelled child is stopped, rolled back or not
    finished = False
    try:
        while True:
            if stop_by is None and cancelled():
                control_out.send("cancel")
                stop_by = time.monotonic() + _CANCEL_GRACE
            if stop_by is not None and time.monotonic() > stop_by:
                raise ImportCancelled()
            if not receiver.poll(0.05):
                continue
            try:
                message = receiver.recv()
            except EOFError:  # the child ended without a word (killed, out of memory)
                raise UserError(
                    "The import stopped (its process ended); nothing was imported."
                ) from None
            kind = message[0]
            if kind == "progress" and progress is not None:
                progress(message[1], message[2])
            elif kind == "stage" and progress is not None:
                progress(0, 0, message[1])
            elif kind == "parsed":
                parsed = message
            elif kind == "summary":
                summaries.append(message[1])
            elif kind == "entries":
                summaries[-1].entries.extend(message[1])
            elif kind == "done":
                break
            elif kind == "error":
                raise message[1]
            elif kind == "failed":
                raise UserError(f"The import failed ({message[1]}); nothing was imported.")
        finished = True
    finally:
        receiver.close()
        control_out.close()
        # A child that answered may still be copying the import into the library file (the
        # checkpoint): it ends on its own. Any other is stopped.
        if not finished:
            child.join(0.5)
            if child.is_alive():
                child.terminate()
                child.join()
    assert parsed is not None
    _, kept, results, columns, papers, errors = parsed
    return DoneElsewhere(kept, results, columns, papers, errors, summaries)


def big_file(path: Path) -> bool:
    """Whether `path` is a file big enough to be read and parsed in a child process."""
    try:
        return path.is_file() and path.stat().st_size >= BIG_FILE_BYTES
    except OSError:
        return False


def unread(path: Path) -> ListingReadElsewhere:
    """A big file, to be read by the child that parses it."""
    modified: dt.datetime | None = None
    return ListingReadElsewhere(text="", path=path, raw=b"", modified=modified)
