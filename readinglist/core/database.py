"""The one place a library file is opened: path resolution, pragmas, version check, migrations.

Two rules from SQLite's "How To Corrupt" page shape this module:
- every write transaction starts with BEGIN IMMEDIATE (driver-level autocommit plus a `begin`
  event, SQLAlchemy's documented pysqlite recipe), so a read-then-write can never interleave with
  another writer's and no reader upgrades into a deadlock;
- nothing in a process that holds a library may open and close the library's files by other
  means, because closing any descriptor of a file drops every POSIX lock the process holds on
  it. `OPEN_LIBRARIES` knows which files are open, so importers, exports and the open path
  itself leave them alone (`is_open_library_file`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event

from readinglist.core.errors import LibraryOpenError
from readinglist.core.migrations import MIGRATIONS, SCHEMA_VERSION
from readinglist.core.postgres import is_database_url

LIBRARY_ENV = "READINGLIST_LIBRARY"
# Marks our files (PRAGMA application_id), so opening someone else's SQLite file is refused.
APPLICATION_ID = 0x52444C53  # "RDLS"
_SQLITE_MAGIC = b"SQLite format 3\x00"
PAGE_SIZE = 8192
WAL_AUTOCHECKPOINT = 1000  # pages: SQLite's default, restored after a bulk import
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_FULL_BELOW = 64 * 1024  # bytes free under which a failure is blamed on a full disk
# An execution option on a Connection: its transaction is a write (BEGIN IMMEDIATE).
WRITE_OPTION = "readinglist_write"
# And its BEGIN IMMEDIATE was issued already (Store.write waits for the lock in slices).
BEGUN_OPTION = "readinglist_begun"


class _OpenLibraries:
    """The library files this process has open, by device and inode (found with stat, which
    opens nothing). Counted, because a window and a worker may open the same file twice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[tuple[int, int], int] = {}

    @staticmethod
    def _identity(path: Path) -> tuple[int, int] | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return (info.st_dev, info.st_ino)

    def add(self, path: Path) -> tuple[int, int] | None:
        identity = self._identity(path)
        if identity is not None:
            with self._lock:
                self._files[identity] = self._files.get(identity, 0) + 1
        return identity

    def remove(self, identity: tuple[int, int] | None) -> None:
        if identity is None:
            return
        with self._lock:
            left = self._files.get(identity, 0) - 1
            if left > 0:
                self._files[identity] = left
            else:
                self._files.pop(identity, None)

    def holds(self, path: Path) -> bool:
        """Whether `path` is an open library or one of its -wal, -shm or -journal files."""
        with self._lock:
            if not self._files:
                return False
            files = set(self._files)
        if self._identity(path) in files:
            return True
        name = path.name
        for suffix in SIDE_SUFFIXES:
            if (
                name.endswith(suffix)
                and self._identity(path.with_name(name[: -len(suffix)])) in files
            ):
                return True
        return False


OPEN_LIBRARIES = _OpenLibraries()


def is_open_library_file(path: Path) -> bool:
    """Whether reading or writing `path` would touch a library this process has open."""
    return OPEN_LIBRARIES.holds(path)


def default_library_path() -> Path:
    """The embedded default library, in the platform's user data folder."""
    return platformdirs.user_data_path("ReadingList", appauthor=False) / "library.sqlite"


def resolve_library(explicit: str | os.PathLike[str] | None = None) -> Path | str:
    """Where the library is: a file's path, or a postgresql:// URL kept as typed. --library
    wins, then $READINGLIST_LIBRARY, then the platform default."""
    for candidate in (explicit, os.environ.get(LIBRARY_ENV)):
        if candidate:
            if is_database_url(candidate):
                return str(candidate)
            return Path(candidate).expanduser()
    return default_library_path()


# Page cache per connection, in KB (negative: SQLite's unit for KB). Readers keep 8 MB: the
# window holds a connection per worker thread, and 32 MB each made no search faster at 100,000
# papers (the file's pages are in the OS cache anyway) while costing it 25-35 MB of memory. A
# write gets 32 MB for its transaction (Store.write): a 100,000-paper import took 8% longer
# with 8 MB.
READ_CACHE = -8000
WRITE_CACHE = -32000


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Driver-level autocommit: pysqlite's own implicit BEGIN (deferred, and only before DML)
    # is off, and `_begin` below starts every transaction itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across app crashes
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.execute(f"PRAGMA cache_size = {READ_CACHE}")
    cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
    # Once checkpointed, a WAL grown by a big import is cut back instead of keeping its size.
    cursor.execute("PRAGMA journal_size_limit = 67108864")
    cursor.close()


def _begin(connection: Connection) -> None:
    """Start the transaction SQLAlchemy is beginning: IMMEDIATE for a write, so the write lock
    is taken before anything is read; DEFERRED for a read, a consistent snapshot."""
    options = connection.get_execution_options()
    if options.get(BEGUN_OPTION, False):
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION, False) else "BEGIN")


