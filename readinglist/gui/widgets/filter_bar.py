"""The filter bar: the query language, applied on every keystroke, with the count or the error
beside it. The table runs each query in the background; a newer keystroke supersedes an older
query (see PaperTableModel)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from readinglist.gui.icons import icon

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
    query_changed = Signal(str)  # on every keystroke, and on Enter
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QueryEdit()
        self.edit.setPlaceholderText("Filter: words, tag:…, year:>=2024, sort:-upvotes  (Ctrl+F)")
        self.edit.setToolTip(_HELP)
        self.edit.setClearButtonEnabled(True)
        self.edit.addAction(icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.edit.textChanged.connect(self.apply_now)
        self.edit.returnPressed.connect(self.apply_now)
        self.edit.escaped.connect(self.clear)
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(110)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(False)
        self.error_label.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.count_label)

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str, apply: bool = True) -> None:
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)
        if apply:
            self.apply_now()

    def apply_now(self) -> None:
        self.query_changed.emit(self.edit.text())

    def clear(self) -> None:
        if self.edit.text():
            self.edit.clear()  # textChanged applies it

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def show_count(self, count: int, total: int, complete: bool = True) -> None:
        if not self.error_label.isHidden():
            # Only when an error was shown: a style sheet change restyles the whole bar.
            self.error_label.hide()
            self.edit.setStyleSheet("")
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
        self.error_label.setToolTip(message)
        self.error_label.show()
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #c62828; }")
