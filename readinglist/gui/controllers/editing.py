"""Every change the user makes to papers, lists and saved searches, as undoable commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import QInputDialog, QMessageBox

from readinglist.core.errors import UserError
from readinglist.core.records import ReadingStatus
from readinglist.gui.commands import (
    DeleteCommand,
    LibraryCommand,
    ListAdminCommand,
    ListCommand,
    NotesCommand,
    ReorderListCommand,
    SavedSearchCommand,
    SetRatingCommand,
    SetStatusCommand,
    SetTagsCommand,
)

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow

READ_ONLY_MESSAGE = "This library is open read-only: nothing can be changed or imported."


class EditController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.undo_stack = QUndoStack(window)
        pane = window.pane
        pane.status_chosen.connect(self._pane_status)
        pane.rating_chosen.connect(self._pane_rating)
        pane.tags_edited.connect(self._pane_tags)
        pane.tags_changed_for_all.connect(self._pane_tags_for_all)
        pane.notes_edited.connect(self._pane_notes)
        window.sidebar.papers_dropped.connect(self.add_to_list)
        window.table.reorder_requested.connect(self.reorder)
        window.table.doubleClicked.connect(lambda _index: self.open_link())

    def undo(self) -> None:
        """Edit ▸ Undo, wherever the focus is: a note being typed is saved first, so it is
        what gets undone (one history for the notes box and the table)."""
        self.window.pane.save_notes()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.window.pane.save_notes()
        if self.undo_stack.canRedo():  # typing after an undo ends what could be redone
            self.undo_stack.redo()

    def run(self, command: LibraryCommand) -> bool:
        """Apply a change and put it on the undo stack; a UserError is shown, nothing pushed."""
        window = self.window
        if self.library.read_only:  # the last guard, for menu entries made on the fly
            window.statusBar().showMessage(READ_ONLY_MESSAGE, 5000)
            return False
        try:
            command.apply()
        except UserError as exc:
            window.show_message("Cannot do that", str(exc))
            return False
        self.undo_stack.push(command)
        return True

    def _target_ids(self) -> list[int]:
        return self.window.table.selected_ids()

    def set_status(self, status: ReadingStatus) -> None:
        ids = self._target_ids()
        if ids:
            self.run(SetStatusCommand(self.library, self.window.notify, ids, status))

    def set_rating(self, rating: int) -> None:
        ids = self._target_ids()
        if ids:
            self.run(SetRatingCommand(self.library, self.window.notify, ids, rating))

    # The pane's editors change the papers the pane shows (one, or every selected one); keys
    # and menus change the selection.
    def _pane_status(self, status: str) -> None:
        ids = self.window.pane.target_ids()
        if ids:
            self.run(SetStatusCommand(self.library, self.window.notify, ids, ReadingStatus(status)))

    def _pane_rating(self, rating: int) -> None:
        ids = self.window.pane.target_ids()
        if ids:
            self.run(SetRatingCommand(self.library, self.window.notify, ids, rating))

    def _pane_tags_for_all(self, added: list[str], removed: list[str]) -> None:
        ids = self.window.pane.target_ids()
        if not ids:
            return
        gone = {name.lower() for name in removed}
        after = {
            r.id: [t for t in r.tags if t.lower() not in gone] + added
            for r in self.library.get_many(ids, relations=False)
        }
        self.run(
            SetTagsCommand(self.library, self.window.notify, after, f"Tags of {len(ids)} papers")
        )

    def _pane_tags(self, names: list[str]) -> None:
        record = self.window.pane.record
        if record is not None:
            self.run(SetTagsCommand(self.library, self.window.notify, {record.id: names}))

    def add_tag_dialog(self) -> None:
        ids = self._target_ids()
        if not ids:
            return
        name, ok = QInputDialog.getText(self.window, "Add Tag", f"Tag for {len(ids)} paper(s):")
        if ok and name.strip():
            self.add_tag(ids, name.strip())

    def add_tag(self, ids: Sequence[int], name: str) -> None:
        records = self.library.get_many(ids, relations=False)
        after = {r.id: [*r.tags, name] for r in records}
        self.run(
            SetTagsCommand(
                self.library, self.window.notify, after, f"Tag {len(ids)} paper(s) “{name}”"
            )
        )

    def _pane_notes(self, paper_id: int, text: str) -> None:
        old = self.library.get(paper_id).notes
        self.run(NotesCommand(self.library, self.window.notify, paper_id, old, text))

    def add_to_list(self, name: str, ids: Sequence[int]) -> None:
        if ids and self.run(ListCommand(self.library, self.window.notify, name, ids, add=True)):
            self.window.statusBar().showMessage(f"Added {len(ids)} paper(s) to “{name}”", 4000)

    def remove_from_list(self, name: str, ids: Sequence[int]) -> None:
        if ids:
            self.run(ListCommand(self.library, self.window.notify, name, ids, add=False))

    # ---------------------------------------------------------------- a reading list's order
    def move_selected(self, step: int) -> None:
        """Ctrl+Up / Ctrl+Down: the selected papers one row up (-1) or down (+1) in the list
        shown; a block that reaches the top or bottom stays there."""
        window = self.window
        shown = list(window.model.ids)
        chosen = set(window.table.selected_ids())
        if not chosen or window.model.list_name is None:
            return
        order = shown if step < 0 else shown[::-1]
        for index in range(1, len(order)):
            if order[index] in chosen and order[index - 1] not in chosen:
                order[index - 1], order[index] = order[index], order[index - 1]
        self._give_order(order if step < 0 else order[::-1], [i for i in shown if i in chosen])

    def reorder(self, moved: Sequence[int], before_row: int) -> None:
        """Papers dragged within the list's view, dropped before `before_row`."""
        shown = list(self.window.model.ids)
        moving = set(moved)
        staying = [i for i in shown[:before_row] if i not in moving]
        rest = [i for i in shown[before_row:] if i not in moving]
        block = [i for i in shown if i in moving]
        self._give_order(staying + block + rest, block)

    def _give_order(self, shown_order: list[int], moved: list[int]) -> None:
        """The table's rows in this new order: the papers a filter hides keep their places."""
        window = self.window
        name = window.model.list_name
        if name is None or not moved or shown_order == list(window.model.ids):
            return
        before = self.library.list_paper_ids(name)
        shown = set(shown_order)
        placed = iter(shown_order)
        after = [next(placed) if paper_id in shown else paper_id for paper_id in before]
        if self.run(ReorderListCommand(self.library, window.notify, name, before, after, moved)):
            window.select_ids(moved)

    def delete_selected(self) -> None:
        ids = self._target_ids()
        if ids and self.run(DeleteCommand(self.library, self.window.notify, ids)):
            self.window.statusBar().showMessage(
                f"Deleted {len(ids)} paper(s). Edit ▸ Undo brings them back.", 6000
            )

    def open_link(self) -> None:
        record = self.window.pane.record
        if record is not None and record.url:
            QDesktopServices.openUrl(QUrl(record.url))

    # ---------------------------------------------------------------- lists and saved searches
    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.window, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def new_list(self) -> None:
        name = self._ask("New Reading List", "Name:")
        if name:
            self.run(ListAdminCommand(self.library, self.window.notify, "create", name))

    def rename_list(self, name: str) -> None:
        new = self._ask("Rename Reading List", "New name:", name)
        if new and new != name:
            self.run(ListAdminCommand(self.library, self.window.notify, "rename", name, new))

    def delete_list(self, name: str) -> None:
        answer = QMessageBox.question(
            self.window,
            "Delete Reading List",
            f"Delete the reading list “{name}”? The papers stay in the library.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.run(ListAdminCommand(self.library, self.window.notify, "delete", name))

    def save_search(self) -> None:
        query = self.window.filter_bar.text().strip()
        if not query:
            self.window.show_message("Nothing to save", "Type a query in the filter bar first.")
            return
        name = self._ask("Save Search", f"Name for “{query}”:")
        if name:
            self.run(SavedSearchCommand(self.library, self.window.notify, name, query))

    def delete_saved_search(self, name: str) -> None:
        self.run(SavedSearchCommand(self.library, self.window.notify, name, None))
