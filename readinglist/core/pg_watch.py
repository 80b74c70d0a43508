"""Noticing that a member changed a shared library on PostgreSQL (LISTEN/NOTIFY).

The schema's statement-level triggers call `pg_notify('readinglist', ...)` on every change of
a shared table; PostgreSQL delivers a notification when (and only if) its transaction commits,
to every session listening on the channel, in commit order. The watcher keeps one dedicated
connection, in autocommit, that has run `LISTEN readinglist` and does nothing else; any
notification on the channel counts as a change, whoever sent it (this process's own pooled
connections too: the caller `absorb()`s those, as with `watch.DataVersionWatcher`).

Same interface as `watch.DataVersionWatcher`, Qt-free, and neither `changed()` nor
`absorb()` waits on the network: they read what already arrived on the socket. A dropped connection (server restart,
an administrator's pg_terminate_backend, a network cut noticed by TCP keepalives) raises
nothing: a background thread reconnects every `retry_seconds`, and the first `changed()`
after it succeeded is True once, since what happened meanwhile was not heard. Only the
constructor waits on the network: it connects (at most 5 s) so that nothing committed after
the window's first read goes unheard; should that fail, it reconnects in the background too.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from readinglist.core.postgres_schema import NOTIFY_CHANNEL

# A silent network cut is noticed within about 25 s; a connection attempt gives up after 5 s.
CONNECT_OPTIONS: dict[str, Any] = {
    "autocommit": True,
    "application_name": "readinglist watch",
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def connection_arguments(url: str | URL) -> dict[str, Any]:
    """psycopg's keyword arguments for a SQLAlchemy URL (postgresql+psycopg://...)."""
    parsed = make_url(url)
    arguments: dict[str, Any] = parsed.translate_connect_args(username="user", database="dbname")
    for key, value in parsed.query.items():  # e.g. ?host=/run/postgresql, ?sslmode=require
        arguments[key] = value[-1] if isinstance(value, tuple) else value
    return arguments


class NotifyWatcher:
    def __init__(
        self, url: str | URL, *, channel: str = NOTIFY_CHANNEL, retry_seconds: float = 2.0
    ):
        self._arguments = {**CONNECT_OPTIONS, **connection_arguments(url)}
        self._channel = channel
        self._retry_seconds = retry_seconds
        self._connection: psycopg.Connection[Any] | None = None
        self._received = 0
        self._closed = threading.Event()
        # The reconnecting thread hands its connection over here; the caller's thread adopts it.
        self._lock = threading.Lock()
        self._reconnected: psycopg.Connection[Any] | None = None
        self._reconnecting: threading.Thread | None = None
        try:
            self._connection = self._listen()
        except psycopg.Error:  # the server is unreachable right now: keep trying in the background
            self._reconnect_later()

    # ------------------------------------------------------------------ the interface
    def changed(self) -> bool:
        """Whether any notification arrived since the last `changed()` or `absorb()`; True
        once, too, after a lost connection came back. Never blocks."""
        if self._connection is None:
            return self._adopt_reconnected()
        return self._drain() > 0

    def absorb(self) -> None:
        """Take the changes heard so far as seen (the caller is about to read everything anew).
        Never blocks either: a commit whose notification is still on its way is reported by a
        later `changed()`, one reload too many rather than one too few. (A round trip would
        settle it exactly, but would make the window wait on the network.)"""
        if self._connection is None:
            self._adopt_reconnected()
            return
        self._drain()

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            connections = [self._connection, self._reconnected]
            self._connection = self._reconnected = None
        for connection in connections:
            if connection is not None:
                connection.close()

    # ------------------------------------------------------------------ for tests and logs
    @property
    def connected(self) -> bool:
        return self._connection is not None

    @property
    def received(self) -> int:
        """Notifications received since the watcher was made (PostgreSQL folds identical
        ones within one transaction)."""
        return self._received

    # ------------------------------------------------------------------ the connection
    def _listen(self) -> psycopg.Connection[Any]:
        connection = psycopg.connect(**self._arguments)
        try:
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        except BaseException:
            connection.close()
            raise
        return connection

    def _drain(self) -> int:
        """Take the notifications that already arrived (or sit in the socket); how many."""
        assert self._connection is not None
        count = 0
        try:
            for _notification in self._connection.notifies(timeout=0):
                count += 1
        except psycopg.Error:
            self._lost()
            return 0
        if self._connection.closed:  # the server said goodbye (e.g. terminated) and hung up
            self._lost()
        self._received += count
        return count

    def _lost(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self._reconnect_later()

    def _reconnect_later(self) -> None:
        if self._closed.is_set():
            return
        self._reconnecting = threading.Thread(
            target=self._reconnect, name="readinglist-watch-reconnect", daemon=True
        )
        self._reconnecting.start()

    def _reconnect(self) -> None:
        while not self._closed.wait(self._retry_seconds):
            try:
                connection = self._listen()
            except psycopg.Error:
                continue
            with self._lock:
                if self._closed.is_set():
                    connection.close()
                else:
                    self._reconnected = connection
            return

    def _adopt_reconnected(self) -> bool:
        with self._lock:
            connection, self._reconnected = self._reconnected, None
        if connection is None:
            return False
        self._connection = connection
        return True
