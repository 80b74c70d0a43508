"""The sidebar tree; papers dragged from the table onto a reading list are added to it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from readinglist.gui.models.paper_table import PAPER_IDS_MIME, paper_ids_from_mime
from readinglist.gui.models.sidebar import COUNT, ENTRY_NAME_ROLE, KEY_ROLE, KIND_ROLE, NAME


class SidebarView(QTreeView):
    papers_dropped = Signal(str, list)  # list name, paper ids
    key_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # File names keep their start and extension: "arxiv-list…2026-10.html".
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Narrow, but never so narrow that the names go: a group's title and a count show.
        metrics = self.fontMetrics()
        self.setMinimumWidth(
            metrics.horizontalAdvance("Reading lists") + metrics.horizontalAdvance("99,999") + 64
        )

    def configure_columns(self) -> None:
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COUNT, QHeaderView.ResizeMode.ResizeToContents)

    def current_key(self) -> str | None:
        index = self.currentIndex()
        value = index.data(KEY_ROLE) if index.isValid() else None
        return str(value) if value is not None else None

    def _list_at(self, event: QDropEvent | QDragMoveEvent) -> QModelIndex | None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(KIND_ROLE) == "list":
            return index.siblingAtColumn(NAME)
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(PAPER_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()  # files go on to the window, which imports them

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(PAPER_IDS_MIME) and self._list_at(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        target = self._list_at(event)
        ids = paper_ids_from_mime(event.mimeData())
        if target is None or not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        self.papers_dropped.emit(str(target.data(ENTRY_NAME_ROLE)), ids)
