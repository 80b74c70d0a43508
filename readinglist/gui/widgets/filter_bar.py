"""The filter bar: the query language, applied as you type, with the count or the error beside it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from readinglist.gui.icons import icon
from readinglist.gui.widgets.elided_label import ElidedLabel

DEBOUNCE_MS = 150

_HELP = (
    'Search the library. Words match by prefix; "a phrase"; -word excludes;\n'
    "a OR b; title:, abstract:, notes:, tag:, list:, status:, org:, source:, arxiv:\n"
    "year:>=2024  upvotes:>50  comments:>0  has:code  sort:-upvotes\n"
    "Esc clears."
)


class QueryEdit(QLineEdit):
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    query_changed = Signal(str)  # debounced; also emitted at once on Enter
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QueryEdit()
        self.edit.setPlaceholderText("Filter: words, tag:…, year:>=2024, sort:-upvotes  (Ctrl+F)")
        self.edit.setToolTip(_HELP)
        self.edit.setClearButtonEnabled(True)
        self.edit.addAction(icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.edit.textChanged.connect(self._typed)
        self.edit.returnPressed.connect(self.apply_now)
        self.edit.escaped.connect(self.clear)
        # The bar works from a narrow window up: the field keeps room for a query, the
        # count for "99,999+ of 100,000", and an error gets what is left, elided (its tooltip
        # and Help ▸ Query Syntax have it whole), never widening the window.
        self.edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 10)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("999 of 9,999"))
        self.error_label = ElidedLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.apply_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 2)
        layout.addWidget(self.error_label, 1)
        layout.addWidget(self.count_label)

    def text(self) -> str:
        return self.edit.text()

    @staticmethod
    def help_text() -> str:
        return _HELP

    def set_text(self, text: str, apply: bool = True) -> None:
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)
        if apply:
            self.apply_now()

    def _typed(self) -> None:
        self._timer.start()

    def apply_now(self) -> None:
        self._timer.stop()
        self.query_changed.emit(self.edit.text())

    def clear(self) -> None:
        if self.edit.text():
            self.edit.clear()
            self.apply_now()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def clear_error(self) -> None:
        """The query is good again (the count of an earlier search arriving late is not)."""
        self.error_label.hide()
        self.edit.setStyleSheet("")
        self.edit.setToolTip(_HELP)

    def show_count(self, count: int, total: int, complete: bool = True) -> None:
        if not complete:
            # The first rows are shown; the rest of the list is still being read.
            self.count_label.setText(f"{count:,}+ of {total:,}")
            return
        noun = "paper" if count == 1 else "papers"
        self.count_label.setText(
            f"{count:,} {noun}" if count == total else f"{count:,} of {total:,}"
        )

    def show_error(self, message: str) -> None:
        """A malformed query: say what is wrong beside the bar; the table keeps its rows."""
        self.error_label.setText(message)
        self.error_label.show()
        self.edit.setToolTip(message)  # also over the field, where the eyes are
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #c62828; }")
