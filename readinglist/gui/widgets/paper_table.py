"""The paper table view: fixed row height, a header menu to choose columns, papers draggable.

In a reading list's view (its own order) rows can also be dragged within the table to reorder
the list; the view only says where they were dropped (`reorder_requested`), the window's edit
controller turns that into an undoable command.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from readinglist.gui.models.paper_table import (
    ADDED,
    COLUMN_COUNT,
    HEADERS,
    PAPER_ID_ROLE,
    PAPER_IDS_MIME,
    READ_BY,
    SORTABLE_COLUMNS,
    TITLE,
    PaperTableModel,
    paper_ids_from_mime,
)
from readinglist.gui.widgets.paper_cells import PaperCellDelegate

_DEFAULT_WIDTHS = {TITLE: 360, ADDED: 130}
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


class PaperTableView(QTableView):
    paste_requested = Signal()
    # Papers dragged within a reading list's view: their ids, and the row they go before
    # (the row count: after the last).
    reorder_requested = Signal(list, int)

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
        self.setDropIndicatorShown(False)  # the view paints its own, between rows
        self._reorderable = False
        self._list_order_set = False
        self._drop_row: int | None = None  # where a reordering drag would land

    # ---------------------------------------------------------------- reading list order
    @property
    def reorderable(self) -> bool:
        return self._reorderable

    def set_list_order(self, in_list_order: bool) -> None:
        """A reading list in its own order: rows can be dragged to reorder it, and the header
        does not sort (its order is the list's). Otherwise the header sorts as usual."""
        if in_list_order == self._reorderable and self._list_order_set:
            return  # every keystroke asks: changing nothing must not repaint the table
        self._list_order_set = True
        self._reorderable = in_list_order
        header = self.horizontalHeader()
        header.setSectionsClickable(not in_list_order)
        header.setSortIndicatorShown(not in_list_order)
        self.setAcceptDrops(in_list_order)
        self.viewport().setAcceptDrops(in_list_order)
        self.setDragDropMode(
            QAbstractItemView.DragDropMode.DragDrop
            if in_list_order
            else QAbstractItemView.DragDropMode.DragOnly
        )

    def _is_reordering(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        return (
            self._reorderable
            and mime.hasFormat(PAPER_IDS_MIME)
            and self.paper_model().dragged_here(mime)
        )

    def _row_for(self, event: QDragMoveEvent | QDropEvent) -> int:
        """The row a drop at this point goes before: the nearer edge of the row under it."""
        y = event.position().toPoint().y()
        row = self.rowAt(y)
        if row < 0:
            return self.paper_model().rowCount() if y > 0 else 0
        middle = self.rowViewportPosition(row) + self.rowHeight(row) // 2
        return row + 1 if y > middle else row

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._is_reordering(event):
            event.acceptProposedAction()
        else:
            event.ignore()  # files go on to the window, which imports them

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._is_reordering(event):
            event.ignore()
            return
        super().dragMoveEvent(event)  # scrolls near the edges
        self._drop_row = self._row_for(event)
        event.acceptProposedAction()
        self.viewport().update()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._drop_row = None
        self.viewport().update()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_row = None
        self.viewport().update()
        if not self._is_reordering(event):
            event.ignore()
            return
        ids = paper_ids_from_mime(event.mimeData())
        # A copy for Qt (it must not remove the dragged rows); a move for the list.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if ids:
            self.reorder_requested.emit(ids, self._row_for(event))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_cells"):
            self._cells.font_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._tell_screen_rows()

    def _tell_screen_rows(self) -> None:
        model = self.model()
        if isinstance(model, PaperTableModel):
            height = max(1, self.verticalHeader().defaultSectionSize())
            # Two rows partly shown; a few dozen at least.
            model.screen_rows = max(self.viewport().height() // height + 2, 24)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        # The first rows of a search are on the screen: the model reads the rest of it now.
        self.paper_model().head_painted()
        if self._drop_row is None:
            return
        # Where the dragged papers will land: a line between two rows.
        rows = self.paper_model().rowCount()
        if self._drop_row < rows:
            y = self.rowViewportPosition(self._drop_row)
        elif rows:
            y = self.rowViewportPosition(rows - 1) + self.rowHeight(rows - 1)
        else:
            y = 0
        painter = QPainter(self.viewport())
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidth(2)
        painter.setPen(pen)
        painter.drawLine(0, max(y, 1), self.viewport().width(), max(y, 1))
        painter.end()

    def setModel(self, model: PaperTableModel) -> None:  # type: ignore[override]
        super().setModel(model)
        self._cells = PaperCellDelegate(model, self)
        self.setItemDelegate(self._cells)
        # Not the screen's rows yet: before the window shows, the viewport has a default size
        # (about 20 rows); the model keeps its own default until the first resize says.
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
        self.horizontalHeader().sortIndicatorChanged.connect(self._keep_sortable)
        self.show_readers_column(model.library.shared)

    def show_readers_column(self, shown: bool) -> None:
        """ "Read by" is a shared library's: a file has one reader, the status says it all."""
        self.setColumnHidden(READ_BY, not shown)
        header = self.horizontalHeader()
        if shown and header.visualIndex(READ_BY) == READ_BY:  # where it was added: last
            # Beside the title, where a narrow table still shows it (a group's first question).
            header.moveSection(READ_BY, header.visualIndex(TITLE) + 1)

    def _keep_sortable(self, column: int, _order: Qt.SortOrder) -> None:
        # "Read by" does not sort: a click on it leaves the indicator where the sort is.
        if column >= SORTABLE_COLUMNS:
            model = self.paper_model()
            order = (
                Qt.SortOrder.DescendingOrder
                if model.sort_descending
                else Qt.SortOrder.AscendingOrder
            )
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(model.sort_column, order)
            header.blockSignals(False)

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
        shared = self.paper_model().library.shared
        for column in range(COLUMN_COUNT if shared else SORTABLE_COLUMNS):
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # The title column stays: a table of papers without titles helps nobody.
            action.setEnabled(column != TITLE)
            action.toggled.connect(
                lambda checked, c=column: header.setSectionHidden(c, not checked)
            )
        menu.exec(header.mapToGlobal(position))
