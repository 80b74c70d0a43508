"""The window's actions, menu bar, toolbar and context menus.

Actions call the controllers' slots; the window reads them here (`window.menus.delete_action`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from readinglist.core.records import ReadingStatus
from readinglist.gui.icons import icon
from readinglist.gui.models.sidebar import ENTRY_NAME_ROLE, KIND_ROLE, NAME

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow


class WindowMenus(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._build_actions()
        self._build_menus()
        window.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        window.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.table.customContextMenuRequested.connect(self._table_menu)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        glyph: str | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str | None = None,
        table_only: bool = False,
    ) -> QAction:
        action = QAction(text, self.window)
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
            self.window.table.addAction(action)
        else:
            self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        window = self.window
        importer, exporter, editor = window.importer, window.exporter, window.editor
        std = QKeySequence.StandardKey
        opener = window.opener
        self.open_shared_action = self._action(
            "Open &Shared Library…",
            opener.open_shared,
            "mdi6.database-outline",
            None,
            "Open a reading group's library on a PostgreSQL server",
        )
        self.open_file_action = self._action(
            "Open Library &File…",
            opener.open_file,
            "mdi6.folder-open-outline",
            None,
            "Open another library file, or start a new one",
        )
        self.import_action = self._action(
            "&Import…",
            importer.import_dialog,
            "mdi6.file-import",
            "Ctrl+I",
            "Import saved listing pages",
        )
        self.paste_action = self._action(
            "&Paste Listing",
            importer.paste_listing,
            "mdi6.content-paste",
            std.Paste,
            "Import page text copied to the clipboard",
            table_only=True,
        )
        self.export_action = self._action(
            "&Export…",
            exporter.open_export_dialog,
            "mdi6.file-export",
            "Ctrl+E",
            "Export a reading list, the selection or the search results as Markdown or BibTeX",
        )
        self.copy_bibtex_action = self._action(
            "Copy as &BibTeX",
            lambda: exporter.copy_selection("bibtex"),
            "mdi6.content-copy",
            "Ctrl+Shift+C",
            "Put the selected papers on the clipboard as BibTeX entries",
        )
        self.copy_markdown_action = self._action(
            "Copy as &Markdown",
            lambda: exporter.copy_selection("markdown"),
            "mdi6.language-markdown-outline",
            "Ctrl+Shift+M",
            "Put the selected papers on the clipboard as Markdown",
        )
        self.quit_action = self._action("&Quit", window.close, "mdi6.exit-to-app", std.Quit)
        self.undo_action = _history_action(window, "&Undo", editor.undo, std.Undo, "mdi6.undo")
        self.redo_action = _history_action(window, "&Redo", editor.redo, std.Redo, "mdi6.redo")
        stack = editor.undo_stack
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        # A note being typed is undoable before it is saved (Undo saves it first).
        window.pane.notes_pending.connect(lambda: self.undo_action.setEnabled(True))
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(lambda text: _name_step(self.undo_action, "&Undo", text))
        stack.redoTextChanged.connect(lambda text: _name_step(self.redo_action, "&Redo", text))
        window.addAction(self.undo_action)
        window.addAction(self.redo_action)
        self.move_up_action = self._action(
            "Move &Up in List",
            lambda: editor.move_selected(-1),
            "mdi6.arrow-up",
            "Ctrl+Up",
            "Move the selected papers up in the reading list (or drag them)",
            table_only=True,
        )
        self.move_down_action = self._action(
            "Move Do&wn in List",
            lambda: editor.move_selected(1),
            "mdi6.arrow-down",
            "Ctrl+Down",
            "Move the selected papers down in the reading list (or drag them)",
            table_only=True,
        )
        self.set_list_order(False)
        self.find_action = self._action("&Find", window.filter_bar.focus, "mdi6.magnify", std.Find)
        self.find_action.setShortcuts([QKeySequence(std.Find), QKeySequence("Ctrl+L")])
        self.select_all_action = self._action(
            "Select &All", window.table.selectAll, None, std.SelectAll, table_only=True
        )
        self.delete_action = self._action(
            "&Delete Papers",
            editor.delete_selected,
            "mdi6.delete-outline",
            std.Delete,
            "Delete the selected papers (Ctrl+Z brings them back)",
            table_only=True,
        )
        self.read_action = self._action(
            "Mark &Read",
            lambda: editor.set_status(ReadingStatus.READ),
            "mdi6.check-circle-outline",
            "R",
            table_only=True,
        )
        self.unread_action = self._action(
            "Mark &Unread",
            lambda: editor.set_status(ReadingStatus.UNREAD),
            "mdi6.email-mark-as-unread",
            "U",
            table_only=True,
        )
        self.reading_action = self._action(
            "Mark Readin&g",
            lambda: editor.set_status(ReadingStatus.READING),
            "mdi6.book-open-page-variant",
            "G",
            table_only=True,
        )
        self.rate_actions = [
            self._action(
                f"Rate {n}" if n else "Clear Rating",
                partial(editor.set_rating, n),
                None,
                str(n),
                table_only=True,
            )
            for n in range(6)
        ]
        self.tag_action = self._action(
            "Add &Tag…", editor.add_tag_dialog, "mdi6.tag-plus-outline", "T", table_only=True
        )
        self.open_action = self._action(
            "&Open Link",
            editor.open_link,
            "mdi6.open-in-new",
            "Ctrl+O",
            "Open the paper's page in the web browser",
        )
        self.new_list_action = self._action(
            "&New Reading List…", editor.new_list, "mdi6.playlist-plus", std.New
        )
        self.save_search_action = self._action(
            "&Save Search…",
            editor.save_search,
            "mdi6.content-save-outline",
            std.Save,
            "Save the current query in the sidebar",
        )
        self.about_action = self._action(
            "&About ReadingList", window.about, "mdi6.information-outline"
        )
        self.query_help_action = self._action(
            "&Query Syntax", window.query_help, "mdi6.help-circle-outline", std.HelpContents
        )

    def _build_menus(self) -> None:
        window = self.window
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_shared_action)
        file_menu.addAction(self.open_file_action)
        file_menu.addSeparator()
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
        paper.addAction(self.move_up_action)
        paper.addAction(self.move_down_action)
        paper.addSeparator()
        paper.addAction(self.open_action)
        paper.addAction(self.delete_action)

        lists = bar.addMenu("&Lists")
        lists.addAction(self.new_list_action)
        lists.addAction(self.save_search_action)

        view = bar.addMenu("&View")
        for widget, name in ((window.sidebar, "Sidebar"), (window.pane, "Reading Pane")):
            toggle = QAction(f"Show {name}", window, checkable=True, checked=True)
            toggle.toggled.connect(widget.setVisible)
            view.addAction(toggle)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.query_help_action)
        help_menu.addAction(self.about_action)

        toolbar = window.addToolBar("Main")
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

    def set_list_order(self, in_list_order: bool) -> None:
        """The table shows a reading list in its own order: its papers can be moved."""
        editable = in_list_order and not self.window.library.read_only
        self.move_up_action.setEnabled(editable)
        self.move_down_action.setEnabled(editable)

    def enter_read_only(self) -> None:
        """Switch off everything that would change the library, so nothing offers an edit
        that can only fail."""
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

    # ---------------------------------------------------------------- menus made on the fly
    def _fill_list_menu(self) -> None:
        window = self.window
        self.list_menu.clear()
        for item in window.library.lists():
            action = self.list_menu.addAction(icon("mdi6.playlist-star"), item.name)
            action.triggered.connect(
                lambda _c=False, name=item.name: window.editor.add_to_list(
                    name, window.table.selected_ids()
                )
            )
        self.list_menu.addSeparator()
        self.list_menu.addAction(self.new_list_action)

    def _sidebar_menu(self, position: QPoint) -> None:
        window, editor = self.window, self.window.editor
        index = window.sidebar.indexAt(position)
        kind = index.siblingAtColumn(NAME).data(KIND_ROLE) if index.isValid() else None
        name = index.siblingAtColumn(NAME).data(ENTRY_NAME_ROLE) if index.isValid() else None
        menu = QMenu(window)
        menu.addAction(self.new_list_action)
        if kind == "list" and isinstance(name, str):
            menu.addAction(icon("mdi6.pencil"), "Rename List…").triggered.connect(
                lambda: editor.rename_list(name)
            )
            menu.addAction(icon("mdi6.delete-outline"), "Delete List…").triggered.connect(
                lambda: editor.delete_list(name)
            )
        if kind == "search" and isinstance(name, str):
            menu.addAction(icon("mdi6.delete-outline"), "Delete Saved Search").triggered.connect(
                lambda: editor.delete_saved_search(name)
            )
        menu.exec(window.sidebar.viewport().mapToGlobal(position))

    def _table_menu(self, position: QPoint) -> None:
        window = self.window
        menu = QMenu(window)
        for action in (self.read_action, self.reading_action, self.unread_action):
            menu.addAction(action)
        menu.addAction(self.tag_action)
        menu.addMenu(self.list_menu)
        name = window.current_list()
        if name is not None:
            menu.addAction(icon("mdi6.playlist-remove"), f"Remove from “{name}”").triggered.connect(
                lambda: window.editor.remove_from_list(name, window.table.selected_ids())
            )
            if self.move_up_action.isEnabled():
                menu.addAction(self.move_up_action)
                menu.addAction(self.move_down_action)
        menu.addSeparator()
        menu.addAction(self.open_action)
        menu.addAction(self.delete_action)
        menu.exec(window.table.viewport().mapToGlobal(position))


def _history_action(
    window: MainWindow,
    text: str,
    slot: Callable[[], None],
    key: QKeySequence.StandardKey,
    glyph: str,
) -> QAction:
    """Undo or Redo: through the edit controller (which saves a note being typed first),
    named after the step it would take, like QUndoStack's own actions."""
    action = QAction(icon(glyph), text, window)
    action.setShortcuts(key)  # every platform binding: Ctrl+Y and Ctrl+Shift+Z both redo
    action.triggered.connect(lambda _checked=False: slot())
    return action


def _name_step(action: QAction, text: str, step: str) -> None:
    action.setText(f"{text} {step}" if step else text)
    action.setToolTip(action.text().replace("&", ""))
