"""The tests' private PostgreSQL server (tests/postgres.py): what the PostgreSQL tests stand on.
A reading group's roles as the README describes them: members of one group role that owns the
database; what one member creates as the group, every member may use and change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import NetworkUsed
from tests.postgres import MemberUrl, PostgresServer, running_server

ROOT = Path(__file__).resolve().parents[1]


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def test_a_test_gets_a_new_empty_utf8_database_as_a_plain_member(
    pg_server: PostgresServer, pg_url: str
) -> None:
    assert pg_url.startswith(f"postgresql+psycopg://member@127.0.0.1:{pg_server.port}/")
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT current_user, session_user, rolsuper, rolcreatedb, rolcreaterole,"
                " pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datctype,"
                " (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'),"
                " lower('ÉCOLE')"
                " FROM pg_roles, pg_database"
                " WHERE rolname = current_user AND datname = current_database()"
            )
        ).one()
    engine.dispose()
    assert tuple(row) == (
        "member",
        "member",
        False,
        False,
        False,
        "library",
        "UTF8",
        "C.UTF-8",
        0,
        "école",  # C.UTF-8's character classes, not plain C's
    )


def test_two_members_share_what_one_created_as_the_group(
    pg_url: str, pg_member_url: MemberUrl
) -> None:
    alice = connect(pg_url)
    bob = connect(pg_member_url(pg_url, "bob"))
    with alice.transaction():
        alice.execute("SET LOCAL ROLE library")
        alice.execute("CREATE EXTENSION pg_trgm")
        alice.execute("CREATE EXTENSION unaccent")
        alice.execute("CREATE TABLE papers (id serial PRIMARY KEY, title text NOT NULL)")
        alice.execute("CREATE INDEX papers_title ON papers USING gin (title gin_trgm_ops)")
    alice.execute("INSERT INTO papers (title) VALUES ('Attention is all you need')")

    bob.execute("INSERT INTO papers (title) VALUES ('Atención es todo')")
    rows = bob.execute(
        "SELECT unaccent(title), similarity(title, 'attention') > 0.3, session_user"
        " FROM papers ORDER BY id"
    ).fetchall()
    assert rows == [
        ("Attention is all you need", True, "bob"),
        ("Atencion es todo", False, "bob"),
    ]
    # A later version's migration, run by whichever member opens the library first.
    with bob.transaction():
        bob.execute("SET LOCAL ROLE library")
        bob.execute("ALTER TABLE papers ADD COLUMN year integer")
        bob.execute("DROP EXTENSION unaccent")
    assert alice.execute("SELECT count(year) FROM papers").fetchone() == (0,)
    alice.close()
    bob.close()


def test_each_member_creates_a_trusted_extension_as_itself_and_both_use_both(
    pg_url: str, pg_member_url: MemberUrl
) -> None:
    with connect(pg_url) as alice, connect(pg_member_url(pg_url, "bob")) as bob:
        alice.execute("CREATE EXTENSION pg_trgm")
        bob.execute("CREATE EXTENSION unaccent")
        for member in (alice, bob):
            row = member.execute("SELECT unaccent('Ærøskøbing é'), similarity('abc', 'abd')")
            assert row.fetchone() == ("AEroskobing e", 0.33333334)


def test_a_role_outside_the_group_cannot_connect(pg_url: str, pg_member_url: MemberUrl) -> None:
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        connect(pg_member_url(pg_url, "eve", in_group=False))


def test_the_guard_fails_a_postgresql_connection_off_this_machine() -> None:
    with pytest.raises(NetworkUsed):
        psycopg.connect("postgresql://member@192.0.2.1:5432/library", connect_timeout=1)
    with pytest.raises(NetworkUsed):
        psycopg.connect(host="192.0.2.1", dbname="library", connect_timeout=1)


SESSION = """
import os
from pathlib import Path

def test_uses_the_server(pg_server, pg_url):
    Path(os.environ["REPORT"]).write_text(f"{pg_server.process.pid} {pg_server.base}")
    assert False, "a failing test"
"""


def run_session(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_session.py").write_text(SESSION)
    (tmp_path / "conftest.py").write_text('pytest_plugins = ("tests.postgres",)\n')
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "REPORT": str(tmp_path / "report"),
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_server_is_stopped_and_removed_when_the_session_ends_after_a_failure(
    tmp_path: Path,
) -> None:
    result = run_session(tmp_path)
    assert "1 failed" in result.stdout, result.stdout + result.stderr
    pid, base = (tmp_path / "report").read_text().split()
    assert not Path(base).exists()
    # The server was the session's child and has been waited for: the pid is free (or reused
    # by something that is not our postgres).
    status = Path(f"/proc/{pid}/cmdline")
    assert not status.exists() or b"postgres" not in status.read_bytes()


def test_without_server_programs_the_tests_skip_with_one_line(tmp_path: Path) -> None:
    result = run_session(tmp_path, READINGLIST_TEST_PG_BINDIR=str(tmp_path / "nowhere"))
    assert "1 skipped" in result.stdout, result.stdout + result.stderr
    reasons = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(reasons) == 1
    assert "no PostgreSQL server for the tests: no PostgreSQL server programs" in reasons[0]


def test_a_benchmark_may_have_its_own_durable_server() -> None:
    with running_server(durable=True) as server:
        assert server.execute("SHOW fsync") == [("on",)]
        base = server.base
        assert (base / "data" / "PG_VERSION").exists()
    assert not base.exists()
    assert server.process.poll() is not None
