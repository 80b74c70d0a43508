"""The main window: sidebar | filter bar over the paper table | reading pane."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import ListingError, QueryError, UserError
from readinglist.core.library import Library
from readinglist.core.records import ReadingStatus
from readinglist.core.summary import ImportSummary
from readinglist.gui.commands import (
    DeleteCommand,
    LibraryCommand,
    ListAdminCommand,
    ListCommand,
    NotesCommand,
    SavedSearchCommand,
    SetRatingCommand,
    SetStatusCommand,
    SetTagsCommand,
)
from readinglist.gui.dialogs.about import AboutDialog
from readinglist.gui.dialogs.export import (
    ExportDialog,
    ExportOptions,
    ExportResult,
    ExportSource,
    issue_keys,
    render,
)
from readinglist.gui.dialogs.import_preview import (
    ImportPreviewDialog,
    ImportRequest,
    parse_all,
)
from readinglist.gui.file_dialogs import open_file_names
from readinglist.gui.icons import icon
from readinglist.gui.models.paper_table import COLUMN_COUNT, PaperTableModel
from readinglist.gui.models.sidebar import ENTRY_NAME_ROLE, KEY_ROLE, KIND_ROLE, NAME, SidebarModel
from readinglist.gui.settings import Settings
from readinglist.gui.widgets.filter_bar import FilterBar
from readinglist.gui.widgets.paper_table import PaperTableView
from readinglist.gui.widgets.reading_pane import ReadingPane
from readinglist.gui.widgets.sidebar import SidebarView
from readinglist.gui.worker import Task, wait_for_background_work
from readinglist.importers import ListingText, files_to_import, listing_from_text, read_listing

EMPTY_TEXT = "Drop saved pages here, or File ▸ Import…"
READ_ONLY_MESSAGE = "This library is open read-only: nothing can be changed or imported."
LISTING_FILTER = "Saved listing pages (*.txt *.html *.htm *.md *.json *.mhtml *.mht);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, library: Library, settings: Settings | None = None) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or Settings()
        self.undo_stack = QUndoStack(self)
        self.import_task: Task | None = None
        self.preview_dialog: ImportPreviewDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.message_box: QMessageBox | None = None
        self.last_import: list[ImportSummary] = []
        self._total = library.count()
        self._sidebar_key = "all"
        # Papers to select again once a search's id list is complete (see PaperTableModel).
        self._pending_selection: list[int] | None = None
        self._shown_once = False

        self.setWindowTitle(f"ReadingList — {library.path.name}")
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
        self.setCentralWidget(self.splitter)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.cancel_button = QPushButton(icon("mdi6.cancel"), "Cancel")
        self.cancel_button.setToolTip("Stop the import; the library stays as it was")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_import)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

        self._build_actions()
        self._build_menus()
        # On first run the table is hidden behind the empty state; pasting must work there too.
        self.empty_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.empty_label.addAction(self.paste_action)

        # --- signals
        self.filter_bar.query_changed.connect(self.apply_search)
        self.model.searched.connect(self._show_count)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.loaded.connect(self._restore_selection)
        self.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        self.sidebar.papers_dropped.connect(self.add_to_list)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_link())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.pane.status_chosen.connect(self._pane_status)
        self.pane.rating_chosen.connect(self._pane_rating)
        self.pane.tags_edited.connect(self._pane_tags)
        self.pane.notes_edited.connect(self._pane_notes)

        if library.read_only:
            self._enter_read_only()
        self.reload_sidebar()
        self._restore()

    # ================================================================ actions and menus
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        glyph: str | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str | None = None,
        table_only: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if glyph:
            action.setIcon(icon(glyph))
        if shortcut is not None:
            action.setShortcut(
                shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut)
            )
        action.setToolTip(tip or text.replace("…", ""))
        action.setStatusTip(tip or "")
        action.triggered.connect(lambda _checked=False: slot())
        if table_only:
            # Single keys (R, U, 0-5, Del, Ctrl+V) act on the table only, never while typing.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        else:
            self.addAction(action)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.import_action = self._action(
            "&Import…",
            self.import_dialog,
            "mdi6.file-import",
            "Ctrl+I",
            "Import saved listing pages",
        )
        self.paste_action = self._action(
            "&Paste Listing",
            self.paste_listing,
            "mdi6.content-paste",
            std.Paste,
            "Import page text copied to the clipboard",
            table_only=True,
        )
        self.export_action = self._action(
            "&Export…",
            self.open_export_dialog,
            "mdi6.file-export",
            "Ctrl+E",
            "Export a reading list, the selection or the search results as Markdown or BibTeX",
        )
        self.copy_bibtex_action = self._action(
            "Copy as &BibTeX",
            lambda: self.copy_selection("bibtex"),
            "mdi6.content-copy",
            "Ctrl+Shift+C",
            "Put the selected papers on the clipboard as BibTeX entries",
        )
        self.copy_markdown_action = self._action(
            "Copy as &Markdown",
            lambda: self.copy_selection("markdown"),
            "mdi6.language-markdown-outline",
            "Ctrl+Shift+M",
            "Put the selected papers on the clipboard as Markdown",
        )
        self.quit_action = self._action("&Quit", self.close, "mdi6.exit-to-app", std.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(std.Undo))
        self.undo_action.setIcon(icon("mdi6.undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence(std.Redo))
        self.redo_action.setIcon(icon("mdi6.redo"))
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.find_action = self._action("&Find", self.filter_bar.focus, "mdi6.magnify", std.Find)
        self.find_action.setShortcuts([QKeySequence(std.Find), QKeySequence("Ctrl+L")])
        self.select_all_action = self._action(
            "Select &All", self.table.selectAll, None, std.SelectAll, table_only=True
        )
        self.delete_action = self._action(
            "&Delete Papers",
            self.delete_selected,
            "mdi6.delete-outline",
            std.Delete,
            "Delete the selected papers (Ctrl+Z brings them back)",
            table_only=True,
        )
        self.read_action = self._action(
            "Mark &Read",
            lambda: self.set_status(ReadingStatus.READ),
            "mdi6.check-circle-outline",
            "R",
            table_only=True,
        )
        self.unread_action = self._action(
            "Mark &Unread",
            lambda: self.set_status(ReadingStatus.UNREAD),
            "mdi6.email-mark-as-unread",
            "U",
            table_only=True,
        )
        self.reading_action = self._action(
            "Mark Readin&g",
            lambda: self.set_status(ReadingStatus.READING),
            "mdi6.book-open-page-variant",
            "G",
            table_only=True,
        )
        self.rate_actions = [
            self._action(
                f"Rate {n}" if n else "Clear Rating",
                partial(self.set_rating, n),
                None,
                str(n),
                table_only=True,
            )
            for n in range(6)
        ]
        self.tag_action = self._action(
            "Add &Tag…", self.add_tag_dialog, "mdi6.tag-plus-outline", "T", table_only=True
        )
        self.open_action = self._action(
            "&Open Link",
            self.open_link,
            "mdi6.open-in-new",
            "Ctrl+O",
            "Open the paper's page in the web browser",
        )
        self.new_list_action = self._action(
            "&New Reading List…", self.new_list, "mdi6.playlist-plus", std.New
        )
        self.save_search_action = self._action(
            "&Save Search…",
            self.save_search,
            "mdi6.content-save-outline",
            std.Save,
            "Save the current query in the sidebar",
        )
        self.about_action = self._action(
            "&About ReadingList", self.about, "mdi6.information-outline"
        )
        self.query_help_action = self._action(
            "&Query Syntax", self.query_help, "mdi6.help-circle-outline", std.HelpContents
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.paste_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        self.export_separator = file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu

        edit = bar.addMenu("&Edit")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.copy_bibtex_action)
        edit.addAction(self.copy_markdown_action)
        edit.addSeparator()
        edit.addAction(self.select_all_action)
        edit.addAction(self.delete_action)
        edit.addSeparator()
        edit.addAction(self.find_action)

        paper = bar.addMenu("&Paper")
        for action in (self.read_action, self.reading_action, self.unread_action):
            paper.addAction(action)
        rate = paper.addMenu(icon("mdi6.star-outline"), "Ra&ting")
        for action in self.rate_actions:
            rate.addAction(action)
        paper.addAction(self.tag_action)
        self.list_menu = paper.addMenu(icon("mdi6.playlist-plus"), "Add to &List")
        self.list_menu.aboutToShow.connect(self._fill_list_menu)
        paper.addSeparator()
        paper.addAction(self.open_action)
        paper.addAction(self.delete_action)

        lists = bar.addMenu("&Lists")
        lists.addAction(self.new_list_action)
        lists.addAction(self.save_search_action)

        view = bar.addMenu("&View")
        for widget, name in ((self.sidebar, "Sidebar"), (self.pane, "Reading Pane")):
            toggle = QAction(f"Show {name}", self, checkable=True, checked=True)
            toggle.toggled.connect(widget.setVisible)
            view.addAction(toggle)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.query_help_action)
        help_menu.addAction(self.about_action)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        groups = (
            (self.import_action,),
            (self.undo_action, self.redo_action),
            (self.read_action, self.unread_action, self.tag_action, self.delete_action),
            (self.open_action,),
        )
        for number, group in enumerate(groups):
            if number:
                toolbar.addSeparator()
            for action in group:
                toolbar.addAction(action)

    def _fill_list_menu(self) -> None:
        self.list_menu.clear()
        for item in self.library.lists():
            action = self.list_menu.addAction(icon("mdi6.playlist-star"), item.name)
            action.triggered.connect(
                lambda _c=False, name=item.name: self.add_to_list(name, self.table.selected_ids())
            )
        self.list_menu.addSeparator()
        self.list_menu.addAction(self.new_list_action)

    # ================================================================ searching
    def apply_search(self, query: str | None = None, *, wait: bool = False) -> bool:
        """Show the papers matching the filter bar's query within the sidebar's entry."""
        text = self.filter_bar.text() if query is None else query
        entry = self.sidebar_model.entry(self._sidebar_key)
        scope = entry.scope_sql if entry is not None else None
        try:
            self.model.search(text, scope, wait=wait)
        except QueryError as exc:
            self.filter_bar.show_error(f"{exc.reason} (at character {exc.position + 1})")
            return False
        self.stack.setCurrentIndex(1 if self._total else 0)
        if not self._total and self.focusWidget() is self.table:
            self.empty_label.setFocus()
        return True

    def _show_count(self, count: int, complete: bool) -> None:
        self.filter_bar.show_count(count, self._total, complete)

    def _remember_selection(self) -> None:
        if self._pending_selection is None:
            self._pending_selection = self.table.selected_ids()

    def _restore_selection(self) -> None:
        ids, self._pending_selection = self._pending_selection, None
        # If the user picked a row while the rest was loading, their choice stands.
        if ids and not self.table.selected_ids():
            self.select_ids(ids)

    def _sidebar_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.siblingAtColumn(NAME).data(KEY_ROLE)
        if not isinstance(key, str) or key.startswith("group:"):
            return
        self._sidebar_key = key
        entry = self.sidebar_model.entry(key)
        if entry is not None and entry.kind == "search":
            # A saved search is its query, shown in the bar so it can be refined.
            self.filter_bar.set_text(entry.query, apply=False)
            self._sidebar_key = "all"
        self.apply_search()

    def select_sidebar(self, key: str) -> None:
        item = self.sidebar_model.index_of(key)
        if item is None:
            item = self.sidebar_model.index_of("all")
        if item is not None:
            self.sidebar.setCurrentIndex(item.index())

    def reload_sidebar(self) -> None:
        key = self._sidebar_key
        self.sidebar.selectionModel().blockSignals(True)
        self.sidebar_model.reload()
        self.sidebar.expandAll()
        self.sidebar.configure_columns()
        item = self.sidebar_model.index_of(key) or self.sidebar_model.index_of("all")
        if item is not None:
            self.sidebar.setCurrentIndex(item.index())
            self._sidebar_key = str(item.data(KEY_ROLE))
        self.sidebar.selectionModel().blockSignals(False)

    # ================================================================ selection and pane
    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        ids = self.table.selected_ids()
        current = self.table.current_id()
        if current not in ids:
            current = ids[0] if ids else None
        self.pane.show_paper(self.library.get(current) if current is not None else None)

    def select_ids(self, ids: Sequence[int]) -> None:
        if not self.model.complete:
            self._pending_selection = list(ids)  # selected when the id list is complete
            return
        rows = self.model.rows_of(ids)
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.clearSelection()
        if not rows:
            self.pane.show_paper(None)
            return
        block = QItemSelection()
        for row in rows:
            block.select(self.model.index(row, 0), self.model.index(row, COLUMN_COUNT - 1))
        selection.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        selection.select(block, flags.Select | flags.Rows)
        self.table.scrollTo(self.model.index(rows[0], 0))

    def notify(self, ids: list[int], structural: bool) -> None:
        """A command changed these papers: refresh what shows them."""
        if structural:
            self._total = self.library.count()
            key = self._sidebar_key
            self.reload_sidebar()
            if self._sidebar_key != key:
                self.apply_search()  # the list or tag it showed is gone: "All papers" now
            else:
                # A reset (rows came or went) keeps the selection via _remember_selection.
                self.model.refresh(ids)
                self._show_count(self.model.rowCount(), True)
        else:
            self.model.forget(ids)
        record = self.pane.record
        if record is not None and record.id in ids:
            still = self.library.get_many([record.id])
            if still:
                self.pane.refresh(still[0])
            else:
                self.pane.show_paper(None)

    # ================================================================ editing
    def _enter_read_only(self) -> None:
        """A library opened read-only: everything that would change it is switched off, so
        nothing offers an edit that can only fail."""
        for action in (
            self.import_action,
            self.paste_action,
            self.delete_action,
            self.read_action,
            self.unread_action,
            self.reading_action,
            *self.rate_actions,
            self.tag_action,
            self.new_list_action,
            self.save_search_action,
        ):
            action.setEnabled(False)
        self.list_menu.setEnabled(False)
        self.setAcceptDrops(False)
        self.sidebar.setAcceptDrops(False)
        self.pane.set_read_only(True)
        self.empty_label.setText("This library is open read-only and holds no papers")

    def run(self, command: LibraryCommand) -> bool:
        """Apply a change and put it on the undo stack; a UserError is shown, nothing pushed."""
        if self.library.read_only:  # the last guard, for menu entries made on the fly
            self.statusBar().showMessage(READ_ONLY_MESSAGE, 5000)
            return False
        try:
            command.apply()
        except UserError as exc:
            self.show_message("Cannot do that", str(exc))
            return False
        self.undo_stack.push(command)
        return True

    def _target_ids(self) -> list[int]:
        return self.table.selected_ids()

    def set_status(self, status: ReadingStatus) -> None:
        ids = self._target_ids()
        if ids:
            self.run(SetStatusCommand(self.library, self.notify, ids, status))

    def set_rating(self, rating: int) -> None:
        ids = self._target_ids()
        if ids:
            self.run(SetRatingCommand(self.library, self.notify, ids, rating))

    # The pane's editors change the paper the pane shows; keys and menus change the selection.
    def _pane_status(self, status: str) -> None:
        record = self.pane.record
        if record is not None:
            self.run(
                SetStatusCommand(self.library, self.notify, [record.id], ReadingStatus(status))
            )

    def _pane_rating(self, rating: int) -> None:
        record = self.pane.record
        if record is not None:
            self.run(SetRatingCommand(self.library, self.notify, [record.id], rating))

    def _pane_tags(self, names: list[str]) -> None:
        record = self.pane.record
        if record is not None:
            self.run(SetTagsCommand(self.library, self.notify, {record.id: names}))

    def add_tag_dialog(self) -> None:
        ids = self._target_ids()
        if not ids:
            return
        name, ok = QInputDialog.getText(self, "Add Tag", f"Tag for {len(ids)} paper(s):")
        if ok and name.strip():
            self.add_tag(ids, name.strip())

    def add_tag(self, ids: Sequence[int], name: str) -> None:
        records = self.library.get_many(ids, relations=False)
        after = {r.id: [*r.tags, name] for r in records}
        self.run(
            SetTagsCommand(self.library, self.notify, after, f"Tag {len(ids)} paper(s) “{name}”")
        )

    def _pane_notes(self, paper_id: int, text: str) -> None:
        old = self.library.get(paper_id).notes
        self.run(NotesCommand(self.library, self.notify, paper_id, old, text))

    def add_to_list(self, name: str, ids: Sequence[int]) -> None:
        if ids and self.run(ListCommand(self.library, self.notify, name, ids, add=True)):
            self.statusBar().showMessage(f"Added {len(ids)} paper(s) to “{name}”", 4000)

    def remove_from_list(self, name: str, ids: Sequence[int]) -> None:
        if ids:
            self.run(ListCommand(self.library, self.notify, name, ids, add=False))

    def delete_selected(self) -> None:
        ids = self._target_ids()
        if ids and self.run(DeleteCommand(self.library, self.notify, ids)):
            self.statusBar().showMessage(
                f"Deleted {len(ids)} paper(s). Edit ▸ Undo brings them back.", 6000
            )

    def open_link(self) -> None:
        record = self.pane.record
        if record is not None and record.url:
            QDesktopServices.openUrl(QUrl(record.url))

    # ================================================================ lists and saved searches
    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def new_list(self) -> None:
        name = self._ask("New Reading List", "Name:")
        if name:
            self.run(ListAdminCommand(self.library, self.notify, "create", name))

    def save_search(self) -> None:
        query = self.filter_bar.text().strip()
        if not query:
            self.show_message("Nothing to save", "Type a query in the filter bar first.")
            return
        name = self._ask("Save Search", f"Name for “{query}”:")
        if name:
            self.run(SavedSearchCommand(self.library, self.notify, name, query))

    def _sidebar_menu(self, position: QPoint) -> None:
        index = self.sidebar.indexAt(position)
        kind = index.siblingAtColumn(NAME).data(KIND_ROLE) if index.isValid() else None
        name = index.siblingAtColumn(NAME).data(ENTRY_NAME_ROLE) if index.isValid() else None
        menu = QMenu(self)
        menu.addAction(self.new_list_action)
        if kind == "list" and isinstance(name, str):
            menu.addAction(icon("mdi6.pencil"), "Rename List…").triggered.connect(
                lambda: self._rename_list(name)
            )
            menu.addAction(icon("mdi6.delete-outline"), "Delete List…").triggered.connect(
                lambda: self._delete_list(name)
            )
        if kind == "search" and isinstance(name, str):
            menu.addAction(icon("mdi6.delete-outline"), "Delete Saved Search").triggered.connect(
                lambda: self.run(SavedSearchCommand(self.library, self.notify, name, None))
            )
        menu.exec(self.sidebar.viewport().mapToGlobal(position))

    def _rename_list(self, name: str) -> None:
        new = self._ask("Rename Reading List", "New name:", name)
        if new and new != name:
            self.run(ListAdminCommand(self.library, self.notify, "rename", name, new))

    def _delete_list(self, name: str) -> None:
        answer = QMessageBox.question(
            self,
            "Delete Reading List",
            f"Delete the reading list “{name}”? The papers stay in the library.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.run(ListAdminCommand(self.library, self.notify, "delete", name))

    def _table_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.read_action, self.reading_action, self.unread_action):
            menu.addAction(action)
        menu.addAction(self.tag_action)
        menu.addMenu(self.list_menu)
        entry = self.sidebar_model.entry(self._sidebar_key)
        if entry is not None and entry.kind == "list":
            menu.addAction(
                icon("mdi6.playlist-remove"), f"Remove from “{entry.name}”"
            ).triggered.connect(
                lambda: self.remove_from_list(entry.name, self.table.selected_ids())
            )
        menu.addSeparator()
        menu.addAction(self.open_action)
        menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # ================================================================ importing
    def import_dialog(self) -> None:
        paths = open_file_names(self, "Import Listing Pages", "", LISTING_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: Sequence[Path]) -> None:
        listings: list[ListingText] = []
        errors: list[str] = []
        # A "Webpage, complete" save drops as page.html plus page_files/: skip the folder,
        # as the command line does.
        files, _resource_folders = files_to_import(list(paths))
        for path in files:
            try:
                listings.append(read_listing(path))
            except ListingError as exc:
                errors.append(str(exc))
        self.preview(listings, errors)

    def paste_listing(self) -> None:
        text = QGuiApplication.clipboard().text()
        try:
            listing = listing_from_text(text)
        except ListingError as exc:
            self.show_message("Nothing to import", str(exc))
            return
        self.preview([listing], [])

    def preview(self, listings: list[ListingText], errors: list[str]) -> None:
        """Open the import preview, or say in one message why nothing can be imported."""
        if self.library.read_only:
            self.show_message("Nothing to import", READ_ONLY_MESSAGE)
            return
        if self.import_task is not None:
            self.show_message("An import is running", "Wait for it to finish, or cancel it.")
            return
        if self.preview_dialog is not None:
            self.preview_dialog.raise_()  # one preview at a time; finish that one first
            self.preview_dialog.activateWindow()
            return
        parsed, parse_errors = parse_all(listings, None)
        errors = errors + parse_errors
        if not parsed:
            self.show_message("Nothing to import", "\n".join(errors) or "No files were given.")
            return
        dialog = ImportPreviewDialog(self.library, [p.listing for p in parsed], self)
        if errors:
            dialog.warnings.setPlainText("\n".join([*errors, dialog.warnings.toPlainText()]))
        dialog.import_requested.connect(self.start_import)
        dialog.finished.connect(lambda _result: setattr(self, "preview_dialog", None))
        self.preview_dialog = dialog
        dialog.open()

    def start_import(self, request: ImportRequest) -> None:
        library = self.library

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> object:
            summaries = []
            for item in request.listings:
                listing = item.listing
                summaries.append(
                    library.import_result(
                        item.result,
                        file_name=listing.name,
                        file_path=str(listing.path) if listing.path else None,
                        sha256=listing.sha256,
                        list_name=request.list_name,
                        progress=progress,
                        cancelled=cancelled,
                    )
                )
            return summaries

        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.import_action.setEnabled(False)
        self.statusBar().showMessage("Importing…")
        task = Task(job)
        task.progress.connect(self._import_progress)
        task.succeeded.connect(self._import_done)
        task.cancelled.connect(self._import_cancelled)
        task.failed.connect(self._import_failed)
        task.finished.connect(self._import_finished)
        self.import_task = task
        task.start()

    def cancel_import(self) -> None:
        if self.import_task is not None:
            self.import_task.cancel()
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage("Cancelling…")

    def _import_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _import_done(self, summaries: list[ImportSummary]) -> None:
        self.last_import = summaries
        new_ids = [i for s in summaries for i in s.new_ids]
        self._total = self.library.count()
        self.reload_sidebar()
        self.model.invalidate()
        self.apply_search(wait=True)
        if new_ids and len(self.model.rows_of(new_ids)) < len(new_ids):
            # Some new papers are hidden by the filter or the sidebar: show the import itself.
            self.filter_bar.set_text("", apply=False)
            self.select_sidebar("new")
            self.model.wait_until_loaded()
        self.select_ids(new_ids)
        self.statusBar().showMessage("; ".join(s.headline() for s in summaries), 15000)

    def _import_cancelled(self) -> None:
        self.statusBar().showMessage("Import cancelled; the library is unchanged.", 10000)

    def _import_failed(self, error: Exception) -> None:
        self.show_message("Import failed", str(error))

    def _import_finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.import_action.setEnabled(True)
        self.import_task = None

    # ================================================================ exporting
    def _current_list(self) -> str | None:
        entry = self.sidebar_model.entry(self._sidebar_key)
        return entry.name if entry is not None and entry.kind == "list" else None

    def _results_source(self) -> ExportSource:
        """The table's papers in its order, titled after the sidebar entry and the query."""
        entry = self.sidebar_model.entry(self._sidebar_key)
        place = entry.name if entry is not None and entry.kind != "all" else None
        query = self.model.query.strip()
        if place and query:
            title = f"{place}: papers matching {query}"
        elif query:
            title = f"Papers matching {query}"
        else:
            title = place or "Reading list"
        return ExportSource(self.model.all_ids(), title, None, place or "reading-list")

    def open_export_dialog(self) -> None:
        if self.export_dialog is not None:
            self.export_dialog.raise_()  # one export at a time
            self.export_dialog.activateWindow()
            return
        dialog = ExportDialog(
            self.library,
            selection=self.table.selected_ids(),
            results=self._results_source,
            current_list=self._current_list(),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._export_saved)
        dialog.finished.connect(lambda _result: setattr(self, "export_dialog", None))
        self.export_dialog = dialog
        dialog.open()

    def _export_saved(self, result: ExportResult) -> None:
        noun = "entries" if result.format == "bibtex" else "papers"
        self.statusBar().showMessage(f"Exported {result.count} {noun} to {result.path}", 15000)

    def copy_selection(self, export_format: Literal["markdown", "bibtex"]) -> None:
        """Put the selected papers' export on the clipboard (BibTeX keys are issued first)."""
        ids = self.table.selected_ids()
        if not ids:
            self.statusBar().showMessage("Select papers to copy first.", 4000)
            return
        options = ExportOptions(export_format)
        source = ExportSource(ids, self._current_list() or "Selected papers")
        try:
            text = render(
                self.library, source, options, keys=issue_keys(self.library, ids, options)
            )
        except (UserError, ValueError) as exc:
            self.show_message("Cannot copy", str(exc))
            return
        QGuiApplication.clipboard().setText(text)
        name = "BibTeX" if export_format == "bibtex" else "Markdown"
        noun = "paper" if len(ids) == 1 else "papers"
        self.statusBar().showMessage(f"Copied {len(ids)} {noun} as {name}", 4000)

    # ================================================================ drag and drop of files
    @staticmethod
    def _local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._local_files(event) and not self.library.read_only:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._local_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(paths)

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
        dialog = AboutDialog(self.library.path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def query_help(self) -> None:
        self.show_message("Query Syntax", self.filter_bar.edit.toolTip())

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
        column = s.sort_column if 0 <= s.sort_column < COLUMN_COUNT else self.model.sort_column
        self.model.sort_column = column
        self.model.sort_descending = s.sort_descending
        order = Qt.SortOrder.DescendingOrder if s.sort_descending else Qt.SortOrder.AscendingOrder
        # Set the indicator without triggering a sort; the search below uses the model's sort.
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        self._sidebar_key = s.sidebar_key
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
        s.sidebar_key = self._sidebar_key
        s.query = self.filter_bar.text()
        # A selection waiting for its search to finish loading is still the user's selection.
        s.selected_ids = (self._pending_selection or self.table.selected_ids())[:100]
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # What start-up built lives as long as the window: keep it out of the collector's
            # sweeps, which otherwise land in the middle of a keystroke now and then.
            gc.freeze()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.pane.save_notes()
        if self.import_task is not None:
            self.import_task.cancel()
        self.save_session()
        # A search or a cancelled import still reading the library ends before the library
        # is closed under it.
        wait_for_background_work(10000)
        super().closeEvent(event)


__all__ = ["EMPTY_TEXT", "MainWindow"]
