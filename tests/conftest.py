"""Shared fixtures. Qt runs offscreen; Qt warnings fail tests (see pyproject's qt_log_level_fail)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# ---------------------------------------------------------------- no test touches the network
# Set at collection, before any test runs: a connection anywhere but this machine fails the
# test that tried it. The completion tests talk to a real server on 127.0.0.1 instead.
class NetworkUsed(AssertionError):
    pass


def _loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return False
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard_address(family: int, address: Any) -> None:
    if family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _loopback(host):
        raise NetworkUsed(f"a test tried to reach {address!r}: tests must stay on 127.0.0.1")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _guard_address(self.family, address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _guard_address(self.family, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _loopback(host.decode() if isinstance(host, bytes) else host):
        raise NetworkUsed(f"a test tried to look up {host!r}: tests must stay on 127.0.0.1")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
socket.getaddrinfo = _guarded_getaddrinfo


# libpq opens its sockets in C, out of the patch's sight: psycopg's connections are checked
# here (a unix socket directory, or no host at all, is this machine).
def _guard_psycopg() -> None:
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        return
    real_connect = psycopg.Connection.connect.__func__  # type: ignore[attr-defined]

    def guarded_connect(cls: Any, /, conninfo: str = "", **kwargs: Any) -> Any:
        params = conninfo_to_dict(conninfo, **kwargs)
        for key in ("host", "hostaddr"):
            for host in str(params.get(key) or "").split(","):
                if host and not host.startswith("/") and not _loopback(host):
                    raise NetworkUsed(f"a test tried to reach PostgreSQL at {host!r}")
        return real_connect(cls, conninfo, **kwargs)

    psycopg.Connection.connect = classmethod(guarded_connect)  # type: ignore[assignment,method-assign]
    psycopg.connect = psycopg.Connection.connect  # the module's alias was bound at import


_guard_psycopg()

# The session's private PostgreSQL server and its fixtures: pg_server, pg_url, pg_member_url.
pytest_plugins = ("tests.postgres",)

# Real pages nobody on the team wrote, kept in the repository with their sources (README there).
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"
HF_TEXT_SAMPLES = sorted((SAMPLES / "hf-text").glob("*.txt"))
PAGE_SAMPLES = SAMPLES / "pages"


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"the sample pages are missing: expected them at {SAMPLES}")
    return SAMPLES
