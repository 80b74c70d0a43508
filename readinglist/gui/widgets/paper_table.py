"""The paper table view: fixed row height, a header menu to choose columns, papers draggable."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from readinglist.gui.models.paper_table import (
    ADDED,
    COLUMN_COUNT,
    HEADERS,
    PAPER_ID_ROLE,
    TITLE,
    PaperTableModel,
)

_DEFAULT_WIDTHS = {TITLE: 360, ADDED: 130}
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


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
        # The header reads its titles from a model of its own, with no rows. On the table's
        # model, every header paint after Ctrl+A asked whether each column is wholly selected
        # (QItemSelectionModel::isColumnSelected), one Python call per row and column: a
        # second at 30,000 rows. The header needs the titles only.
        titles = QStandardItemModel(0, COLUMN_COUNT, self)
        for column in range(COLUMN_COUNT):
            item = QStandardItem(HEADERS[column])
            item.setToolTip(model.headerData(column, Qt.Orientation.Horizontal, _TOOLTIP))
            titles.setHorizontalHeaderItem(column, item)
        self.horizontalHeader().setModel(titles)
        for column, width in _DEFAULT_WIDTHS.items():
            self.setColumnWidth(column, width)

    def paper_model(self) -> PaperTableModel:
        model = self.model()
        assert isinstance(model, PaperTableModel)
        return model

    def selected_ids(self) -> list[int]:
        """The selected papers in table order, read from the selection's ranges (Ctrl+A on
        100,000 rows is one range; asking Qt for every selected index took seconds)."""
        rows: set[int] = set()
        selection = self.selectionModel().selection()
        for number in range(selection.count()):
            span = selection.at(number)
            rows.update(range(span.top(), span.bottom() + 1))
        ids = self.paper_model().ids
        return [ids[row] for row in sorted(rows) if row < len(ids)]

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
