"""File ▸ Open Shared Library… and Open Library File…: ask where, then hand the location to
whoever shows libraries (MainWindow.library_requested; see WindowHost)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from readinglist.gui.dialogs.open_shared import OpenSharedLibraryDialog, SharedLibraryChoice
from readinglist.gui.file_dialogs import save_file_name

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow


class OpenController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: OpenSharedLibraryDialog | None = None

    def open_shared(self) -> None:
        settings = self.window.settings
        dialog = OpenSharedLibraryDialog(settings.recent_shared_libraries, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self.shared_chosen(dialog.choice()))
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()

    def shared_chosen(self, choice: SharedLibraryChoice) -> None:
        # Remembered once open (WindowHost): a URL that failed is not offered again.
        self.window.library_requested.emit(choice.url)

    def open_file(self) -> None:
        path = self.window.library.path
        start = str(path.parent) if path is not None else str(Path.home())
        name = save_file_name(
            self.window,
            "Open a library file, or a new name to start a new library",
            start,
            "ReadingList library (*.sqlite);;All files (*)",
            confirm_overwrite=False,
        )
        if name:
            self.window.library_requested.emit(Path(name))
