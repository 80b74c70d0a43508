"""The paper table view: fixed row height, a header menu to choose columns, papers draggable."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from readinglist.gui.models.paper_table import (
    ADDED,
    COLUMN_COUNT,
    HEADERS,
    PAPER_ID_ROLE,
    TITLE,
    PaperTableModel,
)

_DEFAULT_WIDTHS = {TITLE: 420, ADDED: 130}


class PaperTableView(QTableView):
    paste_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.hide()
        # Fixed heights: the view never measures 100,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)

    def setModel(self, model: PaperTableModel) -> None:  # type: ignore[override]
        super().setModel(model)
        for column, width in _DEFAULT_WIDTHS.items():
            self.setColumnWidth(column, width)

    def paper_model(self) -> PaperTableModel:
        model = self.model()
        assert isinstance(model, PaperTableModel)
        return model

    def selected_ids(self) -> list[int]:
        selection = self.selectionModel()
        rows = sorted(index.row() for index in selection.selectedRows())
        model = self.paper_model()
        return [model.paper_id(row) for row in rows]

    def current_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        value = index.data(PAPER_ID_ROLE)
        return int(value) if value is not None else None

    def _header_menu(self, position: QPoint) -> None:
        header = self.horizontalHeader()
        menu = QMenu(self)
        for column in range(COLUMN_COUNT):
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # The title column stays: a table of papers without titles helps nobody.
            action.setEnabled(column != TITLE)
            action.toggled.connect(
                lambda checked, c=column: header.setSectionHidden(c, not checked)
            )
        menu.exec(header.mapToGlobal(position))
