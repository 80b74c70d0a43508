"""Starts the window (placeholder until the main window lands)."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None, library_path: Path | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(argv or sys.argv)
    label = QLabel(f"ReadingList — {library_path.name if library_path else ''}")
    label.show()
    return app.exec()
