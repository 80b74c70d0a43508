"""A private PostgreSQL server for the test session (a pytest plugin: tests/conftest.py loads it).

The first test that asks for `pg_server` (directly or through `pg_url`) starts it; later tests
share it; the session's end stops it (fast shutdown) and deletes it, also when tests failed.

- `initdb` into a new temporary directory (`/tmp/readinglist-pg-*`: `data/`, `socket/`,
  `postgres.log`), UTF8 with the C.UTF-8 locale, trust authentication, no fsync. As root the
  server programs refuse to run, so they run as the `postgres` system user (Debian's package
  creates it) or else `nobody`, owning that directory.
- `postgres` listens on 127.0.0.1 on a free port (another one when that port was taken in the
  meantime) and on a socket in `socket/`. It is this process's child and gets SIGINT (a fast
  shutdown) should this process die without stopping it (`setpriv --pdeathsig`).
- The server programs are looked up in PATH, then in /usr/lib/postgresql/*/bin (the newest),
  or only in READINGLIST_TEST_PG_BINDIR when set; scripts/ensure-postgres.sh installs them. Without them, or without psycopg, every test that
  asks for the server skips with one line saying why.

Roles, as a reading group would set them up (the README's group setup says the same):

- `library` (NOLOGIN) is the group. It owns every test database, hence (PostgreSQL 15) its
  `public` schema; PUBLIC's CONNECT and TEMP on the database are revoked.
- `member` (LOGIN, no other attribute) is in `library` and inherits its rights: it connects,
  creates schemas and tables, and creates the trusted extensions `pg_trgm` and `unaccent`
  (trusted extensions only need CREATE on the database, which the owner has).
- `pg_member_url(pg_url, "bob")` adds another member the same way.
- What a member creates belongs to that member, not to the group, unless it is created after
  `SET ROLE library` (or `SET LOCAL ROLE library` in the migration's transaction): then every
  member may use, change and later migrate it. Personal data is keyed on `session_user` (the
  login role), which `SET ROLE` does not change. The group is the database's owner:
  `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy.engine import make_url

try:
    import psycopg
    from psycopg import sql
except ImportError:  # the `postgres` extra is not installed: the PostgreSQL tests skip
    psycopg = None  # type: ignore[assignment]

SUPERUSER = "postgres"
GROUP = "library"
MEMBER = "member"
HOST = "127.0.0.1"
PROGRAMS = ("initdb", "pg_ctl", "postgres")
START_TIMEOUT = 60.0
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

SETTINGS = """
listen_addresses = '{host}'
port = {port}
unix_socket_directories = '{socket_dir}'
max_connections = 100
lc_messages = 'C'
log_min_messages = warning
log_connections = off
"""
# For a throwaway cluster: nothing survives the session, so nothing is made durable. (A
# benchmark that compares with SQLite's durable commits asks for durable=True.)
NOT_DURABLE = """
fsync = off
synchronous_commit = off
full_page_writes = off
"""


class NoServer(Exception):
    """Why no server can be had (the tests that need one skip with this sentence)."""


def server_programs() -> Path:
    """The directory holding initdb, pg_ctl and postgres (READINGLIST_TEST_PG_BINDIR: only
    that one)."""
    candidates: list[Path] = []
    if chosen := os.environ.get("READINGLIST_TEST_PG_BINDIR"):
        candidates.append(Path(chosen))
    else:
        if initdb := shutil.which("initdb"):
            candidates.append(Path(initdb).resolve().parent)  # e.g. /usr/local/bin: symlinks
        versions = Path("/usr/lib/postgresql").glob("*/bin")
        candidates += sorted(versions, key=lambda p: _version(p.parent.name), reverse=True)
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in PROGRAMS):
            return directory
    raise NoServer(
        "no PostgreSQL server programs (initdb, pg_ctl, postgres) in PATH or "
        "/usr/lib/postgresql/*/bin; `bash scripts/ensure-postgres.sh` installs them"
    )


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class RunAs:
    """The unprivileged user the server programs run as (None: this process's own user)."""

    name: str | None
    uid: int = -1
    gid: int = -1

    @classmethod
    def choose(cls) -> RunAs:
        if os.geteuid() != 0:
            return cls(None)
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                entry = pwd.getpwnam(name)
                return cls(name, entry.pw_uid, entry.pw_gid)
        raise NoServer("running as root, and neither a `postgres` nor a `nobody` user exists")

    def popen_args(self) -> dict[str, Any]:
        if self.name is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _environment() -> dict[str, str]:
    # PGHOST, PGPORT, PGDATA... of the developer's shell must not point these programs elsewhere.
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_"))}
    environment["LANG"] = "C.UTF-8"
    return environment


@dataclass
class PostgresServer:
    """A running private cluster. `url()` builds SQLAlchemy URLs; `admin()` is a superuser
    connection (autocommit) to the `postgres` database for setting things up in tests."""

    host: str
    port: int
    superuser: str
    group: str
    member: str
    base: Path
    process: subprocess.Popen[bytes]
    _admin: Any = field(default=None, repr=False)
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "socket"

    @property
    def log_path(self) -> Path:
        return self.base / "postgres.log"

    def url(self, user: str, database: str) -> str:
        return f"postgresql+psycopg://{user}@{self.host}:{self.port}/{database}"

    def admin(self) -> Any:
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(
                host=self.host,
                port=self.port,
                user=self.superuser,
                dbname="postgres",
                autocommit=True,
            )
        return self._admin

    def execute(self, statement: Any, params: Any = None) -> list[tuple[Any, ...]]:
        """Run one statement as the superuser; its rows (none for a command)."""
        cursor = self.admin().execute(statement, params)
        return cursor.fetchall() if cursor.description else []

    def create_database(self, hint: str = "") -> str:
        """A new empty database owned by the group; its name."""
        slug = re.sub(r"[^a-z0-9]+", "_", hint.lower()).strip("_")[:40]
        name = f"t{next(self._names):04d}_{slug}".rstrip("_")
        self.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(self.group)
            )
        )
        self.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: a test's engine may still hold pooled connections.
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def ensure_member(self, name: str, *, in_group: bool = True) -> None:
        """A login role `name`, in the group or (in_group=False) not."""
        if not ROLE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain lower-case role name")
        role = sql.Identifier(name)
        if not self.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)):
            self.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        grant = "GRANT {} TO {}" if in_group else "REVOKE {} FROM {}"
        self.execute(sql.SQL(grant).format(sql.Identifier(self.group), role))

    def stop(self) -> None:
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
        _stop(self.process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    # SIGINT is PostgreSQL's fast shutdown (what `pg_ctl stop -m fast` sends): clients are
    # disconnected, the server stops at once; SIGQUIT (immediate) if it does not.
    if process.poll() is not None:
        return
    for signal_number in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        process.send_signal(signal_number)
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def _run(command: list[str], run_as: RunAs, cwd: Path) -> None:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        **run_as.popen_args(),
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["(no output)"]
        raise NoServer(f"{Path(command[0]).name} failed: {lines[-1]}")


def _start_postgres(
    programs: Path, run_as: RunAs, base: Path, durable: bool
) -> tuple[int, subprocess.Popen[bytes]]:
    data = base / "data"
    defaults = (data / "postgresql.conf").read_text()
    log_path = base / "postgres.log"
    for _attempt in range(5):
        port = free_port()
        (data / "postgresql.conf").write_text(
            defaults
            + SETTINGS.format(host=HOST, port=port, socket_dir=base / "socket")
            + ("" if durable else NOT_DURABLE)
        )
        command = [str(programs / "postgres"), "-D", str(data)]
        if shutil.which("setpriv"):
            # Should this process die without stopping the server, the server stops itself.
            command = ["setpriv", "--pdeathsig", "INT", "--", *command]
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=base,
                env=_environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                **run_as.popen_args(),
            )
        if _wait_ready(process, port):
            return port, process
        _stop(process)
        log_text = log_path.read_text(errors="replace")
        if "could not bind" not in log_text and "already in use" not in log_text:
            last = log_text.strip().splitlines()[-1:] or ["(nothing in its log)"]
            raise NoServer(f"postgres did not start: {last[0]}")
    raise NoServer("postgres found no free port on 127.0.0.1 in five tries")


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            psycopg.connect(
                host=HOST, port=port, user=SUPERUSER, dbname="postgres", connect_timeout=2
            ).close()
            return True
        except psycopg.OperationalError:  # starting up, or not listening yet
            time.sleep(0.05)
    return False


