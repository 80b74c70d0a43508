"""The one way the window runs work off the GUI thread.

`run_in_background(job)` runs `job(progress, cancelled)` in the global thread pool and reports
through the returned task's signals, which are delivered on the GUI thread. Jobs get plain
callbacks and never see a widget.
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
    """A background job's handle: progress, its result or error, and a way to cancel it."""

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after any of the three above

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

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
            result = self.job(task.progress.emit, task.is_cancelled)
        except ImportCancelled:
            task.cancelled.emit()
        except Exception as exc:  # reported to the window, which shows it as a message
            task.failed.emit(exc)
        else:
            # A job that finished did its work, even if Cancel came too late to stop it.
            task.succeeded.emit(result)
        task.finished.emit()


def run_in_background(job: Job, parent: QObject | None = None) -> Task:
    task = Task(parent)
    QThreadPool.globalInstance().start(_Runnable(task, job))
    return task


def wait_for_background_work(msecs: int = 30000) -> bool:
    """Block until every background job is done (closing the window, tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
