"""--smoke-test: show a window, wait for its first paint, exit 0."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from readinglist.gui.smoke import run_smoke_test


def test_smoke_test_returns_after_the_first_paint(qtbot: QtBot, qapp: QApplication) -> None:
    window = QMainWindow()
    window.setWindowTitle("Smoke")
    window.setCentralWidget(QLabel("hello"))
    qtbot.addWidget(window)
    assert run_smoke_test(qapp, window, timeout_ms=10_000) == 0
    assert not window.isVisible()
