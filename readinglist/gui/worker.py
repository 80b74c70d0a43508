"""The one way the window runs work off the GUI thread.

    task = Task(job)                      # job(progress, cancelled) -> result
    task.succeeded.connect(...)           # connect first ...
    task.start()                          # ... then start, so no report can be missed

The job runs in the global thread pool; the task's signals arrive on the GUI thread. Jobs get
plain callbacks and never see a widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from readinglist.core.errors import ImportCancelled

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Job = Callable[[Progress, Cancelled], Any]


class Task(QObject):
    """A background job's handle: progress, its result or error, and a way to cancel it.

    It has no Qt parent on purpose: a parent could delete it while the job still runs and
    emits. Whoever starts it keeps a reference until `finished`."""

    progress = Signal(int, int)
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
        _RUNNING.add(runnable)
        QThreadPool.globalInstance().start(runnable)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _Runnable(QRunnable):
    def __init__(self, task: Task, job: Job) -> None:
        super().__init__()
        self.task = task
        self.job = job

    def run(self) -> None:
        task = self.task
        try:
            try:
                result = self.job(task.progress.emit, task.is_cancelled)
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
        finally:
            _RUNNING.discard(self)


# Runnables between start and end. The pool holds only the C++ side; without this reference
# Python may collect the wrapper first, and the pool then runs an empty QRunnable.
_RUNNING: set[_Runnable] = set()


def wait_for_background_work(msecs: int = 30000) -> bool:
    """Block until every background job is done (closing the window, tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
