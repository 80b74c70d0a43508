"""Help ▸ About: the version and where the library lives."""

from __future__ import annotations

import html
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget


def app_version() -> str:
    try:
        return version("readinglist")
    except PackageNotFoundError:
        return "unknown"


class AboutDialog(QMessageBox):
    def __init__(self, library_path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ReadingList")
        self.setText(f"<h3>ReadingList {html.escape(app_version())}</h3>")
        self.setInformativeText(
            "A fast, exact local library of research papers imported from saved listing "
            f"pages.<br><br>Library: <code>{html.escape(str(library_path))}</code>"
        )
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
