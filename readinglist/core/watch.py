"""Noticing that another process (or another connection of this one) changed the library.

SQLite's `PRAGMA data_version` changes whenever a connection *other than the one asking*
commits to the file. The watcher keeps one dedicated read-only connection that never writes,
so any commit counts: another process's import, a `readinglist tag` in a terminal, and also
this process's own pooled connections (the caller `absorb()`s those, see the window).

Qt-free; cheap enough to poll from a GUI timer: the pragma reads the WAL index in shared
memory, takes no lock that writers wait for, and never blocks (busy means "look again later").
SQLite shares its file locks between the connections of one process, so this connection
never drops the library's locks when it closes (unlike a plain open and close of the file).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote


class DataVersionWatcher:
    def __init__(self, path: Path) -> None:
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        self._connection: sqlite3.Connection | None = None
        try:
            self._connection = sqlite3.connect(
                uri, uri=True, timeout=0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error:  # a file SQLite cannot open read-only: the watcher stays blind
            self._connection = None
        self._version = self._read()

    def _read(self) -> int | None:
        if self._connection is None:
            return None
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:  # busy, or the file went away: no news this time
            return None
        return int(row[0]) if row else None

    def changed(self) -> bool:
        """Whether anyone committed since the last `changed()` or `absorb()`."""
        version = self._read()
        if version is None or version == self._version:
            return False
        self._version = version
        return True

    def absorb(self) -> None:
        """Take the commits so far as seen (the caller is about to read everything anew)."""
        version = self._read()
        if version is not None:
            self._version = version

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _Blind:
    """A watcher that never sees anything (a library it has no way to follow yet)."""

    def changed(self) -> bool:
        return False

    def absorb(self) -> None:
        pass

    def close(self) -> None:
        pass


def follow(library: Any) -> DataVersionWatcher | _Blind:
    """The watcher for a library: a file's data version (shared libraries: see pg_watch)."""
    if library.path is None:
        return _Blind()
    return DataVersionWatcher(library.path)
