"""The main window: sidebar | filter bar over the paper table | reading pane.

The window owns the widgets, the search shown in the table and the selection; its controllers
(gui/controllers/) own the rest: `menus` (actions, menus, toolbar), `importer`, `exporter` and
`editor` (every undoable change).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import QueryError
from readinglist.core.library import Library
from readinglist.core.records import PaperRecord
from readinglist.gui.controllers.completing import CompletionController
from readinglist.gui.controllers.editing import EditController
from readinglist.gui.controllers.exporting import ExportController
from readinglist.gui.controllers.following import LibraryFollower
from readinglist.gui.controllers.importing import ImportController
from readinglist.gui.controllers.menus import WindowMenus
from readinglist.gui.controllers.opening import OpenController
from readinglist.gui.controllers.related import RelatedController
from readinglist.gui.dialogs.about import AboutDialog
from readinglist.gui.models.paper_table import COLUMN_COUNT, SORTABLE_COLUMNS, PaperTableModel
from readinglist.gui.models.sidebar import KEY_ROLE, NAME, SidebarCounts, SidebarModel
from readinglist.gui.settings import Settings
from readinglist.gui.widgets.drop_overlay import DropOverlay
from readinglist.gui.widgets.filter_bar import FilterBar
from readinglist.gui.widgets.paper_table import PaperTableView
from readinglist.gui.widgets.reading_pane import SELECTION_TITLES, ReadingPane
from readinglist.gui.widgets.sidebar import SidebarView
from readinglist.gui.widgets.task_progress import TaskProgress
from readinglist.gui.worker import Task, wait_for_background_work

EMPTY_TEXT = "Drop saved pages here, or File ▸ Import…"
# Up to this many selected papers are read whole to show the status, rating and tags they
# share; beyond, only the first titles are read and the shared values are left blank.
SHARED_VALUES_LIMIT = 500


class MainWindow(QMainWindow):
    # File ▸ Open Shared Library… / Open Library File…: a URL (str) or a file's Path to show
    # in place of this window's library (see WindowHost, which does it).
    library_requested = Signal(object)

    def __init__(self, library: Library, settings: Settings | None = None) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or Settings()
        self.message_box: QMessageBox | None = None
        self._total = library.count()
        self.sidebar_key = "all"
        # Papers to select again once a search's id list is complete (see PaperTableModel).
        self._pending_selection: list[int] | None = None
        self._shown_once = False
        self._scroll_anchor: int | None = None  # the paper kept at the top across a refresh
        self._new_search = True  # the latest reset was a new search, not a refresh
        self._sidebar_generation = 0
        self._tasks: set[Task] = set()  # background reads whose results are still to come
        # What "New in the last import" shows once this window imported: every file of the
        # drop (each file is its own source; the library alone knows only the latest one).
        self.new_scope: str | None = None

        shared = " — shared library" if library.shared else ""
        self.setWindowTitle(f"ReadingList — {library.name}{shared}")
        self.setAcceptDrops(True)
        self.resize(1280, 800)

        # --- widgets
        self.model = PaperTableModel(library, self)
        self.table = PaperTableView()
        self.table.setModel(self.model)
        self.filter_bar = FilterBar()
        self.sidebar_model = SidebarModel(library, self)
        self.sidebar = SidebarView()
        self.sidebar.setModel(self.sidebar_model)
        self.pane = ReadingPane()

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)  # its big words never set the window's width
        self.empty_label.setStyleSheet("font-size: 18px; color: #808080;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.table)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(4, 4, 4, 0)
        middle_layout.addWidget(self.filter_bar)
        middle_layout.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([240, 700, 440])
        # Dragging the sidebar narrower stops where its names still show (View hides it).
        self.splitter.setCollapsible(0, False)
        self.setCentralWidget(self.splitter)
        # Shown over the whole window while files are dragged over it.
        self.drop_overlay = DropOverlay(self)
        self.progress = TaskProgress()
        self.statusBar().addPermanentWidget(self.progress)

        # --- controllers (the menus last: their actions call the others)
        self.importer = ImportController(self)
        self.exporter = ExportController(self)
        self.editor = EditController(self)
        self.related = RelatedController(self)
        self.opener = OpenController(self)  # File ▸ Open Shared Library… / Library File…
        self.menus = WindowMenus(self)
        self.completion = CompletionController(self)  # Paper ▸ Complete from arXiv…
        self.follower = LibraryFollower(self)
        # On first run the table is hidden behind the empty state; pasting must work there too.
        self.empty_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.empty_label.addAction(self.menus.paste_action)

        # --- signals
        self.filter_bar.query_changed.connect(self.apply_search)
        self.model.searched.connect(self._show_count)
        self.model.modelAboutToBeReset.connect(self._model_about_to_reset)
        self.model.modelReset.connect(self._model_reset)
        self.model.loaded.connect(self._restore_selection)
        self.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        if library.shared:
            self.pane.paper_shown.connect(self._read_pane_readers)

        if library.read_only:
            self._enter_read_only()
        self.reload_sidebar()
        self._restore()

    # ================================================================ searching
    def apply_search(self, query: str | None = None) -> bool:
        """Show the papers matching the filter bar's query within the sidebar's entry.

        The query runs in the background (see PaperTableModel); only a malformed query is
        known here, at once, and shown beside the bar."""
        text = self.filter_bar.text() if query is None else query
        entry = self.sidebar_model.entry(self.sidebar_key)
        scope = entry.scope_sql if entry is not None else None
        # A reading list shows its papers in its own order (export's and `list show`'s).
        list_name = entry.name if entry is not None and entry.kind == "list" else None
        try:
            self.model.search(text, scope, list_name=list_name)
        except QueryError as exc:
            self.filter_bar.show_error(f"{exc.reason} (at character {exc.position + 1})")
            return False
        self.filter_bar.clear_error()
        in_list_order = self.model.list_name is not None
        self.table.set_list_order(in_list_order)
        self.menus.set_list_order(in_list_order)
        self._show_table_or_empty()
        return True

    def _show_table_or_empty(self, *, new_search: bool = True) -> None:
        if not new_search and self.stack.currentWidget() not in (self.table, self.empty_label):
            return  # another view is in front (a list's suggestions): a refresh leaves it
        self.stack.setCurrentIndex(1 if self._total else 0)
        if not self._total and self.focusWidget() is self.table:
            self.empty_label.setFocus()

    def refresh(self, changed: Sequence[int] | None = (), *, reread_pane: bool = False) -> None:
        """The library changed (an edit, an import, another process): read the sidebar's
        counts and the table's search again, in the background, keeping the selection and
        the scroll position; with `reread_pane`, the paper in the reading pane too.
        `changed` None: any paper may have changed (another process wrote)."""
        self.follower.absorb()  # what is read below includes every commit so far
        self._sidebar_generation += 1
        generation = self._sidebar_generation
        library, new_scope = self.library, self.new_scope
        shown = self.pane.record.id if reread_pane and self.pane.record is not None else None

        def job(_progress: object, _cancelled: object) -> tuple[int, SidebarCounts]:
            counts = SidebarCounts.read(library, new_scope)
            if shown is not None:
                records = library.get_many([shown])
                counts = replace(counts, pane=records[0] if records else None, pane_id=shown)
            return generation, counts

        task = Task(job)
        task.succeeded.connect(self._sidebar_counts_read)
        task.finished.connect(self._task_finished)
        self._tasks.add(task)
        task.start()
        self.model.refresh(changed, shown=self._ids_on_screen())

    def _ids_on_screen(self) -> list[int]:
        """The papers the table shows now (read again with a refresh, not when painted)."""
        count = self.model.rowCount()
        if not count or not self.table.isVisible():
            return []
        first = max(0, self.table.rowAt(0))
        last = self.table.rowAt(self.table.viewport().height() - 1)
        last = count - 1 if last < 0 else last
        return [self.model.paper_id(row) for row in range(first, min(last, first + 200) + 1)]

    @property
    def settled(self) -> bool:
        """Whether the table and the sidebar show the library as it is (no read on its way)."""
        return self.model.complete and not self._tasks

    def _task_finished(self) -> None:
        self._tasks.discard(self.sender())

    def _sidebar_counts_read(self, result: tuple[int, SidebarCounts]) -> None:
        generation, counts = result
        if generation != self._sidebar_generation:
            return  # a newer refresh is on its way
        key = self.sidebar_key
        shown = self.sidebar_model.entry(key)
        record = self.pane.record
        if counts.pane_id is not None and record is not None and record.id == counts.pane_id:
            if counts.pane is None:
                self.pane.show_paper(None)  # deleted elsewhere
            elif counts.pane != record:
                self.pane.refresh(counts.pane)  # and reads its readers again
            elif self.library.shared:
                self._read_pane_readers(record)  # another member may have read it
        self._show_sidebar(counts)
        self._show_count(self.model.rowCount(), self.model.complete)
        self._show_table_or_empty(new_search=False)
        entry = self.sidebar_model.entry(self.sidebar_key)
        if self.sidebar_key != key:
            self.apply_search()  # the list or tag it showed is gone: "All papers" now
        elif shown is not None and entry is not None and entry.scope_sql != shown.scope_sql:
            self.apply_search()  # "New in the last import" now means the newest import

    def current_list(self) -> str | None:
        """The reading list the sidebar shows, if it shows one."""
        entry = self.sidebar_model.entry(self.sidebar_key)
        return entry.name if entry is not None and entry.kind == "list" else None

    def _show_count(self, count: int, complete: bool) -> None:
        # Out of what the sidebar's entry holds (a list's 4, not the library's 765).
        entry = self.sidebar_model.entry(self.sidebar_key)
        total = self._total
        if entry is not None and entry.kind != "all" and entry.count is not None:
            total = entry.count
        self.filter_bar.show_count(count, total, complete)

    def _model_about_to_reset(self) -> None:
        if self._pending_selection is None:
            self._pending_selection = self.table.selected_ids()
        self._new_search = not self.model.resetting_for_refresh
        if self.model.resetting_for_refresh:
            # The same search, run again: keep the paper at the top of the view there.
            top = self.table.rowAt(0)
            self._scroll_anchor = self.model.paper_id(top) if top >= 0 else None

    def _model_reset(self) -> None:
        if self._new_search:
            self.table.scrollToTop()  # a new search starts at its first row
        anchor, self._scroll_anchor = self._scroll_anchor, None
        if anchor is not None:
            rows = self.model.rows_of([anchor])
            if rows:
                self.table.scrollTo(
                    self.model.index(rows[0], 0), PaperTableView.ScrollHint.PositionAtTop
                )

    def _restore_selection(self) -> None:
        ids, self._pending_selection = self._pending_selection, None
        # If the user picked a row while the rest was loading, their choice stands. A new
        # search shows the selection; a refresh keeps the view where it was.
        if ids and not self.table.selected_ids():
            self.select_ids(ids, scroll=self._new_search)

    def _sidebar_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.siblingAtColumn(NAME).data(KEY_ROLE)
        if not isinstance(key, str) or key.startswith("group:"):
            return
        self.sidebar_key = key
        entry = self.sidebar_model.entry(key)
        if entry is not None and entry.kind == "search":
            # A saved search is its query, shown in the bar so it can be refined.
            self.filter_bar.set_text(entry.query, apply=False)
            self.sidebar_key = "all"
        self.apply_search()

    def select_sidebar(self, key: str) -> None:
        item = self.sidebar_model.index_of(key)
        if item is None:
            item = self.sidebar_model.index_of("all")
        if item is not None:
            self.sidebar.setCurrentIndex(item.index())

    def library_changed(self) -> None:
        """Read the counts and the sidebar again, here and now (tests and scripts that wrote
        to the library themselves; the window itself uses `refresh`)."""
        self.reload_sidebar()

    def reload_sidebar(self) -> None:
        """Read the sidebar's counts here and now (at start-up; later, `refresh`)."""
        self._show_sidebar(SidebarCounts.read(self.library, self.new_scope))

    def _show_sidebar(self, counts: SidebarCounts) -> None:
        self._total = counts.total
        key = self.sidebar_key
        self.sidebar.selectionModel().blockSignals(True)
        self.sidebar_model.show_counts(counts)
        self.sidebar.expandAll()
        self.sidebar.configure_columns()
        item = self.sidebar_model.index_of(key) or self.sidebar_model.index_of("all")
        if item is not None:
            self.sidebar.setCurrentIndex(item.index())
            self.sidebar_key = str(item.data(KEY_ROLE))
        self.sidebar.selectionModel().blockSignals(False)

    # ================================================================ selection and pane
    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selection()

    def _show_selection(self) -> None:
        ids = self.table.selected_ids()
        if len(ids) > 1:
            # The first few for their titles; all of them (when not too many) for the values
            # they share, which the pane's editors show.
            shown = ids if len(ids) <= SHARED_VALUES_LIMIT else ids[:SELECTION_TITLES]
            self.pane.show_papers(self.library.get_many(shown, relations=False), ids)
            return
        current = self.table.current_id()
        if current is None or not self.table.selectionModel().isRowSelected(
            self.table.currentIndex().row()
        ):
            ids = self.table.selected_ids()
            current = ids[0] if ids else None
        self.pane.show_paper(self.library.get(current) if current is not None else None)

    def _read_pane_readers(self, record: PaperRecord | None) -> None:
        """A shared library: who in the group read the paper shown, read in the background."""
        if record is None:
            self.pane.show_readers(None, None)
            return
        library, paper_id = self.library, record.id

        def job(_progress: object, _cancelled: object) -> tuple[int, list[str]]:
            return paper_id, library.readers([paper_id]).get(paper_id, [])

        task = Task(job)
        task.succeeded.connect(self._pane_readers_read)
        task.finished.connect(self._task_finished)
        self._tasks.add(task)
        task.start()

    def _pane_readers_read(self, result: tuple[int, list[str]]) -> None:
        self.pane.show_readers(*result)

    def select_ids(self, ids: Sequence[int], *, scroll: bool = True) -> None:
        if not self.model.complete:
            # Selected again when the id list is complete (a reset in between clears it);
            # the rows shown now are selected at once.
            self._pending_selection = list(ids)
        rows = self.model.rows_of(ids)
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        if not rows:
            selection.clearSelection()
            self.pane.show_paper(None)
            return
        # One range per run of consecutive rows: 30,000 one-row ranges took seconds to build
        # and seconds more for every later question about the selection.
        block = QItemSelection()
        last = COLUMN_COUNT - 1
        first = previous = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            block.select(self.model.index(first, 0), self.model.index(previous, last))
            if row is not None:
                first = previous = row
        selection.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        selection.select(block, flags.ClearAndSelect | flags.Rows)
        if scroll:
            self.table.scrollTo(self.model.index(rows[0], 0))

    def notify(self, ids: list[int], structural: bool) -> None:
        """A command changed these papers: refresh what shows them."""
        if structural:
            self.refresh(ids)
        else:
            self.model.forget(ids)
        shown = self.pane.selected_ids
        # Several papers shown: their shared values again. Beyond SHARED_VALUES_LIMIT the pane
        # shows their count and first titles and no shared values, which an edit leaves as they
        # are (reading them again after R on 30,000 papers took the GUI thread 15-30 ms); rows
        # that vanish change the selection, which shows it again.
        few = len(shown) <= SHARED_VALUES_LIMIT
        if shown and few and not set(ids).isdisjoint(shown):
            self._show_selection()
        record = self.pane.record
        if record is not None and record.id in ids:
            still = self.library.get_many([record.id])
            if still:
                self.pane.refresh(still[0])
            else:
                self.pane.show_paper(None)

    # ================================================================ read-only
    def _enter_read_only(self) -> None:
        """A library opened read-only: everything that would change it is switched off, so
        nothing offers an edit that can only fail."""
        self.menus.enter_read_only()
        self.setAcceptDrops(False)
        self.sidebar.setAcceptDrops(False)
        self.pane.set_read_only(True)
        self.empty_label.setText("This library is open read-only and holds no papers")

    # ================================================================ drag and drop of files
    @staticmethod
    def _local_files(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        files = self._local_files(event)
        if files and not self.library.read_only:
            event.acceptProposedAction()
            self.drop_overlay.show_for(len(files))
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        # Over the sidebar or the table (which take only papers) files still land here.
        if self._local_files(event) and not self.library.read_only:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_overlay.hide()
        paths = self._local_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.importer.import_paths(paths)

    # ================================================================ messages and help
    def show_message(self, title: str, text: str) -> None:
        """A message that does not block (tests and background signals keep running)."""
        box = QMessageBox(
            QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.finished.connect(lambda _r: setattr(self, "message_box", None))
        box.open()

    def about(self) -> None:
        dialog = AboutDialog(self.library.path or self.library.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def query_help(self) -> None:
        self.show_message("Query Syntax", self.filter_bar.help_text())

    # ================================================================ session
    def _restore(self) -> None:
        s = self.settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        if s.window_state is not None:
            self.restoreState(s.window_state)
        if len(s.splitter_sizes) == 3:
            self.splitter.setSizes(s.splitter_sizes)
        header = self.table.horizontalHeader()
        if s.header_state is not None:
            header.restoreState(s.header_state)
        self.table.show_readers_column(self.library.shared)
        sortable = 0 <= s.sort_column < SORTABLE_COLUMNS
        column = s.sort_column if sortable else self.model.sort_column
        self.model.sort_column = column
        self.model.sort_descending = s.sort_descending
        order = Qt.SortOrder.DescendingOrder if s.sort_descending else Qt.SortOrder.AscendingOrder
        # Set the indicator without triggering a sort; the search below uses the model's sort.
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        self.sidebar_key = s.sidebar_key
        self.reload_sidebar()
        self.filter_bar.set_text(s.query, apply=False)
        if not self.apply_search():
            self.filter_bar.set_text("", apply=False)
            self.apply_search()
        self.select_ids(s.selected_ids)

    def save_session(self) -> None:
        s = self.settings
        s.geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.splitter_sizes = self.splitter.sizes()
        s.header_state = self.table.horizontalHeader().saveState()
        s.sort_column = self.model.sort_column
        s.sort_descending = self.model.sort_descending
        s.sidebar_key = self.sidebar_key
        s.query = self.filter_bar.text()
        # A selection waiting for its search to finish loading is still the user's selection.
        s.selected_ids = (self._pending_selection or self.table.selected_ids())[:100]
        s.sync()

    def _fit_panes(self) -> None:
        """First start, no sizes saved: share the width out, the table getting the most and
        the sidebar no more than its names need (800 px wide works as 1920 does)."""
        width = self.splitter.width()
        sidebar = max(self.sidebar.minimumWidth(), min(240, width // 5))
        pane = max(self.pane.minimumSizeHint().width(), min(440, width * 3 // 10))
        self.splitter.setSizes([sidebar, max(0, width - sidebar - pane), pane])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if len(self.settings.splitter_sizes) != 3:
                self._fit_panes()
            # What start-up built lives as long as the window: keep it out of the collector's
            # sweeps, which otherwise land in the middle of a keystroke now and then.
            gc.freeze()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.follower.stop()
        self.pane.save_notes()
        self.editor.finish_on_close()
        self.importer.cancel_on_close()
        self.save_session()
        # A search or a cancelled import still reading the library ends before the library
        # is closed under it.
        wait_for_background_work(10000)
        super().closeEvent(event)


__all__ = ["EMPTY_TEXT", "MainWindow"]
