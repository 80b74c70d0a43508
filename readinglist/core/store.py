"""The library's backend: one engine, read and write transactions, checkpoints.

Every service reaches the file through `Store.read()` and `Store.write()`; nothing else opens a
connection. A write takes SQLite's write lock at BEGIN (see `database._begin`), waits for another
writer at most `busy_timeout` seconds, and turns SQLite's failures (busy, read-only, full,
damaged) into one sentence naming the cause; the transaction rolls back, so the file keeps its
last committed state.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from readinglist.core.database import (
    BEGUN_OPTION,
    OPEN_LIBRARIES,
    READ_CACHE,
    WAL_AUTOCHECKPOINT,
    WRITE_CACHE,
    WRITE_OPTION,
    disk_full,
    open_engine,
)
from readinglist.core.errors import ImportCancelled, LibraryError, LibraryWriteError
from readinglist.core.postgres import (
    WRITE_LOCK,
    describe_postgres_error,
    display_name,
    is_database_url,
    open_postgres_engine,
)

log = logging.getLogger(__name__)

# psycopg's own errors, raised where work goes straight through the driver (COPY, cursors);
# psycopg is optional (readinglist[postgres]).
try:
    import psycopg

    DRIVER_ERRORS: tuple[type[Exception], ...] = (psycopg.Error,)
except ImportError:  # pragma: no cover - without the extra there is no shared library
    DRIVER_ERRORS = ()
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, sqlite3.Error, *DRIVER_ERRORS)

BUSY_TIMEOUT_ENV = "READINGLIST_BUSY_TIMEOUT"  # seconds; overrides both waits below


def busy_timeout(default: float) -> float:
    try:
        return float(os.environ.get(BUSY_TIMEOUT_ENV, default))
    except ValueError:
        return default


# How long a write waits for another writer's transaction (an import of 100,000 papers holds the
# lock for about 10 s) before it gives up with one sentence.
WRITE_BUSY_TIMEOUT = busy_timeout(60.0)
READ_BUSY_TIMEOUT = 10.0  # the connections' own timeout (database.open_engine)
_CHECKPOINT_LATER = "readinglist_checkpoint_later"  # Connection.info key
_LOCK_SLICE = 0.2  # seconds between looks at Cancel while waiting for another writer


def describe_sqlite_error(path: Path, error: BaseException, busy_timeout: float) -> str | None:
    """One sentence for an SQLite failure the user can act on, or None for a programming error."""
    message = str(error.orig if isinstance(error, DBAPIError) else error)
    lowered = message.lower()
    name = path.name
    full_or_io = "full" in lowered or "i/o error" in lowered or "unable to open" in lowered
    if full_or_io and disk_full(path):  # SQLite may report a full disk as an I/O error
        return f"the disk holding {name} is full; nothing changed"
    if "locked" in lowered or "busy" in lowered:
        return (
            f"{name} is busy: another program has been writing to it for {busy_timeout:g} s; "
            "nothing changed, try again when it is done"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"{name} cannot be written (it or its folder is read-only); nothing changed"
    if "full" in lowered:
        return f"the disk holding {name} is full; nothing changed"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (
            f"{name} is damaged (SQLite: {message}); nothing changed: restore a backup "
            f"({name}.backup-*) or export what still reads"
        )
    if "disk i/o error" in lowered or "unable to open" in lowered:
        return f"{name} could not be written (SQLite: {message}); nothing changed"
    return None


class _BackgroundCheckpoints:
    """The checkpoint threads a store started, so that closing it can wait for them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self, work: Callable[[], None]) -> None:
        thread = threading.Thread(target=work, name="library-checkpoint", daemon=True)
        with self._lock:  # started under the lock: wait() never sees an unstarted thread
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def wait(self) -> None:
        with self._lock:
            pending = list(self._threads)
        for thread in pending:
            thread.join()


