"""Every change the user makes to papers, lists and saved searches, as undoable commands.

Commands run one after another in the background (the worker), in the order the user asked
for them: an edit, an undo and a redo each wait for the one before. A change of 30,000 papers
(Ctrl+A, then R) never holds up the window; the status bar shows it after a moment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QUndoStack
from PySide6.QtWidgets import QInputDialog, QMessageBox

from readinglist.core.errors import ImportCancelled, StaleEdit, UserError
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.gui.commands import (
    AddTagCommand,
    Change,
    ChangeTagsCommand,
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
from readinglist.gui.dialogs.stale_notes import StaleNotesDialog, StaleNotesResult
from readinglist.gui.worker import Cancelled, Progress, Task, wait_for_background_work

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow

READ_ONLY_MESSAGE = "This library is open read-only: nothing can be changed or imported."
_SHOW_PROGRESS_AFTER_MS = 250  # quicker edits show nothing in the status bar


def _no_progress(done: int, total: int, text: str | None = None) -> None:
    """Nobody watches a change made while the window closes."""


class EditController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.undo_stack = QUndoStack(window)
        self._steps: deque[Callable[[], None]] = deque()
        self._running: Task | None = None
        self._current: tuple[LibraryCommand, str] | None = None
        self._closing = False
        self.stale_dialog: StaleNotesDialog | None = None  # notes refused: the choice asked
        pane = window.pane
        pane.status_chosen.connect(self._pane_status)
        pane.rating_chosen.connect(self._pane_rating)
        pane.tags_edited.connect(self._pane_tags)
        pane.tags_changed_for_all.connect(self._pane_tags_for_all)
        pane.notes_edited.connect(self._pane_notes)
        window.sidebar.papers_dropped.connect(self.add_to_list)
        window.table.reorder_requested.connect(self.reorder)
        window.table.doubleClicked.connect(lambda _index: self.open_link())

    # ---------------------------------------------------------------- the queue
    @property
    def idle(self) -> bool:
        """Whether every change asked for is done."""
        return self._running is None and not self._steps

    def run(self, command: LibraryCommand) -> bool:
        """Apply a change in the background, then put it on the undo stack; a UserError is
        shown and nothing is pushed. False when nothing can be changed at all."""
        window = self.window
        if self.library.read_only:  # the last guard, for menu entries made on the fly
            window.statusBar().showMessage(READ_ONLY_MESSAGE, 5000)
            return False
        command.runner = self._start
        self._enqueue(lambda: self._start(command, "apply"))
        return True

    def push_done(self, command: LibraryCommand) -> None:
        """A change already made elsewhere (a completion run): on the undo stack, its undo
        and redo run in the background in order with the others."""
        command.runner = self._start
        self.undo_stack.push(command)  # its first redo() is skipped: it is done

    def undo(self) -> None:
        """Edit ▸ Undo, wherever the focus is: a note being typed is saved first, so it is
        what gets undone (one history for the notes box and the table). It runs after the
        changes asked for before it."""
        self.window.pane.save_notes()
        self._enqueue(self.undo_stack.undo)

    def redo(self) -> None:
        self.window.pane.save_notes()
        # Typing after an undo ends what could be redone (checked when its turn comes).
        self._enqueue(lambda: self.undo_stack.redo() if self.undo_stack.canRedo() else None)

    def _enqueue(self, step: Callable[[], None]) -> None:
        self._steps.append(step)
        self._next()

    def _next(self) -> None:
        # A step starts at most one task (an undo with nothing to undo starts none).
        while self._running is None and self._steps:
            self._steps.popleft()()

    def _start(self, command: LibraryCommand, op: str) -> None:
        """Run `op` ("apply", "undo", "redo") of `command` in the background."""

        def job(_progress: Progress, cancelled: Cancelled) -> Change:
            if op == "apply":
                command.prepare()
                if cancelled():
                    raise ImportCancelled()  # nothing was written yet
                return command.work("do")
            return command.work("do" if op == "redo" else "undo")

        if self._closing:  # the window is closing: here and now, nobody waits for a frame
            self._finish(command, op, job(_no_progress, lambda: False))
            return
        verb = {"apply": "", "undo": "Undoing: ", "redo": "Redoing: "}[op]
        task = Task(job)
        self.window.progress.follow(
            task,
            f"{verb}{command.text()}…",
            "Stop before the library is changed" if op == "apply" else "Runs to its end",
            delay_ms=_SHOW_PROGRESS_AFTER_MS,
        )
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._task_finished)
        self._running = task
        self._current = (command, op)
        task.start()

    def _succeeded(self, change: Change) -> None:
        if self._current is not None:
            self._finish(*self._current, change)

    def _finish(self, command: LibraryCommand, op: str, change: Change) -> None:
        if op == "apply" and command.changes_something():
            self.undo_stack.push(command)  # its first redo() is skipped: it is done
        if not self._closing:
            self.window.notify(*change)

    def _failed(self, error: Exception) -> None:
        command, op = self._current or (None, "")
        if isinstance(error, StaleEdit) and isinstance(command, NotesCommand):
            self._notes_refused(command, command.old if op == "undo" else command.new, error)
            return
        if isinstance(error, UserError):
            self.window.show_message("Cannot do that", str(error))
        else:
            self.window.show_message("The change failed", f"{error}")

    def _notes_refused(self, command: NotesCommand, yours: str, error: StaleEdit) -> None:
        """Someone changed the notes since this edit began: both texts, and the choice."""
        theirs = error.current if isinstance(error.current, PaperRecord) else None
        if theirs is None:
            self.window.show_message("Cannot do that", str(error))
            return
        dialog = StaleNotesDialog(theirs.title, theirs.notes, yours, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.stale_dialog = dialog
        dialog.finished.connect(lambda _code: self._notes_chosen(theirs, dialog.result_choice()))
        dialog.open()

    def _notes_chosen(self, theirs: PaperRecord, chosen: StaleNotesResult) -> None:
        self.stale_dialog = None
        if chosen.clipboard is not None:
            QGuiApplication.clipboard().setText(chosen.clipboard)
            self.window.statusBar().showMessage(
                "Their notes are kept; yours are on the clipboard", 8000
            )
        if chosen.notes == theirs.notes:
            self.window.notify([theirs.id], False)  # the pane shows theirs
            return
        command = NotesCommand(
            self.library, self.window.notify, theirs.id, theirs.notes, chosen.notes
        )
        command.merges = False
        self.run(command)

    def _cancelled(self) -> None:
        self.window.statusBar().showMessage("Cancelled; nothing was changed.", 6000)

    def _task_finished(self) -> None:
        self._running = None
        self._current = None
        self._next()

    def finish_on_close(self) -> None:
        """The window closes: wait for the running change, then do the queued ones here."""
        self._closing = True
        if self._running is not None:
            wait_for_background_work()
            self._running = None
        while self._steps:
            self._steps.popleft()()

    # ---------------------------------------------------------------- edits
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
        if ids:
            self.run(ChangeTagsCommand(self.library, self.window.notify, ids, added, removed))

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
        self.run(AddTagCommand(self.library, self.window.notify, ids, name))

    def _pane_notes(self, paper_id: int, text: str) -> None:
        record = self.window.pane.record
        # The pane holds the paper as last read: its notes are what this edit replaces.
        old = record.notes if record is not None and record.id == paper_id else None
        if old is None:
            old = self.library.get(paper_id).notes
        self.run(NotesCommand(self.library, self.window.notify, paper_id, old, text))

    def add_to_list(self, name: str, ids: Sequence[int]) -> bool:
        """Add papers to a reading list (in the background); whether that was asked for."""
        if ids and self.run(ListCommand(self.library, self.window.notify, name, ids, add=True)):
            self.window.statusBar().showMessage(f"Added {len(ids)} paper(s) to “{name}”", 4000)
            return True
        return False

    def remove_from_list(self, name: str, ids: Sequence[int]) -> None:
        if ids:
            self.run(ListCommand(self.library, self.window.notify, name, ids, add=False))

    # ---------------------------------------------------------------- a reading list's order
    def move_selected(self, step: int) -> None:
        """Ctrl+Up / Ctrl+Down: the selected papers one row up (-1) or down (+1) in the list
        shown; a block that reaches the top or bottom stays there."""
        window = self.window
        chosen = window.table.selected_ids()
        name = window.model.list_name
        if chosen and name is not None:
            shown = list(window.model.ids)
            self.run(
                ReorderListCommand(self.library, window.notify, name, shown, chosen, step=step)
            )

    def reorder(self, moved: Sequence[int], before_row: int) -> None:
        """Papers dragged within the list's view, dropped before `before_row`."""
        window = self.window
        name = window.model.list_name
        shown = list(window.model.ids)
        if name is None or not moved:
            return
        staying = [i for i in shown[before_row:] if i not in set(moved)]
        before = staying[0] if staying else None  # the first paper left below the drop
        command = ReorderListCommand(self.library, window.notify, name, shown, moved, before=before)
        if self.run(command):
            window.select_ids([i for i in shown if i in set(moved)])

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
