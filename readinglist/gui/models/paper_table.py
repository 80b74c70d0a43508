"""The main table: the ids of the papers the current search found, and rows fetched on demand.

The library filters and sorts in SQLite; this model keeps only the resulting list of ids and a
cache of the rows the view has asked for, fetched a block at a time. A new search or sort resets
the model and empties the cache. There is no proxy model: at 100,000 papers one would have to
hold every row in memory and sort it in Python.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from readinglist.core.library import Library
from readinglist.core.query import Query, SortSpec, parse_query
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.core.search import sorts_itself
from readinglist.core.texttools import latex_to_text
from readinglist.gui.format import (
    added_text,
    authors_text,
    published_long,
    published_text,
    rating_text,
)
from readinglist.gui.worker import Task

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
READ_BY = 10  # who in the group has read it: shared libraries only, filled in the background
COLUMN_COUNT = 11
SORTABLE_COLUMNS = 10  # the columns before READ_BY

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
    "Read by",
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
    "",  # READ_BY: not sortable
)
NUMERIC_COLUMNS = frozenset({COMMENTS, UPVOTES})  # right-aligned

PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# data() runs for every visible cell on every paint: compare plain ints, not enum members.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_PAPER_ID = int(PAPER_ID_ROLE)
_ALIGN_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value
_ALIGN_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)

PAPER_IDS_MIME = "application/x-readinglist-paper-ids"
# Which table a drag started from (process and model): rows dropped back on the same table
# reorder its reading list; ids from another window or process never do.
DRAG_ORIGIN_MIME = "application/x-readinglist-drag-origin"

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: a table has no children

# Rows fetched in one query when the view asks for one we do not have: about a screenful,
# starting a little above, so scrolling either way mostly hits the cache.
_BLOCK = 60
_BLOCK_BEFORE = 8
_CACHE_LIMIT = 5000
# Up to this many papers are looked up in the id list one by one (see rows_of).
_FEW = 8


def paper_ids_from_mime(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(PAPER_IDS_MIME):
        return []
    try:
        values = json.loads(bytes(mime.data(PAPER_IDS_MIME).data()).decode())
        return [int(v) for v in values]
    except (ValueError, TypeError):
        return []


@dataclass(frozen=True)
class _Row:
    """A fetched paper and its cells, formatted once when fetched, not on every paint."""

    record: PaperRecord
    cells: tuple[str | int, ...]
    unread: bool


def _row(record: PaperRecord) -> _Row:
    cells = tuple(_display(record, column) for column in range(COLUMN_COUNT))
    return _Row(record, cells, record.status is ReadingStatus.UNREAD)


@dataclass(frozen=True)
class _Search:
    generation: int
    query: Query
    sort: SortSpec | None
    scope_sql: str | None
    list_name: str | None = None  # a reading list shown in its own order


@dataclass(frozen=True)
class _Found:
    """What a background search brings back: ids, and the first rows formatted for painting."""

    search: _Search
    kind: str  # "head" (first rows of a new search), "rest" (its whole list), "refresh"
    ids: list[int]
    complete: bool
    rows: list[_Row]
    changed: tuple[int, ...] | None = ()  # None: any paper may have changed
    forgets: int = 0  # the model's forget count when the rows were read (see _refreshed)

    @property
    def generation(self) -> int:
        return self.search.generation


def _list_ids(library: Library, parsed: Query, list_name: str, scope_sql: str | None) -> list[int]:
    """The list's papers that match, in the list's order (the order export and `readinglist
    list show` use). Reading lists are short: read whole, at once."""
    order = library.list_paper_ids(list_name)
    if parsed.where is None:
        return order
    matched = set(library.search_ids(parsed, None, scope_sql=scope_sql))
    return [paper_id for paper_id in order if paper_id in matched]


_Readers = tuple[int, list[int], dict[int, list[str]]]  # generation, papers asked, readers


class PaperTableModel(QAbstractTableModel):
    """Rows are the ids of one search. Every query runs in the background (the GUI thread only
    parses the query text): a search first brings its first HEAD_ROWS ids with the rows a
    screen shows, already formatted, then the whole id list; rows are appended when it lands.
    A newer search supersedes an older one, whose results are dropped when they arrive.

    The whole list is asked for once the view has painted the head (`head_painted`), or after
    REST_AFTER_MS if no view paints: read while the view paints, it held Python's lock in
    the worker and doubled the time from a keystroke to its rows on the screen."""

    searched = Signal(int, bool)  # papers found so far, whether that is all of them
    loaded = Signal()  # the current search's id list is complete
    refreshed = Signal()  # a refresh (after an edit or another process's change) landed

    HEAD_ROWS = 150
    REST_AFTER_MS = 100

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids: list[int] = []
        self._rows: dict[int, _Row] = {}
        self._query = ""
        self._scope: str | None = None
        # The reading list shown, in its own order (None: the order of the sort).
        self._list_name: str | None = None
        self._complete = True
        self._generation = 0
        # Background searches whose results are still to come: their handles stay referenced
        # until they finish (see Task).
        self._tasks: set[Task] = set()
        self.resetting_for_refresh = False
        self.sort_column = ADDED
        self.sort_descending = True
        self._bold = QFont()
        self._bold.setBold(True)
        self._row_of: dict[int, int] | None = None  # paper id -> row, built when first asked
        # A shared library's "Read by" cells: members by paper, read in the background for
        # the rows painted (a paper asked for is in _readers_wanted until its answer lands).
        self._readers: dict[int, str] = {}
        self._readers_wanted: set[int] = set()
        self._readers_asked: set[int] = set()
        self._forgets = 0  # rows dropped since (a refresh's rows read before are stale)
        self._readers_generation = 0  # a change elsewhere drops answers read before it
        self._reader_tasks: set[Task] = set()
        # A search whose head is shown and whose whole id list is still to be asked for.
        self._rest_due: _Search | None = None
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(self.REST_AFTER_MS)
        self._rest_timer.timeout.connect(self.head_painted)
        # How many rows the view shows at once (it says when resized): a new search's first
        # rows arrive with exactly that many formatted, as few as a keystroke needs.
        self.screen_rows = _BLOCK

    # ---------------------------------------------------------------- searching
    @property
    def query(self) -> str:
        return self._query

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    @property
    def complete(self) -> bool:
        """Whether the table shows the whole result of the latest search or refresh."""
        return self._complete

    @property
    def list_name(self) -> str | None:
        """The reading list whose papers the table shows in the list's own order, if any."""
        return self._list_name

    def all_ids(self) -> list[int]:
        """The current search's whole id list in the table's order, even while the background
        query is still delivering it (then the search runs again here, whole)."""
        if self._complete:
            return list(self._ids)
        parsed = parse_query(self._query)
        if self._list_name is not None:
            return _list_ids(self.library, parsed, self._list_name, self._scope)
        spec = None if sorts_itself(parsed) else self.sort_spec()
        return self.library.search_ids(parsed, spec, scope_sql=self._scope)

    def sort_spec(self) -> SortSpec:
        return SortSpec(SORT_FIELDS[self.sort_column], self.sort_descending)

    def search(
        self, query: str, scope_sql: str | None = None, *, list_name: str | None = None
    ) -> None:
        """Show the papers matching `query`; a QueryError (raised here, at once) leaves the
        model as it was. The rows arrive from the background; `loaded` says when all did.

        With `list_name` (and no sort: in the query) the papers come in that reading list's
        own order."""
        parsed = parse_query(query)
        # A query's own sort: wins over the header, as the query language promises.
        spec = None if sorts_itself(parsed) else self.sort_spec()
        self._generation += 1
        self._query = query
        self._scope = scope_sql
        self._list_name = list_name if not sorts_itself(parsed) else None
        self._complete = False
        search = _Search(self._generation, parsed, spec, scope_sql, self._list_name)
        self._start(search, "head")

    def refresh(self, changed: Sequence[int] | None = (), *, shown: Sequence[int] = ()) -> None:
        """Run the current search again, whole, in the background, after the papers `changed`
        changed (an edit, an import); None: any paper may have (another process wrote).

        When the same papers come back in the same order only their rows are repainted, so
        the view keeps its scroll position and selection; otherwise the window keeps them
        across the reset (`resetting_for_refresh`). The rows `shown` (the papers on screen)
        are read again with the search, so repainting them asks nothing of the library here:
        on a shared library, another member's change costs the window no network wait."""
        for paper_id in changed or ():
            self._rows.pop(paper_id, None)
            self._readers.pop(paper_id, None)
        if changed is None:
            self._readers.clear()  # another member may have read anything meanwhile
            self._readers_asked.clear()
            self._readers_generation += 1
        parsed = parse_query(self._query)
        self._generation += 1
        self._complete = False
        search = _Search(
            self._generation,
            parsed,
            None if sorts_itself(parsed) else self.sort_spec(),
            self._scope,
            self._list_name,
        )
        self._start(search, "refresh", None if changed is None else tuple(changed), tuple(shown))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < SORTABLE_COLUMNS:
            return
        self.sort_column = column
        self.sort_descending = order == Qt.SortOrder.DescendingOrder
        self.search(self._query, self._scope, list_name=self._list_name)

    def _start(
        self,
        search: _Search,
        kind: str,
        changed: tuple[int, ...] | None = (),
        shown: tuple[int, ...] = (),
    ) -> None:
        library, forgets = self.library, self._forgets
        limit = self.HEAD_ROWS if kind == "head" else None

        def job(_progress: object, _cancelled: object) -> _Found | None:
            if search.generation != self._generation:
                return None  # superseded while it waited for a thread: skip the query
            records = None
            if search.list_name is not None:
                ids = _list_ids(library, search.query, search.list_name, search.scope_sql)
                complete = True
            elif limit is None:
                ids = library.search_ids(search.query, search.sort, scope_sql=search.scope_sql)
                complete = True
            else:
                # A new search's first ids and the rows the first screen shows, read together;
                # as many rows as the view shows when they are read (a window enlarged
                # meanwhile is covered).
                ids, records = library.search_head(
                    search.query,
                    search.sort,
                    scope_sql=search.scope_sql,
                    limit=limit,
                    rows=self.screen_rows,
                )
                complete = len(ids) < limit
            if search.generation != self._generation:
                return None  # a newer keystroke came while it ran: its rows are not wanted
            if records is None:
                wanted = ids[: self.screen_rows] if kind == "head" else shown
                records = library.table_records(wanted) if wanted else []
            # Formatted here, not while painting.
            rows = [_row(record) for record in records]
            return _Found(search, kind, ids, complete, rows, changed, forgets)

        task = Task(job)
        # Bound methods, not lambdas: Qt drops these connections if the model goes first.
        task.succeeded.connect(self._found)
        task.failed.connect(self._search_failed)
        task.finished.connect(self._task_finished)
        self._tasks.add(task)
        task.start()

    def _task_finished(self) -> None:
        self._tasks.discard(self.sender())

    def _found(self, found: _Found | None) -> None:
        if found is None or found.generation != self._generation:
            return  # a newer search replaced this one: its results are dropped
        if found.kind == "head":
            self._head_found(found)
        elif found.kind == "rest":
            self._rest_found(found)
        else:
            self._refreshed(found)

    def _head_found(self, found: _Found) -> None:
        if len(self._rows) > _CACHE_LIMIT:
            self._rows.clear()
        for row in found.rows:
            self._rows[row.record.id] = row
        self._complete = found.complete
        self._reset(found.ids)
        if not found.complete:
            self._rest_due = found.search
            self._rest_timer.start()

    def head_painted(self) -> None:
        """The view has painted (or REST_AFTER_MS passed): read the current search's whole id
        list now, if it is still to be read."""
        search, self._rest_due = self._rest_due, None
        self._rest_timer.stop()
        if search is not None and search.generation == self._generation:
            self._start(search, "rest")

    def _rest_found(self, found: _Found) -> None:
        self._complete = True
        head = len(self._ids)
        if found.ids[:head] != self._ids:
            self._reset(found.ids)  # the library changed in between: show the fresh list
            return
        if len(found.ids) > head:
            self.beginInsertRows(_ROOT, head, len(found.ids) - 1)
            self._ids = found.ids
            self._row_of = None
            self.endInsertRows()
        self.searched.emit(len(self._ids), True)
        self.loaded.emit()

    def _refreshed(self, found: _Found) -> None:
        self._complete = True
        if found.changed is None:
            self._rows.clear()  # fetched again, a screenful at a time, when painted
        fresh: set[int] = set()
        if found.forgets == self._forgets:  # no edit since they were read: still true
            for row in found.rows:
                self._rows[row.record.id] = row
                fresh.add(row.record.id)
        for paper_id in found.changed or ():
            if paper_id not in fresh:
                self._rows.pop(paper_id, None)
        if found.ids == self._ids:
            if found.changed is None:
                if self._ids:
                    self.dataChanged.emit(
                        self.index(0, 0), self.index(len(self._ids) - 1, COLUMN_COUNT - 1)
                    )
            else:
                self._repaint(found.changed)
            self.searched.emit(len(self._ids), True)
            self.loaded.emit()
        else:
            self.resetting_for_refresh = True
            try:
                self._reset(found.ids)
            finally:
                self.resetting_for_refresh = False
        self.refreshed.emit()

    def _search_failed(self, error: Exception) -> None:
        # Rare (the library went away, a disk error): say so on stderr and leave the rows as
        # they are rather than loop; the next keystroke or refresh tries again.
        print(f"readinglist: background search failed ({error!r})", file=sys.stderr)
        if self._tasks == {self.sender()}:  # no newer search is on its way
            self._complete = True
            self.searched.emit(len(self._ids), True)
            self.loaded.emit()

    def _reset(self, ids: list[int]) -> None:
        # Fetched rows stay cached by id (bounded by _CACHE_LIMIT): the next search, one more
        # letter typed, mostly shows the same papers. Edits drop their rows (forget, refresh).
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        self.endResetModel()
        self.searched.emit(len(ids), self._complete)
        if self._complete:
            self.loaded.emit()

    # ---------------------------------------------------------------- rows
    def paper_id(self, row: int) -> int:
        return self._ids[row]

    def rows_of(self, ids: Sequence[int]) -> list[int]:
        """The rows showing these papers, in row order (papers not shown are left out)."""
        if self._row_of is None and len(ids) <= _FEW:
            # A paper or two (the one kept at the top, a selection kept across a refresh):
            # a scan in C for each, rather than a map of 130,000 rows built for them (25 ms).
            found = []
            for paper_id in set(ids):
                try:
                    found.append(self._ids.index(paper_id))
                except ValueError:
                    continue
            return sorted(found)
        if self._row_of is None:
            self._row_of = {paper_id: row for row, paper_id in enumerate(self._ids)}
        row_of = self._row_of
        return sorted(row_of[i] for i in set(ids) if i in row_of)

    def _row(self, row: int) -> _Row | None:
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
        for record in self.library.table_records(block):
            self._rows[record.id] = _row(record)
        return self._rows.get(paper_id)

    def invalidate(self) -> None:
        """Forget every fetched row (after an import may have completed papers' details)."""
        self._rows.clear()

    def forget(self, ids: Sequence[int]) -> None:
        """Drop cached rows of papers that changed and repaint them."""
        self._forgets += 1
        for paper_id in ids:
            self._rows.pop(paper_id, None)
            self._readers.pop(paper_id, None)
        self._repaint(ids)

    def _repaint(self, ids: Sequence[int]) -> None:
        if not self._ids:
            return
        if len(ids) > _FEW:
            # Many papers (R on 30,000): every row, in one signal; the view repaints only what
            # it shows. Finding their rows first took the GUI thread 5-15 ms.
            first, last = 0, len(self._ids) - 1
        else:
            rows = self.rows_of(ids)
            if not rows:
                return
            first, last = rows[0], rows[-1]
        # One signal for the span (30,000 signals, one per row, took seconds).
        self.dataChanged.emit(self.index(first, 0), self.index(last, COLUMN_COUNT - 1))

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
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        row = index.row()
        if not index.isValid() or row >= len(self._ids):
            return None
        if role == _ALIGNMENT:
            return _ALIGN_RIGHT if index.column() in NUMERIC_COLUMNS else _ALIGN_LEFT
        if role == _PAPER_ID:
            return self._ids[row]
        if index.column() == READ_BY and role in (_DISPLAY, _TOOLTIP):
            return self._readers_of(self._ids[row])
        if role not in (_DISPLAY, _FONT, _TOOLTIP):
            return None
        cached = self._row(row)
        if cached is None:
            return None
        if role == _DISPLAY:
            return cached.cells[index.column()]
        if role == _FONT:
            return self._bold if cached.unread else None
        column = index.column()
        if column == TITLE:
            return cached.cells[TITLE]
        if column == AUTHORS and cached.record.authors:
            return ", ".join(cached.record.authors)
        if column == PUBLISHED and cached.record.published is not None:
            return published_long(cached.record)
        return None

    def painted_cell(self, row: int, column: int) -> tuple[str | int, bool] | None:
        """What the view paints in a cell: its text (an int for a count) and whether the
        paper is unread (bold). The same as data()'s roles, in one call (PaperCellDelegate)."""
        cached = self._row(row)
        if cached is None:
            return None
        if column == READ_BY:
            return self._readers_of(self._ids[row]), cached.unread
        return cached.cells[column], cached.unread

    # ---------------------------------------------------------------- who has read them
    def _readers_of(self, paper_id: int) -> str:
        found = self._readers.get(paper_id)
        if found is not None:
            return found
        if self.library.shared and paper_id not in self._readers_asked:
            if not self._readers_wanted:
                QTimer.singleShot(0, self._read_readers)  # once per paint, for all its rows
            self._readers_wanted.add(paper_id)
        return ""

    def _read_readers(self) -> None:
        wanted = sorted(self._readers_wanted)
        self._readers_wanted.clear()
        if not wanted:
            return
        self._readers_asked.update(wanted)
        library, generation = self.library, self._readers_generation

        def job(_progress: object, _cancelled: object) -> _Readers:
            return generation, wanted, library.readers(wanted)

        task = Task(job)
        task.succeeded.connect(self._readers_read)
        task.failed.connect(self._readers_failed)
        task.finished.connect(self._reader_task_finished)
        self._reader_tasks.add(task)
        task.start()

    def _reader_task_finished(self) -> None:
        self._reader_tasks.discard(self.sender())

    @property
    def readers_pending(self) -> bool:
        """Whether "Read by" cells asked for are still being read."""
        return bool(self._readers_wanted or self._reader_tasks)

    def _readers_read(self, result: _Readers) -> None:
        generation, asked, found = result
        if generation != self._readers_generation:
            return  # read before a change elsewhere: asked again when painted
        self._readers_asked.difference_update(asked)
        for paper_id in asked:
            self._readers[paper_id] = ", ".join(found.get(paper_id, []))
        rows = self.rows_of(asked)
        if rows:
            self.dataChanged.emit(self.index(rows[0], READ_BY), self.index(rows[-1], READ_BY))

    def _readers_failed(self, error: Exception) -> None:
        print(f"readinglist: reading who has read failed ({error!r})", file=sys.stderr)
        self._readers_asked.clear()  # asked again on the next paint

    # ---------------------------------------------------------------- dragging papers
    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(PAPER_IDS_MIME, json.dumps([self._ids[r] for r in rows]).encode())
        mime.setData(DRAG_ORIGIN_MIME, self.drag_origin())
        return mime

    def drag_origin(self) -> bytes:
        return f"{os.getpid()}:{id(self)}".encode()

    def dragged_here(self, mime: QMimeData) -> bool:
        """Whether these rows were dragged from this very model."""
        return bytes(mime.data(DRAG_ORIGIN_MIME).data()) == self.drag_origin()

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def _display(record: PaperRecord, column: int) -> str | int:
    if column == READ_BY:
        return ""  # from PaperTableModel's readers, read apart from the row
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
    return added_text(record.added_at)
