"""The one way the window runs work off the GUI thread.

    task = Task(job)                      # job(progress, cancelled) -> result
    task.succeeded.connect(...)           # connect first ...
    task.start()                          # ... then start, so no report can be missed

The job runs on one of a few worker threads; the task's signals arrive on the GUI thread. Jobs
get plain callbacks and never see a widget.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QTimer,
    Signal,
)

from readinglist.core.errors import ImportCancelled
from readinglist.core.gcpause import collector_paused


class Progress(Protocol):
    """progress(done, total): how far a job is (total 0: unknown); with `text`, what it does
    now ("Parsing page.txt…")."""

    def __call__(self, done: int, total: int, text: str | None = None) -> None: ...


Cancelled = Callable[[], bool]
Job = Callable[[Progress, Cancelled], Any]
_MIN_THREADS = 4
_SWITCH_INTERVAL = 0.00002  # seconds; costs nothing while only one thread wants the GIL
_FREEZE_AFTER = 20_000  # objects a job left to the collector: beyond this, freeze them


class Task(QObject):
    """A background job's handle: progress, its result or error, and a way to cancel it.

    It has no Qt parent on purpose: a parent could delete it while the job still runs and
    emits. Whoever starts it keeps a reference until `finished`."""

    progress = Signal(int, int)
    stage = Signal(str)  # what the job does now, when it says
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after any of the three above

    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job
        self._cancel = threading.Event()

    def start(self) -> None:
        runnable = _Runnable(self, self._job)
        # When the GUI thread wants the GIL (to paint, say) a busy worker hands it over after
        # the switch interval: 5 ms by default, paid for every Python call a paint makes.
        if sys.getswitchinterval() > _SWITCH_INTERVAL:
            sys.setswitchinterval(_SWITCH_INTERVAL)
        with _LOCK:
            _PENDING.add(_pool().submit(runnable.run))

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _Runnable:
    def __init__(self, task: Task, job: Job) -> None:
        self.task = task
        self.job = job

    def report(self, done: int, total: int, text: str | None = None) -> None:
        if text is not None:
            self.task.stage.emit(text)
        self.task.progress.emit(done, total)

    def run(self) -> None:
        task = self.task
        try:
            try:
                result = _run_quietly(self.job, self.report, task.is_cancelled)
            except ImportCancelled:
                task.cancelled.emit()
            except Exception as exc:  # reported to the window, which shows it as a message
                task.failed.emit(exc)
            else:
                # A job that finished did its work, even if Cancel came too late to stop it.
                task.succeeded.emit(result)
            task.finished.emit()
        except RuntimeError:
            pass  # the task went away (the app is quitting): nobody is left to tell


def _run_quietly(job: Job, progress: Progress, cancelled: Cancelled) -> Any:
    """Run `job` with Python's cyclic collector paused.

    A collection holds the GIL, and so stops the GUI thread, for as long as it walks the
    objects: 150-400 ms at a time in a worker parsing 30,000 papers. Paused, it never runs in
    a worker. What a big job leaves alive (a preview's 30,000 rows, say) is then moved out of
    the collector's reach with gc.freeze(), or the GUI thread's next young collection would
    walk it all; cycles that are already garbage then stay (a few kilobytes, from a job that
    allocated tens of thousands of objects)."""
    with collector_paused():
        try:
            return job(progress, cancelled)
        finally:
            if gc.get_count()[0] > _FREEZE_AFTER:
                gc.freeze()


# Python's executor, not QThreadPool: handing a job to QThreadPool.start took the GUI thread
# ~4 ms (it waited for the GIL the woken worker had just taken); submit() only queues it.
# A few threads: a keystroke's query must not wait behind an import and a refresh (they
# mostly wait on SQLite, which lets go of the GIL).
_LOCK = threading.Lock()
_EXECUTOR: ThreadPoolExecutor | None = None
_PENDING: set[Future[None]] = set()


def _pool() -> ThreadPoolExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(_MIN_THREADS, thread_name_prefix="readinglist-worker")
    _PENDING.difference_update([future for future in _PENDING if future.done()])
    return _EXECUTOR


def wait_for_background_work(msecs: int = 30000) -> bool:
    """Block until every background job is done (closing the window, tests)."""
    with _LOCK:
        pending = list(_PENDING)
    done, not_done = wait(pending, timeout=msecs / 1000)
    with _LOCK:
        _PENDING.difference_update(done)
    return not not_done


def run_until(condition: Callable[[], bool], msecs: int = 30000) -> bool:
    """Run the event loop until `condition()` holds or `msecs` pass; whether it held.

    For scripts and benchmarks that drive the window from the top (start-up, `make
    screenshot`), never for a slot: the window itself never waits."""
    deadline = time.monotonic() + msecs / 1000
    app = QCoreApplication.instance()
    if app is None:
        return condition()
    # Background results arrive as events and wake the wait below; the timer bounds it.
    waker = QTimer()
    waker.start(20)
    try:
        while not condition():
            if time.monotonic() > deadline:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return True
    finally:
        waker.stop()
