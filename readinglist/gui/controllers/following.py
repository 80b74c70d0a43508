"""The window follows the file: when another process changes the library, the counts, the
table and the reading pane are read again within a second, keeping selection and scroll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from readinglist.core.watch import follow

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow

POLL_MS = 500


class LibraryFollower(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = follow(window.library)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        window = self.window
        # The window's own changes refresh it when they finish (and absorb their commits
        # then); a look while they run would refresh twice.
        if not window.editor.idle or window.importer.import_task is not None:
            return
        if self.watcher.changed():
            window.refresh(None, reread_pane=True)

    def absorb(self) -> None:
        """The window is about to read everything again: the commits so far are seen."""
        self.watcher.absorb()

    def stop(self) -> None:
        self.timer.stop()
        self.watcher.close()
