"""Starts the window: `readinglist` with no command, `python -m readinglist.gui`, or the script."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from readinglist.assets import app_icon_pngs
from readinglist.core.database import resolve_library_path
from readinglist.gui.crash_dialog import install_crash_handler
from readinglist.gui.help_actions import add_help_actions
from readinglist.gui.library_open_dialog import open_library
from readinglist.gui.main_window import MainWindow
from readinglist.gui.settings import Settings
from readinglist.gui.single_instance import SingleInstanceServer, bring_to_front, hand_off_or_listen
from readinglist.gui.smoke import run_smoke_test
from readinglist.gui.welcome import install_welcome
from readinglist.logs import setup_logging
from readinglist.recovery import ReadOnlyLibrary


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = (
        QColor(0x1E, 0x1E, 0x1E),
        QColor(0x2B, 0x2B, 0x2B),
        QColor(0xE6, 0xE6, 0xE6),
    )
    role = QPalette.ColorRole
    palette.setColor(role.Window, window)
    palette.setColor(role.WindowText, text)
    palette.setColor(role.Base, base)
    palette.setColor(role.AlternateBase, QColor(0x26, 0x26, 0x26))
    palette.setColor(role.Text, text)
    palette.setColor(role.Button, window)
    palette.setColor(role.ButtonText, text)
    palette.setColor(role.ToolTipBase, window)
    palette.setColor(role.ToolTipText, text)
    palette.setColor(role.Highlight, QColor(0x2F, 0x6F, 0xB3))
    palette.setColor(role.HighlightedText, QColor(0xFF, 0xFF, 0xFF))
    palette.setColor(role.Link, QColor(0x6A, 0xB0, 0xF3))
    palette.setColor(role.PlaceholderText, QColor(0x90, 0x90, 0x90))
    return palette


def apply_color_scheme(app: QApplication) -> None:
    """Follow the system's light or dark setting (Fusion draws both well on every platform)."""
    dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("ReadingList")
    app.setOrganizationName("ReadingList")
    app.setStyle("Fusion")
    apply_color_scheme(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: apply_color_scheme(app))
    return app


def app_icon() -> QIcon:
    """The application icon at every size we ship (the window, the task bar, dialogs)."""
    result = QIcon()
    for size, path in app_icon_pngs().items():
        result.addFile(str(path), QSize(size, size))
    return result


def receive_files(window: MainWindow, paths: list[Path]) -> None:
    """Another launch handed over `paths`: come to the front and preview them.

    One preview at a time: when one is open already (two files double-clicked in a row), its
    listings and the new files are shown together in a fresh preview.
    """
    bring_to_front(window)
    earlier = window.importer.preview_dialog
    if not paths:
        if earlier is not None:
            bring_to_front(earlier)
        return
    if earlier is None:
        window.importer.import_paths(paths)
        return
    listings = list(earlier.listings)
    seen = {listing.path for listing in listings}
    earlier.reject()
    window.importer.import_paths([p for p in paths if p not in seen], also=listings)


def main(
    argv: list[str] | None = None,
    library_path: Path | str | None = None,
    files: Sequence[Path] = (),
    smoke_test: bool = False,
) -> int:
    """Open the window on the library (`files`, when given, go to the import preview).

    A second launch on the same library hands its files to the running window and returns 0.
    `smoke_test` shows the window, waits for its first paint and returns (see gui.smoke).
    """
    setup_logging()
    app = create_app(argv)
    app.setWindowIcon(app_icon())
    # Ties the window to packaging/linux/readinglist.desktop (Wayland app id, task bar icon).
    QGuiApplication.setDesktopFileName("readinglist")
    crash_handler = install_crash_handler()
    path = resolve_library_path(library_path)
    instance: SingleInstanceServer | None = None
    if not smoke_test:
        instance = hand_off_or_listen(path, files)
        if instance is None:
            return 0
    library = open_library(path)
    if library is None:
        return 1
    window = MainWindow(library, Settings())
    crash_handler.parent = window
    read_only = isinstance(library, ReadOnlyLibrary)
    if library.path is not None:  # a file's folder and first-run welcome; not a server's
        add_help_actions(window, library.path)
        install_welcome(window, library.path, read_only)
    if read_only:
        window.setWindowTitle(f"{window.windowTitle()} (read-only)")
        window.statusBar().showMessage("Opened read-only: nothing can be changed or imported")

    if instance is not None:
        instance.filesReceived.connect(lambda paths: receive_files(window, paths))
    try:
        if smoke_test:
            return run_smoke_test(app, window)
        window.show()
        if files:
            QTimer.singleShot(0, lambda: window.importer.import_paths(list(files)))
        return app.exec()
    finally:
        if instance is not None:
            instance.close()
            instance.deleteLater()
        library.close()
        crash_handler.uninstall()
