"""The collector pause around imports: it always comes back on, however the work ends."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from readinglist.core.gcpause import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_back_on_after_nested_use() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer job is still running
    assert gc.isenabled()


def test_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("import failed")
    assert gc.isenabled()


def test_overlapping_jobs_in_two_threads_resume_when_the_last_ends() -> None:
    entered, release = threading.Event(), threading.Event()

    def worker() -> None:
        with collector_paused():
            entered.set()
            release.wait(timeout=10)

    thread = threading.Thread(target=worker)
    thread.start()
    assert entered.wait(timeout=10)
    with collector_paused():
        release.set()
        thread.join(timeout=10)
        assert not gc.isenabled()  # the worker ended first; this job still runs
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
