"""An unexpected exception shows a dialog with a copyable report instead of dying silently.

`install_crash_handler()` replaces sys.excepthook (and threading.excepthook): the report is
logged, and a dialog opens in the GUI thread (exceptions from worker threads are relayed there).
Several exceptions in a row add to the open dialog rather than stacking windows.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal, qVersion
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.gui.single_instance import bring_to_front
from readinglist.logs import crash_report, log_dir

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class CrashDialog(QDialog):
    """Says something went wrong, shows the report, and lets the person copy it."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("ReadingList: something went wrong")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(
            "ReadingList ran into an unexpected problem. Your library is safe: changes are saved "
            "as you make them. You can keep working, but if something looks wrong, save your "
            "work and restart.\n\nIf you report this, please include the text below."
        )
        intro.setWordWrap(True)
        self.report_view = QPlainTextEdit(report)
        self.report_view.setObjectName("crashReport")
        self.report_view.setReadOnly(True)
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report_view.setMinimumSize(560, 240)

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setObjectName("copyReport")
        self.copy_button.clicked.connect(self.copy_report)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.log_button = QPushButton("Show log folder")
        self.log_button.clicked.connect(self._show_log_folder)
        buttons.addButton(self.log_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.quit_button = QPushButton("Quit ReadingList")
        self.quit_button.setObjectName("quitApp")
        self.quit_button.clicked.connect(self._quit)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.continue_button = buttons.addButton(
            "Keep working", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setObjectName("keepWorking")
        self.continue_button.setDefault(True)
        self.continue_button.setFocus()
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.report_view)
        layout.addWidget(buttons)

    def report(self) -> str:
        return self.report_view.toPlainText()

    def add_report(self, report: str) -> None:
        self.report_view.appendPlainText("\n" + "-" * 60 + "\n" + report)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy_button.setText("Copied")

    def _show_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    def _quit(self) -> None:
        self.done(QDialog.DialogCode.Rejected)
        app = QApplication.instance()
        if app is not None:
            app.exit(1)


class _Relay(QObject):
    """Carries reports from any thread to the GUI thread (queued signal)."""

    report = Signal(str)


class CrashHandler:
    """The installed hook; `dialog` is the open dialog, if any (tests look at it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.dialog: CrashDialog | None = None
        self.previous_hook: ExceptHook = sys.excepthook
        self.previous_thread_hook = threading.excepthook
        self._relay = _Relay()
        self._relay.report.connect(self.show_report, Qt.ConnectionType.QueuedConnection)

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous_hook(exc_type, exc, tb)
            return
        report = crash_report(exc_type, exc, tb, extra={"qt": qVersion()})
        log.error("unexpected exception\n%s", report)
        if QApplication.instance() is None:
            self.previous_hook(exc_type, exc, tb)
            return
        if threading.current_thread() is threading.main_thread():
            self.show_report(report)
        else:
            self._relay.report.emit(report)

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self(args.exc_type, args.exc_value, args.exc_traceback)

    def show_report(self, report: str) -> None:
        if self.dialog is not None:
            self.dialog.add_report(report)
            bring_to_front(self.dialog)
            return
        dialog = CrashDialog(report, self.parent)
        dialog.destroyed.connect(self._forget_dialog)
        dialog.finished.connect(self._forget_dialog)
        self.dialog = dialog
        bring_to_front(dialog)

    def _forget_dialog(self) -> None:
        self.dialog = None

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous_hook
        if threading.excepthook == self.thread_hook:
            threading.excepthook = self.previous_thread_hook


def install_crash_handler(parent: QWidget | None = None) -> CrashHandler:
    """Route unexpected exceptions to the log and a dialog; returns the handler to uninstall."""
    handler = CrashHandler(parent)
    sys.excepthook = handler
    threading.excepthook = handler.thread_hook
    return handler
