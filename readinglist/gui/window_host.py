"""The one window of the process, and what it takes to show another library in its place.

File ▸ Open Shared Library… (and Open Library File…) replace the window rather than add one:
a window's undo stack holds commands bound to its library, its background reads and queued
edits end before its library closes (MainWindow.closeEvent), and the settings, the crash
dialog and the single-instance hand-off all speak of "the window". Replacing keeps each of
those true: the old window closes by its ordinary path (notes saved, edits finished, reads
drained), then its library closes; the new window starts with its own empty undo stack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.postgres import display_name
from readinglist.gui.crash_dialog import CrashHandler
from readinglist.gui.dialogs.open_shared import remember
from readinglist.gui.help_actions import add_help_actions
from readinglist.gui.library_open_dialog import (
    AskRetry,
    ask_retry_with_dialog,
    open_library,
    sentence,
)
from readinglist.gui.main_window import MainWindow
from readinglist.gui.settings import Settings
from readinglist.gui.welcome import install_welcome
from readinglist.gui.worker import Task
from readinglist.recovery import ReadOnlyLibrary, Remedy

log = logging.getLogger(__name__)

# Opens the library at a location (a file's path or a postgresql:// URL); None: not opened.
Opener = Callable[[Path | str], Library | None]


class WindowHost(QObject):
    switched = Signal()  # another library's window is shown

    def __init__(
        self,
        settings: Settings,
        crash_handler: CrashHandler | None = None,
        opener: Opener | None = None,
        ask: AskRetry | None = None,
    ) -> None:
        super().__init__()
        self._ask = ask  # Retry or Cancel, when a shared library cannot be opened
        self._tasks: set[Task] = set()
        self._closed = False
        self.connecting = False  # a shared library is being connected to
        self.settings = settings
        self.crash_handler = crash_handler
        self.window: MainWindow | None = None
        self.library: Library | None = None
        self._opener = opener

    def show_library(self, library: Library) -> MainWindow:
        """Build the window on `library` (not yet shown)."""
        if library.url is not None:  # offered first by File ▸ Open Shared Library…
            recent = self.settings.recent_shared_libraries
            self.settings.recent_shared_libraries = remember(recent, library.url)
        window = MainWindow(library, self.settings)
        read_only = isinstance(library, ReadOnlyLibrary)
        add_help_actions(window, library.path)
        if library.path is not None:  # the first-run welcome tells where the file is
            install_welcome(window, library.path, read_only)
        if read_only:
            window.setWindowTitle(f"{window.windowTitle()} (read-only)")
            window.statusBar().showMessage("Opened read-only: nothing can be changed or imported")
        window.library_requested.connect(self.switch)
        if self.crash_handler is not None:
            self.crash_handler.parent = window
        self.window, self.library = window, library
        return window

    def switch(self, location: Path | str) -> None:
        """Show the library at `location` in place of the current one. A shared library is
        connected to in the background (the window keeps answering while a far server is
        slow); a failure asks Retry or Cancel, and Cancel leaves the window as it was."""
        if self._opener is not None:
            self._opened(self._opener(location))
        elif isinstance(location, str):
            self._connect(location)
        else:
            self._opened(open_library(location, self.window))

    def _connect(self, url: str) -> None:
        window = self.window
        if window is not None:
            window.statusBar().showMessage(f"Connecting to {display_name(url)}…")

        def job(_progress: object, _cancelled: object) -> Library:
            return Library(url)

        task = Task(job)
        task.succeeded.connect(self._connected)
        task.failed.connect(lambda error: self._connect_failed(url, error))
        task.finished.connect(lambda: self._tasks.discard(task))
        self._tasks.add(task)
        self.connecting = True
        task.start()

    def _connected(self, library: Library) -> None:
        self.connecting = False
        if self._closed:  # the window went while the server answered
            library.close()
            return
        self._opened(library)

    def _connect_failed(self, url: str, error: Exception) -> None:
        self.connecting = False
        if self.window is not None:
            self.window.statusBar().clearMessage()
        if self._closed:
            return
        if not isinstance(error, UserError):
            raise error  # a bug: the crash dialog's
        ask = self._ask or ask_retry_with_dialog(self.window, "Cancel")
        if ask(sentence(error)) is Remedy.RETRY:
            self._connect(url)

    def _opened(self, library: Library | None) -> None:
        """Replace the window by one on `library` (None: it was not opened, nothing changes)."""
        if library is None:
            return
        old_window, old_library = self.window, self.library
        if old_window is not None:
            old_window.save_session()
        # Another library's ids and lists: the selection and sidebar entry mean nothing there.
        self.settings.selected_ids = []
        self.settings.sidebar_key = "all"
        window = self.show_library(library)
        window.show()  # before the old one closes, or the application quits with it
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
            self.settings.selected_ids = []  # written by the old window's close
            self.settings.sidebar_key = "all"
        if old_library is not None and old_library is not library:
            old_library.close()
        log.info("now showing %s", library.name)
        self.switched.emit()

    def close(self) -> None:
        """At exit: the window's library closes (the window closed already)."""
        self._closed = True
        if self.library is not None:
            self.library.close()
            self.library = None
