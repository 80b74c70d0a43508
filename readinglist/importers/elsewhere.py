"""Reading and parsing a big file in a child process (Qt-free).

A 47 MB page is decoded, has its newlines normalized and is split into lines by single C
calls of 100-170 ms each; in a thread of the window's process each holds Python's GIL that
long, and the window's thread waits for it. In a child process nothing is shared: the
parent receives the parsed papers in small pickled batches, each unpickled in a few
milliseconds.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from readinglist.core.entries import ParsedPaper, ParseResult
from readinglist.core.errors import ImportCancelled, ListingError
from readinglist.importers.base import ListingText, ParseOptions, parse_listing, read_listing

BIG_FILE_BYTES = 4 * 1024 * 1024  # from here a child process is worth its start-up (~0.5 s)
_BATCH = 400  # papers per message: unpickled in a few milliseconds


@dataclass(frozen=True)
class ListingReadElsewhere(ListingText):
    """A listing read and parsed in a child process: the parent keeps where it came from
    and its digest, not its 50 MB of text."""

    digest: str = field(default="", kw_only=True)

    @property
    def sha256(self) -> str:
        return self.digest


def _child(sender: Connection, path: Path, year: int | None) -> None:
    try:
        listing = read_listing(path)
        result = parse_listing(listing, ParseOptions(year=year))
        sender.send(("meta", listing.sha256, listing.modified, replace(result, papers=[])))
        for start in range(0, len(result.papers), _BATCH):
            sender.send(("papers", result.papers[start : start + _BATCH]))
        sender.send(("done",))
    except ListingError as exc:
        sender.send(("listing-error", exc.reason, exc.line))
    except BaseException as exc:  # told to the parent, which says it in one sentence
        sender.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def parse_elsewhere(
    path: Path,
    year: int | None,
    cancelled: Callable[[], bool],
    expected_sha256: str | None = None,
) -> tuple[ListingReadElsewhere, ParseResult]:
    """Read and parse `path` in a child process. Raises ListingError as read_listing and
    parse_listing do, or when the file no longer has `expected_sha256` (changed since it
    was first read); ImportCancelled when `cancelled()` turns true (the child is stopped)."""
    context = multiprocessing.get_context("spawn")  # never fork a process running Qt
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, path, year), daemon=True)
    child.start()
    sender.close()
    meta: tuple[Any, ...] | None = None
    papers: list[ParsedPaper] = []
    try:
        while True:
            if cancelled():
                raise ImportCancelled()
            if not receiver.poll(0.05):
                if not child.is_alive() and not receiver.poll():
                    raise ListingError(path, "could not be read (the reading process ended)")
                continue
            message = receiver.recv()
            kind = message[0]
            if kind == "meta":
                meta = message
            elif kind == "papers":
                papers.extend(message[1])
            elif kind == "done":
                break
            elif kind == "listing-error":
                raise ListingError(path, message[1], message[2])
            else:
                raise ListingError(path, f"could not be read ({message[1]})")
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
    assert meta is not None
    _, sha256, modified, result = meta
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise ListingError(path, "the file changed since it was read; drop it again")
    listing = ListingReadElsewhere(text="", path=path, raw=b"", modified=modified, digest=sha256)
    return listing, replace(result, papers=papers)


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