class Store:
    """The engine of one library file and the only way to a transaction on it."""

    postgres = False
    url: str | None = None  # a shared library's

    def __init__(self, path: Path, engine: Engine, *, writable: bool = True) -> None:
        self.path: Path | None = path
        self.name = path.name  # how sentences name the library
        self._identity = OPEN_LIBRARIES.add(path)
        self._use(engine, writable)

    def _use(self, engine: Engine, writable: bool) -> None:
        self.engine = engine
        self.writable = writable
        self._background = _BackgroundCheckpoints()
        self._writing = threading.local()

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        engine = open_engine(path, create=create)
        store = cls(path, engine)
        try:
            with store.read() as connection:  # the pragmas run here: WAL needs a writable folder
                connection.exec_driver_sql("SELECT 1").all()
        except BaseException:
            store.close(optimize=False)
            raise
        return store

    def close(self, *, optimize: bool = True) -> None:
        self.wait_for_checkpoint()
        if optimize and self.writable:
            # SQLite's advice for long-lived connections: refresh planner statistics that have
            # gone stale (a library grown by many small imports never reaches the bulk ANALYZE).
            try:
                with self.engine.connect() as connection:
                    self.raw(connection, "PRAGMA optimize")
            except Exception:  # a read-only or busy file: statistics can wait for next time
                pass
        self.engine.dispose()
        OPEN_LIBRARIES.remove(self._identity)
        self._identity = None

    def describe(self, error: BaseException, busy_timeout: float) -> str | None:
        assert self.path is not None
        return describe_sqlite_error(self.path, error, busy_timeout)

    @staticmethod
    def raw(connection: Connection, sql: str) -> None:
        """Run a statement outside any transaction (a checkpoint, PRAGMA optimize)."""
        connection.connection.driver_connection.execute(sql)  # type: ignore[union-attr]

    @contextmanager
    def _in_one_sentence(self, busy_timeout: float, *, writing: bool) -> Iterator[None]:
        """A database failure the user can act on becomes one sentence (LibraryWriteError for
        a write, LibraryError for a read); a programming error stays what it is."""
        try:
            yield
        except DATABASE_ERRORS as error:
            sentence = self.describe(error, busy_timeout)
            if sentence is None:
                raise
            if writing:
                raise LibraryWriteError(sentence) from None
            raise LibraryError(sentence.replace("; nothing changed", "")) from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot until the block ends."""
        with (
            self._in_one_sentence(READ_BUSY_TIMEOUT, writing=False),
            self.engine.connect() as connection,
        ):
            yield connection

    @contextmanager
    def write(
        self,
        *,
        busy_timeout: float = WRITE_BUSY_TIMEOUT,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[Connection]:
        """A write transaction holding the write lock from its first statement to its commit.

        Waits at most `busy_timeout` seconds for another writer, in short slices so that
        `cancelled()` (Cancel in the window) ends the wait at once with ImportCancelled.
        Commits when the block ends, rolls back on any exception; SQLite failures become a
        LibraryWriteError. A write inside a write on one thread would wait for itself: refused.
        """
        if getattr(self._writing, "active", False):
            raise RuntimeError("a write transaction is already open on this thread")
        self._writing.active = True
        try:
            with (
                self._in_one_sentence(busy_timeout, writing=True),
                self.engine.connect() as connection,
            ):
                driver = connection.connection.driver_connection
                try:
                    driver.execute(f"PRAGMA cache_size = {WRITE_CACHE}")  # type: ignore[union-attr]
                    self._lock(driver, busy_timeout, cancelled)
                    # The begin event would say BEGIN again: the lock is taken already.
                    connection.execution_options(**{WRITE_OPTION: True, BEGUN_OPTION: True})
                    with connection.begin():
                        yield connection
                finally:
                    if connection.info.pop(_CHECKPOINT_LATER, False):
                        self._after_deferred_checkpoint(connection)
                    with suppress(sqlite3.Error):  # what a pooled connection has when reading
                        driver.execute(f"PRAGMA busy_timeout = {int(READ_BUSY_TIMEOUT * 1000)}")  # type: ignore[union-attr]
                        driver.execute(f"PRAGMA cache_size = {READ_CACHE}")  # type: ignore[union-attr]
        finally:
            self._writing.active = False

    @staticmethod
    def _lock(driver: Any, busy_timeout: float, cancelled: Callable[[], bool] | None) -> None:
        """BEGIN IMMEDIATE, waiting for another writer in slices of at most 0.2 s."""
        deadline = time.monotonic() + busy_timeout
        while True:
            left = deadline - time.monotonic()
            wait = max(0.0, min(_LOCK_SLICE, left)) if cancelled is not None else max(0.0, left)
            driver.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                driver.execute("BEGIN IMMEDIATE")
                # Held: the rest of the transaction may wait as long as the caller allowed.
                driver.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                return
            except sqlite3.OperationalError as error:
                busy = "locked" in str(error) or "busy" in str(error)
                if not busy or time.monotonic() >= deadline:
                    raise
            if cancelled is not None and cancelled():
                raise ImportCancelled()

    # ----------------------------------------------------------------- checkpoints
    @staticmethod
    def checkpoint_later(connection: Connection) -> None:
        """Commit this big write without copying its pages into the library file; a thread does
        that after the commit.

        The write is durable once committed; the copy (a second write of every page, 1-1.5 s
        after 100,000 papers) need not hold up the summary or the window. SQLite lets one
        checkpoint run at a time; other connections' own small checkpoints skip while it runs.
        """
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        connection.info[_CHECKPOINT_LATER] = True

    def _after_deferred_checkpoint(self, connection: Connection) -> None:
        try:  # on the same connection: the pool must not hand out one that never checkpoints
            self.raw(connection, f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
        except Exception:
            connection.invalidate()
        self._background.start(self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            with self.engine.connect() as connection:
                self.raw(connection, "PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # a busy or read-only file: the next commit or close checkpoints
            log.warning("background checkpoint of %s failed", self.path, exc_info=True)

    def wait_for_checkpoint(self) -> None:
        """Block until background checkpoints are done (close() waits for them too)."""
        self._background.wait()


class PostgresStore(Store):
    """A shared library on PostgreSQL: the same transactions, the server's machinery.

    A write takes the library's write lock (an advisory lock, `postgres.WRITE_LOCK`) at its
    start, as a write on SQLite takes the file's: read-then-write steps (matching an import,
    issuing keys, list positions) then see every earlier commit and never interleave, so two
    members at once end as if one had gone after the other. Reads run in REPEATABLE READ: one
    snapshot for the whole block, as on SQLite. No checkpoints: the server keeps its own log.
    """

    postgres = True

    def __init__(self, url: str, engine: Engine, *, writable: bool = True) -> None:
        self.path = None
        self.url = url
        self.name = display_name(url)
        self._identity = None
        self._use(engine, writable)

    @classmethod
    def open_url(cls, url: str) -> PostgresStore:
        return cls(url, open_postgres_engine(url))

    def close(self, *, optimize: bool = True) -> None:
        self.engine.dispose()

    def describe(self, error: BaseException, busy_timeout: float) -> str | None:
        return describe_postgres_error(self.name, error, busy_timeout)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with (
            self._in_one_sentence(READ_BUSY_TIMEOUT, writing=False),
            self.engine.connect() as connection,
        ):
            connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection

    @contextmanager
    def write(
        self,
        *,
        busy_timeout: float = WRITE_BUSY_TIMEOUT,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[Connection]:
        if getattr(self._writing, "active", False):
            raise RuntimeError("a write transaction is already open on this thread")
        self._writing.active = True
        try:
            with (
                self._in_one_sentence(busy_timeout, writing=True),
                self.engine.connect() as connection,
                connection.begin(),
            ):
                self._lock_advisory(connection, busy_timeout, cancelled)
                yield connection
        finally:
            self._writing.active = False

    @staticmethod
    def _lock_advisory(
        c: Connection, busy_timeout: float, cancelled: Callable[[], bool] | None
    ) -> None:
        """The write lock, waiting for another member at most `busy_timeout` seconds, in
        slices of 0.2 s when Cancel may end the wait (a timed-out slice rolls back to a
        savepoint, which keeps the transaction usable)."""
        if cancelled is None:
            c.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(busy_timeout * 1000))}")
            c.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return
        deadline = time.monotonic() + busy_timeout
        c.exec_driver_sql(f"SET LOCAL lock_timeout = {int(_LOCK_SLICE * 1000)}")
        while True:
            c.exec_driver_sql("SAVEPOINT readinglist_lock")
            try:
                c.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                c.exec_driver_sql("RELEASE SAVEPOINT readinglist_lock")
                break
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) != "55P03":
                    raise
                c.exec_driver_sql("ROLLBACK TO SAVEPOINT readinglist_lock")
            if time.monotonic() >= deadline:
                c.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            if cancelled():
                raise ImportCancelled()
        # Held: row locks later in the transaction may wait as long as the caller allowed.
        c.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(busy_timeout * 1000))}")

    @staticmethod
    def checkpoint_later(connection: Connection) -> None:
        """Nothing to put off: the server writes its own log."""

    def wait_for_checkpoint(self) -> None:
        pass


def open_store(location: Path | str, *, create: bool = True) -> Store:
    """The store of a library file, or of a shared library when `location` is a URL."""
    if is_database_url(location):
        return PostgresStore.open_url(str(location))
    return Store.open(Path(location), create=create)
