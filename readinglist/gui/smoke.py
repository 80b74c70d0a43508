"""`--smoke-test`: show the window offscreen, wait for its first paint, exit 0 (1 on time-out).

Used by the bundle's smoke test to prove the frozen app can start Qt, load its plugins and
resources, build the window and paint it, without anyone looking.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

SMOKE_TEST_FLAG = "--smoke-test"
DEFAULT_TIMEOUT_MS = 20_000


class FirstPaintWatcher(QObject):
    """Watches the application's events for the first paint of `window` (or a child)."""

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self.painted
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.painted = True
            QTimer.singleShot(0, self._finish)
        return False

    def _finish(self) -> None:
        self.window.close()
        QApplication.exit(0)


def run_smoke_test(app: QApplication, window: QWidget, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> int:
    """Show `window`, run the event loop until it has painted once, close it; the exit code."""
    watcher = FirstPaintWatcher(window)
    app.installEventFilter(watcher)

    def give_up() -> None:
        if not watcher.painted:
            print(f"smoke test: the window did not paint within {timeout_ms} ms", file=sys.stderr)
            window.close()
            QApplication.exit(1)

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(give_up)
    timer.start(timeout_ms)
    # Closing the window must not post a quit that a later event loop would receive.
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    window.show()
    try:
        code = app.exec()
    finally:
        timer.stop()
        app.removeEventFilter(watcher)
        app.setQuitOnLastWindowClosed(quit_on_close)
    if code == 0:
        print(f"smoke test: the window opened and painted ({window.windowTitle() or 'untitled'})")
        log.info("smoke test passed")
    return code
