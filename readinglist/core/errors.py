"""Errors meant for the user: each carries one sentence saying what is wrong and where."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """An error the user can act on; str(error) is shown as-is, never a traceback."""


class LibraryOpenError(UserError):
    """The library file cannot be opened (newer schema, corrupt, locked, not a library)."""


class LibraryError(UserError):
    """Reading the library failed for a reason outside the program (damaged file, I/O)."""


class LibraryWriteError(LibraryError):
    """A write was refused or failed (busy, read-only, disk full, damaged); nothing changed."""


class StaleEdit(UserError):
    """An edit made on what someone else has changed since: refused, never overwriting theirs.
    `current` is what the library holds now (a PaperRecord), for the person to compare."""

    def __init__(self, message: str, current: object) -> None:
        super().__init__(message)
        self.current = current


class ListingError(UserError):
    """A file cannot be imported: not a listing, unreadable, truncated beyond repair."""

    def __init__(self, path: Path | str | None, message: str, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message
        where = self.path.name if self.path is not None else "pasted text"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")


class QueryError(UserError):
    """A malformed search query; `position` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        self.reason = message
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")


class ImportCancelled(Exception):
    """Raised inside an import transaction when the user cancels; the transaction rolls back."""
