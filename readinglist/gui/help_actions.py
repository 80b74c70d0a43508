"""Help ▸ Show Library Folder and Help ▸ Show Log, added to the window's Help menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMainWindow, QMenu

from readinglist.logs import log_dir, log_file_path


def reveal(path: Path) -> bool:
    """Open the folder `path` (or the folder holding the file `path`) in the file manager."""
    folder = path if path.is_dir() else path.parent
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def open_log() -> bool:
    """Open the log file in the default viewer, or its folder when there is no file yet."""
    path = log_file_path()
    if path.is_file():
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return reveal(log_dir())


def help_menu(window: QMainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == "Help":
            return menu
    return window.menuBar().addMenu("&Help")


def add_help_actions(window: QMainWindow, library_path: Path | None) -> list[QAction]:
    """Put Show Library Folder (a file's; a shared library has no folder) and Show Log at the
    top of the Help menu; returns them (tests trigger them)."""
    menu = help_menu(window)
    first = menu.actions()[0] if menu.actions() else None
    actions: list[QAction] = []
    if library_path is not None:
        folder = QAction("Show &Library Folder", window)
        folder.setStatusTip(f"Open the folder that holds {library_path.name}")
        folder.setObjectName("showLibraryFolder")
        folder.triggered.connect(lambda _checked=False: reveal(library_path))
        actions.append(folder)
    log = QAction("Show &Log", window)
    log.setStatusTip("Open the log file, for reporting a problem")
    log.setObjectName("showLog")
    log.triggered.connect(lambda _checked=False: open_log())
    actions.append(log)
    menu.insertActions(first, actions)  # type: ignore[arg-type]
    if first is not None:
        menu.insertSeparator(first)
    return actions
