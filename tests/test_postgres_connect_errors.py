"""A shared library that cannot be opened is said in a member's words: libpq's messages for a
refused connection carry no SQLSTATE, so they are recognised by their text (these are libpq's
own, as the private server and psycopg print them; the others are asked of the real server in
tests/gui/test_shared_window.py)."""

from __future__ import annotations

import pytest

from readinglist.core.postgres import _connect_reason

URL = "postgresql://alice@db.lab.example:5433/journal_club"
PREFIX = 'connection failed: connection to server at "10.0.0.5", port 5433 failed: '


@pytest.mark.parametrize(
    ("message", "said"),
    [
        (
            'FATAL:  password authentication failed for user "alice"',
            "the server db.lab.example:5433 refused alice's password",
        ),
        (
            "fe_sendauth: no password supplied",
            "the server db.lab.example:5433 asks alice for a password",
        ),
        ("timeout expired", "the server db.lab.example:5433 did not answer in 10 s"),
        (
            'FATAL:  role "alice" does not exist',
            "the server db.lab.example:5433 has no member (role) alice",
        ),
    ],
)
def test_connection_failures_in_a_members_words(message: str, said: str) -> None:
    assert _connect_reason(URL, PREFIX + message) == said


def test_an_unknown_failure_keeps_libpqs_first_line() -> None:
    assert _connect_reason(URL, "something new\nsecond line") == "something new"