def _check_file(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LibraryOpenError(f"{path} cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise LibraryOpenError(f"{path} is a folder, not a library file")
    if not stat.S_ISREG(info.st_mode):
        raise LibraryOpenError(f"{path} is not a regular file, so it cannot be a library")
    if OPEN_LIBRARIES.holds(path):
        return  # open here already, so a library; reading it by hand would drop SQLite's locks
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except PermissionError:
        raise LibraryOpenError(f"{path} cannot be read: permission denied") from None
    if head and head != _SQLITE_MAGIC:
        raise LibraryOpenError(f"{path} is not a ReadingList library (not an SQLite database)")


def backup_path_for(path: Path, when: dt.datetime | None = None) -> Path:
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.backup-{stamp}")


def _statements(script: str) -> list[str]:
    """A migration script's statements, one by one: `executescript` would commit the
    transaction that holds the write lock before running them."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


def _versions(connection: sqlite3.Connection) -> tuple[int, int, bool]:
    # One statement, so one read transaction: read one by one, another process creating the
    # library could commit in between, and "tables but no application id" looks foreign.
    version, app_id, tables = connection.execute(
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT application_id FROM pragma_application_id),"
        " (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    return int(version), int(app_id), tables > 0


class _Busy(LibraryOpenError):
    """Another connection held the file at a moment SQLite does not wait for (setting up WAL
    on a new file, recovering its index); opening is safe to try again."""


def _migrate_when_free(path: Path, patience: float = 30.0) -> None:
    """`_migrate`, tried again while another process is busy opening or writing the file.
    Every step is checked again under the write lock, so a second try never repeats one."""
    deadline = time.monotonic() + patience
    pause = 0.02
    while True:
        try:
            _migrate(path)
            return
        except _Busy:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _checked_version(connection: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; refuses a newer or a foreign file."""
    version, app_id, has_tables = _versions(connection)
    if version > SCHEMA_VERSION:
        raise LibraryOpenError(
            f"{path.name} was written by a newer ReadingList (library version {version}; "
            f"this one reads up to {SCHEMA_VERSION}): update ReadingList to open it"
        )
    if has_tables and app_id != APPLICATION_ID:
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise LibraryOpenError(
                f"{wal.name} beside {path} seems to belong to another database (read together "
                f"they are not a ReadingList library); nothing was changed: move {wal.name} "
                "away and try again"
            )
        raise LibraryOpenError(f"{path} is an SQLite database, but not a ReadingList library")
    return version


def _up_to_date(path: Path) -> bool:
    """Whether an existing file is a current library, asked through a read-only connection.

    Only a read-write connection checkpoints: opening a file whose -wal belongs to another
    database read-write would copy that database over the library when it closes."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        probe = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return False  # the read-write path below says what is wrong
    try:
        return _checked_version(probe, path) == SCHEMA_VERSION
    except sqlite3.Error:
        return False
    finally:
        probe.close()


def _migrate(path: Path) -> None:
    """Bring the file to SCHEMA_VERSION, backing it up first when it holds an older version.

    The version is read again under the write lock: two processes opening a new (or old)
    library at once must not both create (or upgrade) it."""
    if _up_to_date(path):
        return
    try:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise LibraryOpenError(f"{path} cannot be opened ({exc})") from None
    upgrading = False
    try:
        # Before any lock: a page size takes effect only while the file is still empty, and
        # only new libraries get it. 8 KB pages hold an abstract's full-text row with less
        # slack than 4 KB ones: a 100,000-paper library is 11% smaller and imports faster.
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        # WAL from the first transaction on (a no-op once it is): switching a file in use to
        # WAL later needs it to itself, and another process opening it at once would be refused.
        connection.execute("PRAGMA journal_mode = WAL")
        for locked in (False, True):
            if locked:
                connection.execute("BEGIN IMMEDIATE")
            version = _checked_version(connection, path)
            if version == SCHEMA_VERSION:
                return  # the finally below rolls a needless lock back
        upgrading = version > 0
        if upgrading:
            # Read through a second connection: SQLite refuses to back up from the one that
            # holds the write lock, and readers still see the last committed state.
            source = sqlite3.connect(path, timeout=30)
            try:
                with sqlite3.connect(backup_path_for(path)) as backup:
                    source.backup(backup)
                backup.close()
            finally:
                source.close()
        # Every step in the one transaction: a failure leaves the file as it was.
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if disk_full(path):
            raise LibraryOpenError(f"the disk holding {path.name} is full") from None
        if "locked" in message or "busy" in message:
            raise _Busy(f"{path.name} is locked by another program") from None
        if "not a database" in message or "malformed" in message:
            raise LibraryOpenError(f"{path.name} is damaged (SQLite: {message})") from None
        if "readonly" in message or "read-only" in message or "unable to open" in message:
            raise LibraryOpenError(_read_only_reason(path, upgrading)) from None
        raise LibraryOpenError(f"{path.name} cannot be opened (SQLite: {message})") from None
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def disk_full(path: Path) -> bool:
    """Whether the file system holding `path` has (next to) no space left."""
    try:
        return shutil.disk_usage(path.parent).free < _FULL_BELOW
    except OSError:
        return False


def _read_only_reason(path: Path, upgrading: bool) -> str:
    """Why a library cannot be written, in one sentence: the file, or its folder."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        where = f"{path.name} is read-only"
    elif not os.access(folder, os.W_OK | os.X_OK):
        # WAL mode keeps library.sqlite-wal and -shm beside the file: the folder must be writable.
        where = (
            f"the folder {folder} is read-only (SQLite needs to write {path.name}-wal beside it)"
        )
    else:
        where = f"{path.name} cannot be written"
    if upgrading:
        return f"{where}, and the library needs an upgrade to version {SCHEMA_VERSION}"
    return where


def open_engine(path: Path, *, create: bool = True) -> Engine:
    """Open (creating or upgrading) the library at `path` and return an engine for it.

    With `create=False` a missing file is an error: a mistyped path must not become an empty
    library."""
    _check_file(path)
    if not create and (not path.exists() or path.stat().st_size == 0):
        raise LibraryOpenError(f"there is no library at {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryOpenError(f"cannot create the folder {path.parent} ({exc.strerror})") from None
    _migrate_when_free(path)
    engine = create_engine(
        f"sqlite:///{path}",
        # Each thread checks out its own connection from the pool; none is shared at once.
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine
