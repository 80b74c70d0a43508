"""The import preview's rows: each parsed paper and what importing it would do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class PreviewRow:
    file_name: str
    line: int
    title: str
    marker: str
    detail: str = ""


def rows_from_summary(summary: ImportSummary) -> list[PreviewRow]:
    duplicates = {d.line: d for d in summary.possible_duplicates}
    rows = []
    for entry in summary.entries:
        marker = "new" if entry.outcome is Outcome.NEW else "present"
        detail = ""
        if entry.outcome is Outcome.ENRICHED:
            detail = "already in the library; this page adds details it lacked"
        elif entry.outcome is Outcome.PRESENT:
            detail = "already in the library"
        duplicate = duplicates.get(entry.line)
        if marker == "new" and duplicate is not None:
            marker = "duplicate"
            detail = f"new, but nearly the same title as “{duplicate.other_title}”"
        rows.append(PreviewRow(summary.file_name, entry.line, entry.title, marker, detail))
    return rows


class ImportPreviewModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []

    def set_rows(self, rows: Sequence[PreviewRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

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
                return row.line
            if column == FILE:
                return row.file_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.detail or None
        if role == Qt.ItemDataRole.ForegroundRole and column == MARKER:
            return QBrush(QColor(_COLORS[row.marker]))
        return None
