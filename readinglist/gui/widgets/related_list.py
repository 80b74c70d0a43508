"""A list of related papers: title, date and the words they share, best first.

Used twice: under the reading pane ("More like this") and as the "Suggested" view of a reading
list. Clicking a paper (or Enter) asks for it to be shown; in the suggestions, A adds the
chosen papers to the list, and they can be dragged onto any reading list in the sidebar.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readinglist.gui.models.paper_table import PAPER_IDS_MIME

PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class RelatedItem:
    paper_id: int
    title: str
    date: str  # as the table shows it; "" when unknown
    words: tuple[str, ...]


class _PaperList(QListWidget):
    """Rows of papers that drag out as paper ids, like the table's rows."""

    add_pressed = Signal()

    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        mime = QMimeData()
        ids = [int(item.data(PAPER_ID_ROLE)) for item in items]
        mime.setData(PAPER_IDS_MIME, json.dumps(ids).encode())
        return mime

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_A, Qt.Key.Key_Insert) and not event.modifiers():
            self.add_pressed.emit()
            return
        super().keyPressEvent(event)


class RelatedList(QWidget):
    paper_chosen = Signal(int)  # clicked, or Enter
    add_requested = Signal(list)  # list[int]: A (or Insert) on the chosen papers

    def __init__(self, title: str, *, can_add: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.can_add = can_add
        self.heading = QLabel(title)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #808080;")
        self.papers = _PaperList()
        self.papers.setWordWrap(True)
        self.papers.setAlternatingRowColors(True)
        self.papers.setDragEnabled(True)
        self.papers.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.papers.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.papers.itemClicked.connect(self._clicked)
        self.papers.itemActivated.connect(self._clicked)
        self.papers.add_pressed.connect(self._add_pressed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addWidget(self.papers, 1)
        self.show_status("")

    def show_status(self, text: str) -> None:
        """A line above the papers (what is going on, or why there are none)."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def set_heading(self, text: str) -> None:
        self.heading.setText(text)

    def show_items(self, items: Sequence[RelatedItem]) -> None:
        self.papers.clear()
        for related in items:
            reason = f"shares: {', '.join(related.words)}" if related.words else ""
            second = " · ".join(part for part in (related.date, reason) if part)
            item = QListWidgetItem(f"{related.title}\n{second}" if second else related.title)
            item.setData(PAPER_ID_ROLE, related.paper_id)
            item.setToolTip(
                related.title
                + ("\nA: add to the list; or drag it onto a list" if self.can_add else "")
            )
            self.papers.addItem(item)

    def paper_ids(self) -> list[int]:
        return [
            int(self.papers.item(row).data(PAPER_ID_ROLE)) for row in range(self.papers.count())
        ]

    def remove(self, ids: Sequence[int]) -> None:
        wanted = set(ids)
        for row in reversed(range(self.papers.count())):
            if int(self.papers.item(row).data(PAPER_ID_ROLE)) in wanted:
                self.papers.takeItem(row)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.paper_chosen.emit(int(item.data(PAPER_ID_ROLE)))

    def _add_pressed(self) -> None:
        ids = [int(item.data(PAPER_ID_ROLE)) for item in self.papers.selectedItems()]
        if self.can_add and ids:
            self.add_requested.emit(ids)
