"""Dialogs open at a comfortable size, but never larger than the screen they open on."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """Resize `dialog` to width×height, or to the screen's free area when that is smaller
    (an 800×600 screen still shows the buttons)."""
    parent = dialog.parentWidget()
    screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
    free = screen.availableGeometry()
    dialog.resize(min(width, free.width()), min(height, free.height()))
