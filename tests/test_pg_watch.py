"""Live changes on a shared library: NotifyWatcher hears every member's committed change (NOTIFY
on channel `readinglist`), never an uncommitted or rolled-back one, and survives a dropped
connection. Against the session's real PostgreSQL server; waits are conditions with deadlines.

To tell "nothing arrived" from "not arrived yet", a test commits a fence notification after
the event it checks: PostgreSQL delivers notifications in commit order, so once the fence is
heard, anything the event had sent was heard before it (the watcher counts what it received).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from readinglist.core.library import Library
from readinglist.core.pg_watch import NotifyWatcher
from tests.postgres import MemberUrl, PostgresServer, free_port, wait_until

NOTIFY_FUNCTION = """
CREATE FUNCTION notify_readinglist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('readinglist', TG_TABLE_NAME);
    RETURN NULL;
END $$
"""
NOTIFY_TRIGGER = """
CREATE TRIGGER tags_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tags
FOR EACH STATEMENT EXECUTE FUNCTION notify_readinglist()
"""


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=autocommit
    )


@pytest.fixture
def other(pg_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """Another member's session, with a shared table whose changes notify, as the schema's."""
    connection = connect(pg_url)
    connection.execute("CREATE TABLE tags (name text PRIMARY KEY)")
    connection.execute(NOTIFY_FUNCTION)
    connection.execute(NOTIFY_TRIGGER)
    yield connection
    connection.close()


@pytest.fixture
def watcher(pg_url: str) -> Iterator[NotifyWatcher]:
    watcher = NotifyWatcher(pg_url, retry_seconds=0.05)
    assert watcher.connected
    yield watcher
    watcher.close()


def fence(connection: psycopg.Connection[tuple[object, ...]]) -> None:
    connection.execute("NOTIFY readinglist, 'fence'")


def test_a_notify_from_another_session_is_a_change_once(
    watcher: NotifyWatcher, other: psycopg.Connection[tuple[object, ...]]
) -> None:
    assert not watcher.changed()
    other.execute("NOTIFY readinglist")
    wait_until(watcher.changed, what="the notification is heard")
    assert watcher.received == 1
    assert not watcher.changed()
    fence(other)
    wait_until(watcher.changed, what="the fence is heard")
    assert watcher.received == 2  # nothing came between: the NOTIFY was one change


def test_a_committed_insert_is_a_change(
    watcher: NotifyWatcher, other: psycopg.Connection[tuple[object, ...]]
) -> None:
    other.execute("INSERT INTO tags VALUES ('to-read'), ('survey')")
    wait_until(watcher.changed, what="the insert is heard")
    assert watcher.received == 1  # one statement, one notification
    assert not watcher.changed()


def test_another_member_s_change_to_the_library_is_heard(
    pg_url: str, pg_member_url: MemberUrl
) -> None:
    alice = Library(pg_url)  # creates the schema, with its triggers
    watcher = NotifyWatcher(pg_url)
    bob = Library(pg_member_url(pg_url, "bob"))
    try:
        watcher.absorb()
        assert not watcher.changed()
        bob.create_list("Journal club")
        wait_until(watcher.changed, what="bob's new list is heard by alice's watcher")
    finally:
        watcher.close()
        bob.close()
        alice.close()


def test_a_rolled_back_insert_is_no_change(
    pg_url: str, watcher: NotifyWatcher, other: psycopg.Connection[tuple[object, ...]]
) -> None:
    with connect(pg_url, autocommit=False) as writer:
        writer.execute("INSERT INTO tags VALUES ('to-read')")
        writer.rollback()
    fence(other)
    wait_until(watcher.changed, what="the fence is heard")
    assert watcher.received == 1  # only the fence


def test_an_uncommitted_insert_is_a_change_only_once_committed(
    pg_url: str, watcher: NotifyWatcher, other: psycopg.Connection[tuple[object, ...]]
) -> None:
    with connect(pg_url, autocommit=False) as writer:
        writer.execute("INSERT INTO tags VALUES ('to-read')")
        fence(other)
        wait_until(watcher.changed, what="the fence is heard")
        assert watcher.received == 1  # the open transaction sent nothing yet
        writer.commit()
        wait_until(watcher.changed, what="the commit is heard")
        assert watcher.received == 2


def test_absorb_takes_the_changes_heard_so_far(
    watcher: NotifyWatcher, other: psycopg.Connection[tuple[object, ...]]
) -> None:
    other.execute("INSERT INTO tags VALUES ('to-read')")
    other.execute("DELETE FROM tags")
    wait_until(lambda: watcher.absorb() or watcher.received == 2, what="both heard by absorb")
    assert not watcher.changed()
    fence(other)
    wait_until(watcher.changed, what="the fence is heard")
    assert watcher.received == 3


def test_neither_changed_nor_absorb_waits_for_a_frozen_server(
    pg_server: PostgresServer,
    pg_url: str,
    watcher: NotifyWatcher,
    other: psycopg.Connection[tuple[object, ...]],
) -> None:
    (pid,) = listening_backends(pg_server, pg_url)
    os.kill(pid, signal.SIGSTOP)  # the server process serving the watcher stops answering
    thaw = threading.Timer(5.0, os.kill, (pid, signal.SIGCONT))  # should the watcher hang
    thaw.start()
    try:
        other.execute("NOTIFY readinglist")  # it cannot deliver this while stopped
        started = time.monotonic()
        for _ in range(100):
            assert not watcher.changed()
            watcher.absorb()
        elapsed = time.monotonic() - started
    finally:
        thaw.cancel()
        os.kill(pid, signal.SIGCONT)
    assert elapsed < 0.5
    wait_until(watcher.changed, what="the notification, once the server runs again")


def test_a_dropped_connection_comes_back_and_reports_one_change(
    pg_server: PostgresServer,
    pg_url: str,
    watcher: NotifyWatcher,
    other: psycopg.Connection[tuple[object, ...]],
) -> None:
    database = other.info.dbname
    # While the watcher is away nobody may connect: its first attempts fail.
    pg_server.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    terminated = pg_server.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND application_name = 'readinglist watch'",
        (database,),
    )
    assert terminated == [(True,)]
    wait_until(lambda: not watcher.changed() and not watcher.connected, what="the drop noticed")
    other.execute("INSERT INTO tags VALUES ('to-read')")  # missed while away
    watcher.absorb()  # harmless while away
    assert not watcher.changed()

    pg_server.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    wait_until(watcher.changed, what="the reconnection reported as a change")
    assert watcher.connected
    assert not watcher.changed()
    fence(other)
    wait_until(watcher.changed, what="a notification after the reconnection")


def test_an_unreachable_server_raises_nothing(pg_url: str) -> None:
    url = pg_url.replace(pg_url.split("@")[1].split("/")[0], f"127.0.0.1:{free_port()}")
    watcher = NotifyWatcher(url, retry_seconds=0.01)
    assert not watcher.connected
    assert not watcher.changed()
    watcher.absorb()
    watcher.close()
    assert not watcher.changed()


def test_a_url_through_the_unix_socket(
    pg_server: PostgresServer, pg_url: str, other: psycopg.Connection[tuple[object, ...]]
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    url = (
        f"postgresql+psycopg://member@/{database}?host={pg_server.socket_dir}&port={pg_server.port}"
    )
    watcher = NotifyWatcher(url)
    try:
        assert watcher.connected
        other.execute("INSERT INTO tags VALUES ('to-read')")
        wait_until(watcher.changed, what="the insert is heard through the socket")
    finally:
        watcher.close()


def listening_backends(pg_server: PostgresServer, pg_url: str) -> list[int]:
    rows = pg_server.execute(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'readinglist watch'"
        " AND datname = %s",
        (pg_url.rsplit("/", 1)[1],),
    )
    return [int(row[0]) for row in rows]


def test_close_ends_the_listening_session(
    pg_server: PostgresServer, pg_url: str, watcher: NotifyWatcher
) -> None:
    assert len(listening_backends(pg_server, pg_url)) == 1
    watcher.close()
    wait_until(
        lambda: not listening_backends(pg_server, pg_url), what="the server sees the session end"
    )
