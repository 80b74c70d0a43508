"""What went wrong opening a library file, and the ways out: read-only, a backup, another file.

Qt-free: the window's dialog (`readinglist.gui.library_open_dialog`) shows an `OpenFailure` and
acts on the `Remedy` the person picks; this module does the work behind each remedy.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool

from readinglist.core.errors import LibraryOpenError
from readinglist.core.library import Library
from readinglist.core.store import Store

log = logging.getLogger(__name__)

_BACKUP_RE = re.compile(r"\.backup-(\d{8}-\d{6})$")
_SIDE_FILES = ("-wal", "-shm", "-journal")


class FailureKind(StrEnum):
    LOCKED = "locked"
    READ_ONLY = "read-only"
    CORRUPT = "corrupt"
    NEWER = "newer"
    FOREIGN = "foreign"
    OTHER = "other"


class Remedy(StrEnum):
    RETRY = "retry"
    OPEN_READ_ONLY = "open-read-only"
    RESTORE_BACKUP = "restore-backup"
    CHOOSE_OTHER = "choose-other"
    QUIT = "quit"


_TITLES = {
    FailureKind.LOCKED: "The library is in use by another program",
    FailureKind.READ_ONLY: "The library cannot be written",
    FailureKind.CORRUPT: "The library file is damaged",
    FailureKind.NEWER: "The library was made by a newer ReadingList",
    FailureKind.FOREIGN: "This file is not a ReadingList library",
    FailureKind.OTHER: "The library cannot be opened",
}

_EXPLANATIONS = {
    FailureKind.LOCKED: (
        "Another program is writing to the library file right now (perhaps another copy of "
        "ReadingList, or a backup or sync tool). Wait for it to finish and try again, or open "
        "the library read-only to look without changing anything."
    ),
    FailureKind.READ_ONLY: (
        "ReadingList has no permission to change the library file or its folder. You can open it "
        "read-only to search and read, or choose a library file you can write to."
    ),
    FailureKind.CORRUPT: (
        "The library file is damaged and cannot be read safely. ReadingList can put the damaged "
        "file aside (it is kept, not deleted) and restore the most recent backup."
    ),
    FailureKind.NEWER: (
        "This library was upgraded by a newer version of ReadingList, which stores things this "
        "version does not understand. Update ReadingList to open it, or choose another file."
    ),
    FailureKind.FOREIGN: (
        "The file is not a ReadingList library, so ReadingList will not touch it. Choose your "
        "library file, or a new file name to start a new library."
    ),
    FailureKind.OTHER: "ReadingList could not open the library file.",
}


@dataclass(frozen=True)
class OpenFailure:
    """Why `path` could not be opened, in words for people, and what can be done about it."""

    path: Path
    kind: FailureKind
    message: str  # the one-sentence reason from LibraryOpenError
    backup: Path | None  # the newest backup beside the file, when there is one
    read_only_failed: bool = False  # a read-only attempt already failed: do not offer it again

    @property
    def title(self) -> str:
        return _TITLES[self.kind]

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self.kind]

    @property
    def remedies(self) -> tuple[Remedy, ...]:
        """The ways out that make sense here, the most sensible first; QUIT is always last."""
        offered: list[Remedy] = []
        if self.kind is FailureKind.LOCKED:
            offered.append(Remedy.RETRY)
        if self.kind in (FailureKind.LOCKED, FailureKind.READ_ONLY) and not self.read_only_failed:
            offered.append(Remedy.OPEN_READ_ONLY)
        if self.kind in (FailureKind.CORRUPT, FailureKind.FOREIGN) and self.backup is not None:
            offered.append(Remedy.RESTORE_BACKUP)
        if self.kind is FailureKind.OTHER:
            offered.append(Remedy.RETRY)
        offered += [Remedy.CHOOSE_OTHER, Remedy.QUIT]
        return tuple(offered)


def classify(path: Path, error: LibraryOpenError, *, read_only_failed: bool = False) -> OpenFailure:
    """Sort a LibraryOpenError from `readinglist.core.database` into a FailureKind."""
    message = str(error)
    lowered = message.lower()
    kind = FailureKind.OTHER
    if "locked" in lowered or "busy" in lowered:
        kind = FailureKind.LOCKED
    elif "read-only" in lowered or "readonly" in lowered or "permission denied" in lowered:
        kind = FailureKind.READ_ONLY
    elif "newer" in lowered:
        kind = FailureKind.NEWER
    elif "damaged" in lowered or "malformed" in lowered or "corrupt" in lowered:
        kind = FailureKind.CORRUPT
    elif "not a readinglist library" in lowered:
        kind = FailureKind.FOREIGN
    return OpenFailure(path, kind, message, latest_backup(path), read_only_failed)


def find_backups(path: Path) -> list[Path]:
    """The backups beside `path` (library.sqlite.backup-YYYYMMDD-HHMMSS), newest first."""
    found: list[tuple[str, Path]] = []
    try:
        candidates = list(path.parent.glob(f"{glob_escape(path.name)}.backup-*"))
    except OSError:
        return []
    for candidate in candidates:
        match = _BACKUP_RE.search(candidate.name)
        if match and candidate.name == f"{path.name}{match.group(0)}" and candidate.is_file():
            found.append((match.group(1), candidate))
    return [candidate for _stamp, candidate in sorted(found, reverse=True)]


def latest_backup(path: Path) -> Path | None:
    backups = find_backups(path)
    return backups[0] if backups else None


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def restore_backup(path: Path, backup: Path, now: dt.datetime | None = None) -> Path | None:
    """Put the current file aside as `<name>.damaged-<stamp>` and copy `backup` in its place.

    Returns where the damaged file went (None when there was no file). Nothing is deleted.
    """
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    aside: Path | None = None
    if path.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        path.replace(aside)
    for suffix in _SIDE_FILES:  # a stale WAL would be replayed onto the restored copy
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(side.with_name(f"{path.name}.damaged-{stamp}{suffix}"))
    shutil.copy2(backup, path)
    log.warning("restored %s from %s; the damaged file is at %s", path, backup, aside)
    return aside


def check_writable(path: Path) -> None:
    """Raise LibraryOpenError when `path` (or the folder a new one would go in) is read-only."""
    if path.exists():
        if path.is_file() and not os.access(path, os.W_OK):
            raise LibraryOpenError(f"{path.name} is read-only")
        folder = path.parent
    else:
        folder = next((p for p in path.parents if p.exists()), path.parent)
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise LibraryOpenError(f"the folder {folder} is read-only")


def _uri(path: Path, immutable: bool) -> str:
    options = "immutable=1" if immutable else "mode=ro"
    return f"file:{quote(str(path.resolve()))}?{options}"


class ReadOnlyLibrary(Library):
    """A library opened for reading only: every change raises, the file is never written.

    Used when the file is locked or cannot be written. Reads go through SQLite's read-only mode;
    when even that cannot work (a WAL file in a read-only folder) the file is opened immutable.
    """

    read_only = True

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise LibraryOpenError(f"{path.name} does not exist, so there is nothing to read")
        last_error: sqlite3.Error | None = None
        for immutable in (False, True):
            uri = _uri(path, immutable)
            try:
                probe = sqlite3.connect(uri, uri=True, timeout=5)
                try:
                    probe.execute("SELECT count(*) FROM papers").fetchone()
                finally:
                    probe.close()
            except sqlite3.Error as exc:
                last_error = exc
                continue
            self.engine = create_engine(
                "sqlite://",
                creator=lambda uri=uri: sqlite3.connect(
                    uri, uri=True, timeout=10, check_same_thread=False
                ),
                poolclass=NullPool,
            )
            event.listen(self.engine, "connect", _query_only)
            self._attach(Store(path, self.engine, writable=False))
            return
        raise LibraryOpenError(f"{path.name} cannot be read either (SQLite: {last_error})")


def _query_only(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.execute("PRAGMA query_only = ON")
