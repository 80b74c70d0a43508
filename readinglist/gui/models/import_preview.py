"""The import preview's rows: each parsed paper and what importing it would do."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from readinglist.core.summary import ImportSummary, Outcome
from readinglist.core.texttools import latex_to_text

MARKER = 0
TITLE = 1
LINE = 2
FILE = 3
COLUMN_COUNT = 4
HEADERS = ("", "Title", "Line", "File")

MARKER_ROLE = Qt.ItemDataRole.UserRole + 1  # "new", "present", "duplicate"

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: a table has no children

_LABELS = {"new": "New", "present": "In library", "duplicate": "Possible duplicate"}
_COLORS = {"new": "#2e7d32", "present": "#757575", "duplicate": "#e65100"}


# Sorting by the marker puts what needs a look first.
_MARKER_RANK = {"duplicate": 0, "new": 1, "present": 2}


class PreviewRow(NamedTuple):
    """One row of the preview. A tuple, not a frozen dataclass: 30,000 of them are made in the
    background, and a frozen dataclass took 3 µs each, holding the GIL the window paints with."""

    file_name: str
    line: int
    title: str
    marker: str
    detail: str = ""
    column: int | None = None  # where known: entries of a one-line HTML page share a line
    order: int = 0  # the row's place in the files as dropped (the unsorted order)


def rows_from_summary(
    summary: ImportSummary, columns: Sequence[int | None] = (), first_order: int = 0
) -> list[PreviewRow]:
    """The preview's rows; `columns` are the parsed entries' columns, in the entries' order."""
    # Keyed by line and title: entries of a one-line page share their line.
    duplicates = {(d.line, d.title): d for d in summary.possible_duplicates}
    rows = []
    for number, entry in enumerate(summary.entries):
        marker = "new" if entry.outcome is Outcome.NEW else "present"
        detail = ""
        if entry.outcome is Outcome.ENRICHED:
            detail = "already in the library; this page adds details it lacked"
        elif entry.outcome is Outcome.PRESENT:
            detail = "already in the library"
        duplicate = duplicates.get((entry.line, entry.title))
        if marker == "new" and duplicate is not None:
            marker = "duplicate"
            detail = f"new, but nearly the same title as “{duplicate.other_title}”"
        column = columns[number] if number < len(columns) else None
        rows.append(
            PreviewRow(
                summary.file_name,
                entry.line,
                entry.title,
                marker,
                detail,
                column,
                first_order + number,
            )
        )
    return rows


def shared_lines(rows: Sequence[PreviewRow]) -> set[tuple[str, int]]:
    """The (file, line) places that hold several entries (a one-line HTML page's cards)."""
    per_line = Counter((row.file_name, row.line) for row in rows)
    return {key for key, count in per_line.items() if count > 1}


def _line_text(row: PreviewRow, shared: bool) -> str:
    """ "12", or "89:3,643" (line:column) when several entries sit on that line."""
    if shared and row.column is not None:
        return f"{row.line}:{row.column:,}"
    return str(row.line)


class ImportPreviewModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._shared_lines: set[tuple[str, int]] = set()
        self._sort: tuple[int, bool] | None = None  # column, descending; None: page order

    def set_rows(
        self, rows: Sequence[PreviewRow], shared: set[tuple[str, int]] | None = None
    ) -> None:
        """Show `rows`, given in page order; `shared` is shared_lines(rows), if worked out in
        the background already (30,000 rows took the GUI thread 20 ms to count and sort)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._shared_lines = shared_lines(rows) if shared is None else shared
        if self._sort is not None:
            self._sort_rows()
        self.endResetModel()

    def row(self, row: int) -> PreviewRow:
        return self._rows[row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            return
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows()
        self.layoutChanged.emit()

    def _sort_rows(self) -> None:
        if self._sort is None:
            self._rows.sort(key=lambda row: row.order)
            return
        column, descending = self._sort
        # Page order breaks ties, so sorting by the marker keeps each group in page order.
        self._rows.sort(key=lambda row: row.order)
        key: Callable[[PreviewRow], Any]
        if column == MARKER:
            key = lambda row: _MARKER_RANK[row.marker]  # noqa: E731
        elif column == TITLE:
            key = lambda row: latex_to_text(row.title).casefold()  # noqa: E731
        elif column == FILE:
            key = lambda row: row.file_name.casefold()  # noqa: E731
        else:
            key = lambda row: (row.file_name, row.line, row.column or 0)  # noqa: E731
        self._rows.sort(key=key, reverse=descending)

    def count(self, marker: str) -> int:
        return sum(1 for row in self._rows if row.marker == marker)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < COLUMN_COUNT
        ):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == MARKER_ROLE:
            return row.marker
        if role == Qt.ItemDataRole.DisplayRole:
            if column == MARKER:
                return _LABELS[row.marker]
            if column == TITLE:
                return latex_to_text(row.title)
            if column == LINE:
                return _line_text(row, (row.file_name, row.line) in self._shared_lines)
            if column == FILE:
                return row.file_name
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == LINE and row.column is not None:
                return f"line {row.line}, column {row.column:,} of {row.file_name}"
            if column == FILE:
                return row.file_name
            return row.detail or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LINE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column == MARKER:
            return QBrush(QColor(_COLORS[row.marker]))
        return None
