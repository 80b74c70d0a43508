"""The status bar's report of background work: what runs, how far it is, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from readinglist.gui.icons import icon
from readinglist.gui.worker import Task


class TaskProgress(QWidget):
    """Follows one task at a time: its label, a progress bar (busy until the task reports a
    total) and a Cancel button that asks the task to stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(icon("mdi6.cancel"), "Cancel")
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._task: Task | None = None
        # Work that ends within a blink shows nothing, so a single key press does not flicker.
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.timeout.connect(self.show)
        self.hide()

    @property
    def task(self) -> Task | None:
        return self._task

    def follow(self, task: Task, text: str, cancel_tip: str, *, delay_ms: int = 0) -> None:
        """Show `task`'s progress (after `delay_ms`) until it finishes. Connect before start."""
        self._task = task
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setToolTip(cancel_tip)
        task.progress.connect(self._progress)
        task.stage.connect(self._stage)
        task.finished.connect(self._finished)
        if delay_ms:
            self._reveal.start(delay_ms)
        else:
            self.show()

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")

    def _progress(self, done: int, total: int) -> None:
        if self.sender() is not self._task:
            return
        self.bar.setRange(0, max(total, 0))  # 0 to 0: busy, for work of unknown length
        self.bar.setValue(done)

    def _stage(self, text: str) -> None:
        if self.sender() is self._task and self.cancel_button.isEnabled():
            self.label.setText(text)

    def _finished(self) -> None:
        if self.sender() is not self._task:
            return
        self._task = None
        self._reveal.stop()
        self.hide()