def start_server(*, durable: bool = False) -> PostgresServer:
    """initdb, start, and create the group and the first member; raises NoServer. The caller
    stops it: `server.stop()` and deletes `server.base` (or uses `running_server()`)."""
    if psycopg is None:
        raise NoServer("psycopg is not installed (pip install -e '.[postgres]')")
    programs = server_programs()
    run_as = RunAs.choose()
    base = Path(tempfile.mkdtemp(prefix="readinglist-pg-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        (base / "socket").mkdir()
        if run_as.name is not None:
            for path in (base, base / "socket"):
                os.chown(path, run_as.uid, run_as.gid)
        _run(
            [
                str(programs / "initdb"),
                "--pgdata",
                str(base / "data"),
                "--username",
                SUPERUSER,
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--auth",
                "trust",
                "--no-sync",
                "--no-instructions",
            ],
            run_as,
            base,
        )
        port, process = _start_postgres(programs, run_as, base, durable)
        server = PostgresServer(HOST, port, SUPERUSER, GROUP, MEMBER, base, process)
        version = int(server.execute("SHOW server_version_num")[0][0])
        if version < 130000:  # trusted extensions, DROP DATABASE ... WITH (FORCE)
            raise NoServer(f"PostgreSQL {version // 10000} is too old: the tests need 13 or newer")
        server.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(GROUP)))
        server.ensure_member(MEMBER)
        return server
    except BaseException:
        if process is not None:
            _stop(process)
        shutil.rmtree(base, ignore_errors=True)
        raise


