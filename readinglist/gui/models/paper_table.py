"""The main table: the ids of the papers the current search found, and rows fetched on demand.

The library filters and sorts in SQLite; this model keeps only the resulting list of ids and a
cache of the rows the view has asked for, fetched a block at a time. A new search or sort resets
the model and empties the cache. There is no proxy model: at 100,000 papers one would have to
hold every row in memory and sort it in Python.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from readinglist.core.library import Library
from readinglist.core.query import SortSpec, parse_query
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.core.texttools import latex_to_text
from readinglist.gui.format import added_text, authors_text, published_text, rating_text

TITLE = 0
PUBLISHED = 1
AUTHORS = 2
ORGANIZATION = 3
COMMENTS = 4
UPVOTES = 5
STATUS = 6
RATING = 7
TAGS = 8
ADDED = 9
COLUMN_COUNT = 10

HEADERS = (
    "Title",
    "Published",
    "Authors",
    "Organization",
    "Comments",
    "Upvotes",
    "Status",
    "Rating",
    "Tags",
    "Added",
)
# The core's sort field for each column (see core/search.py SORT_COLUMNS).
SORT_FIELDS = (
    "title",
    "published",
    "authors",
    "org",
    "comments",
    "upvotes",
    "status",
    "rating",
    "tags",
    "added",
)
_NUMERIC = {COMMENTS, UPVOTES}

PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2

PAPER_IDS_MIME = "application/x-readinglist-paper-ids"

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: a table has no children

# Rows fetched in one query when the view asks for one we do not have: about a screenful,
# starting a little above, so scrolling either way mostly hits the cache.
_BLOCK = 80
_BLOCK_BEFORE = 16
_CACHE_LIMIT = 5000


def paper_ids_from_mime(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(PAPER_IDS_MIME):
        return []
    try:
        values = json.loads(bytes(mime.data(PAPER_IDS_MIME).data()).decode())
        return [int(v) for v in values]
    except (ValueError, TypeError):
        return []


class PaperTableModel(QAbstractTableModel):
    searched = Signal(int)  # the number of papers found

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids: list[int] = []
        self._rows: dict[int, PaperRecord] = {}
        self._query = ""
        self._scope: str | None = None
        self.sort_column = ADDED
        self.sort_descending = True
        self._bold = QFont()
        self._bold.setBold(True)

    # ---------------------------------------------------------------- searching
    @property
    def query(self) -> str:
        return self._query

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    def sort_spec(self) -> SortSpec:
        return SortSpec(SORT_FIELDS[self.sort_column], self.sort_descending)

    def search(self, query: str, scope_sql: str | None = None) -> None:
        """Show the papers matching `query`; a QueryError leaves the model as it was."""
        parsed = parse_query(query)
        # A query's own sort: wins over the header, as the query language promises.
        ids = self.library.search_ids(
            parsed, None if parsed.sort else self.sort_spec(), scope_sql=scope_sql
        )
        self._query = query
        self._scope = scope_sql
        self._reset(ids)

    def refresh(self) -> None:
        """Run the current search again (after an import, a delete, an undo)."""
        self.search(self._query, self._scope)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            return
        self.sort_column = column
        self.sort_descending = order == Qt.SortOrder.DescendingOrder
        parsed = parse_query(self._query)
        ids = self.library.search_ids(
            parsed, None if parsed.sort else self.sort_spec(), scope_sql=self._scope
        )
        self.layoutAboutToBeChanged.emit()
        # Keep the selection on the same papers: persistent indexes follow their ids.
        old = self.persistentIndexList()
        old_ids = [self._ids[i.row()] if i.isValid() else None for i in old]
        self._ids = ids
        self._rows.clear()
        position = {paper_id: row for row, paper_id in enumerate(ids)} if old else {}
        new = [
            self.index(position[pid], i.column())
            if pid is not None and pid in position
            else QModelIndex()
            for pid, i in zip(old_ids, old, strict=True)
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
        self.searched.emit(len(ids))

    def _reset(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows.clear()
        self.endResetModel()
        self.searched.emit(len(ids))

    # ---------------------------------------------------------------- rows
    def paper_id(self, row: int) -> int:
        return self._ids[row]

    def rows_of(self, ids: Sequence[int]) -> list[int]:
        wanted = set(ids)
        return [row for row, paper_id in enumerate(self._ids) if paper_id in wanted]

    def record(self, row: int) -> PaperRecord | None:
        if not 0 <= row < len(self._ids):
            return None
        paper_id = self._ids[row]
        cached = self._rows.get(paper_id)
        if cached is not None:
            return cached
        if len(self._rows) > _CACHE_LIMIT:
            self._rows.clear()
        start = max(0, row - _BLOCK_BEFORE)
        block = [i for i in self._ids[start : start + _BLOCK] if i not in self._rows]
        for fetched in self.library.get_many(block, relations=False):
            self._rows[fetched.id] = fetched
        return self._rows.get(paper_id)

    def forget(self, ids: Sequence[int]) -> None:
        """Drop cached rows of papers that changed and repaint them."""
        for paper_id in ids:
            self._rows.pop(paper_id, None)
        for row in self.rows_of(ids):
            self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))

    # ---------------------------------------------------------------- Qt model
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < COLUMN_COUNT:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {HEADERS[section].lower()}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == PAPER_ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            RECORD_ROLE,
        ):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        record = self.record(index.row())
        if record is None:
            return None
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if record.status is ReadingStatus.UNREAD else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TITLE:
                return latex_to_text(record.title)
            if column == AUTHORS and record.authors:
                return ", ".join(record.authors)
            return None
        return _display(record, column)

    # ---------------------------------------------------------------- dragging papers
    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(PAPER_IDS_MIME, json.dumps([self._ids[r] for r in rows]).encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def _display(record: PaperRecord, column: int) -> str | int | None:
    if column == TITLE:
        return latex_to_text(record.title)
    if column == PUBLISHED:
        return published_text(record)
    if column == AUTHORS:
        return authors_text(record)
    if column == ORGANIZATION:
        return record.organization or ""
    if column == COMMENTS:
        return record.comments if record.comments is not None else ""
    if column == UPVOTES:
        return record.upvotes if record.upvotes is not None else ""
    if column == STATUS:
        return record.status.value.capitalize()
    if column == RATING:
        return rating_text(record.rating)
    if column == TAGS:
        return ", ".join(record.tags)
    if column == ADDED:
        return added_text(record.added_at)
    return None
