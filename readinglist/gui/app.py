"""Starts the window: `readinglist` with no command, `python -m readinglist.gui`, or the script."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.gui.main_window import MainWindow
from readinglist.gui.settings import Settings


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


def main(argv: list[str] | None = None, library_path: Path | None = None) -> int:
    app = create_app(argv)
    try:
        library = Library.open(library_path)
    except UserError as exc:
        print(f"readinglist: {exc}", file=sys.stderr)
        return 1
    window = MainWindow(library, Settings())
    window.show()
    code = app.exec()
    library.close()
    return code
