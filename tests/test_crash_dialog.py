"""Unexpected exceptions open a dialog with a copyable report (pytest-qt)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from readinglist.gui.crash_dialog import CrashDialog, CrashHandler, install_crash_handler


@pytest.fixture
def handler(qtbot: QtBot) -> Iterator[CrashHandler]:
    installed = install_crash_handler()
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()


def raise_and_report(message: str) -> None:
    try:
        raise ValueError(message)
    except ValueError:
        sys.excepthook(*sys.exc_info())


def test_exception_opens_the_dialog_with_the_report(
    qtbot: QtBot, handler: CrashHandler, caplog: pytest.LogCaptureFixture
) -> None:
    assert sys.excepthook is handler
    raise_and_report("the first surprise")
    dialog = handler.dialog
    assert isinstance(dialog, CrashDialog)
    qtbot.waitExposed(dialog)
    report = dialog.report()
    assert "ValueError: the first surprise" in report
    assert "Traceback (most recent call last)" in report
    assert "qt: 6." in report
    assert "the first surprise" in caplog.text  # logged too
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report
    assert dialog.copy_button.text() == "Copied"


def test_more_exceptions_add_to_the_open_dialog(qtbot: QtBot, handler: CrashHandler) -> None:
    raise_and_report("one")
    first = handler.dialog
    raise_and_report("two")
    assert handler.dialog is first
    assert first is not None
    assert "ValueError: one" in first.report() and "ValueError: two" in first.report()
    qtbot.mouseClick(first.continue_button, Qt.MouseButton.LeftButton)
    assert not first.isVisible()
    qtbot.waitUntil(lambda: handler.dialog is None)
    raise_and_report("three")
    assert handler.dialog is not None and handler.dialog is not first
    assert "ValueError: one" not in handler.dialog.report()


def test_exception_in_a_worker_thread_reaches_the_window(
    qtbot: QtBot, handler: CrashHandler
) -> None:
    def work() -> None:
        raise RuntimeError("failed in the background")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: handler.dialog is not None)
    assert handler.dialog is not None
    assert "RuntimeError: failed in the background" in handler.dialog.report()


def test_uninstall_restores_the_previous_hooks(qtbot: QtBot) -> None:
    before, before_thread = sys.excepthook, threading.excepthook
    installed = install_crash_handler()
    assert threading.excepthook == installed.thread_hook
    installed.uninstall()
    assert sys.excepthook is before
    assert threading.excepthook is before_thread