@contextlib.contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A private server for a benchmark or a script (the tests use the fixtures below)."""
    server = start_server(durable=durable)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


class MemberUrl(Protocol):
    """The type of the `pg_member_url` fixture, for annotations."""

    def __call__(self, url: str, name: str, *, in_group: bool = True) -> str: ...


# ------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's private server (started on first use; skips the test when none)."""
    try:
        server = start_server()
    except NoServer as reason:
        pytest.skip(f"no PostgreSQL server for the tests: {reason}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new empty database for this test, owned by the group, and the URL of `member` on it:
    postgresql+psycopg://member@127.0.0.1:PORT/NAME. Dropped after the test."""
    name = pg_server.create_database(request.node.name)
    yield pg_server.url(pg_server.member, name)
    with contextlib.suppress(psycopg.Error):
        pg_server.drop_database(name)


@pytest.fixture
def pg_member_url(pg_server: PostgresServer) -> MemberUrl:
    """`pg_member_url(pg_url, "bob")`: the same database as another member (created and put in
    the group when needed); `in_group=False` for a login role outside the group."""

    def member_url(url: str, name: str, *, in_group: bool = True) -> str:
        pg_server.ensure_member(name, in_group=in_group)
        return make_url(url).set(username=name).render_as_string(hide_password=False)

    return member_url


def wait_until(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll `condition` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:g} s: {what or condition}")
        time.sleep(0.005)


def main() -> int:
    """`python -m tests.postgres`: a private server until stdin closes (scripts/smoke-bundle.sh).
    Prints one line: a member's URL on a new database, or why there is no server."""
    try:
        with running_server() as server:
            database = server.create_database("smoke")
            print(server.url(server.member, database), flush=True)
            sys.stdin.read()
    except NoServer as reason:
        print(f"no PostgreSQL server: {reason}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
