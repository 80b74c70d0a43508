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

from PySide6.QtCore import QObject

from readinglist.core.library import Library
from readinglist.gui.crash_dialog import CrashHandler
from readinglist.gui.help_actions import add_help_actions
from readinglist.gui.library_open_dialog import (
    ask_retry_with_dialog,
    open_library,
    open_shared_library,
)
from readinglist.gui.main_window import MainWindow
from readinglist.gui.settings import Settings
from readinglist.gui.welcome import install_welcome
from readinglist.recovery import ReadOnlyLibrary

log = logging.getLogger(__name__)

# Opens the library at a location (a file's path or a postgresql:// URL); None: not opened.
Opener = Callable[[Path | str], Library | None]


class WindowHost(QObject):
    def __init__(
        self,
        settings: Settings,
        crash_handler: CrashHandler | None = None,
        opener: Opener | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.crash_handler = crash_handler
        self.window: MainWindow | None = None
        self.library: Library | None = None
        self._opener = opener

    def show_library(self, library: Library) -> MainWindow:
        """Build the window on `library` (not yet shown)."""
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

    def _open(self, location: Path | str) -> Library | None:
        if self._opener is not None:
            return self._opener(location)
        parent = self.window
        if isinstance(location, str):
            return open_shared_library(
                location, parent, ask=ask_retry_with_dialog(parent, "Cancel")
            )
        return open_library(location, parent)

    def switch(self, location: Path | str) -> bool:
        """Show the library at `location` in place of the current one; False (the current
        window stays as it was) when it could not be opened or the person gave up."""
        library = self._open(location)
        if library is None:
            return False
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
        return True

    def close(self) -> None:
        """At exit: the window's library closes (the window closed already)."""
        if self.library is not None:
            self.library.close()
            self.library = None
