"""Every change the user makes in the window, as an undoable command over the library.

The window calls `apply()` first (it may raise a UserError, which is shown and nothing is
pushed) and then pushes the command; Qt's first `redo()` after the push is skipped because the
change is already done. Each command reports what it touched through `notify`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from readinglist.core.library import DeletedPapers, Library
from readinglist.core.records import ReadingStatus

# notify(ids, structural): `structural` means rows may appear or vanish or the sidebar counts
# changed, so the window searches again; otherwise repainting the rows is enough.
Notify = Callable[[list[int], bool], None]

_NOTES_ID = 1  # QUndoCommand.id for merging consecutive note edits
NOTES_MERGE_SECONDS = 4.0


class LibraryCommand(QUndoCommand):
    def __init__(self, text: str, library: Library, notify: Notify) -> None:
        super().__init__(text)
        self.library = library
        self.notify = notify
        self._pushed = False

    def apply(self) -> None:
        self._do()

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the window already applied it
            return
        self._do()

    def undo(self) -> None:
        self._undo()

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


class SetStatusCommand(LibraryCommand):
    def __init__(
        self, library: Library, notify: Notify, ids: Sequence[int], status: ReadingStatus
    ) -> None:
        super().__init__(f"Mark {_plural(len(ids), 'paper')} {status.value}", library, notify)
        self.status = status
        self.before = {r.id: r.status for r in library.get_many(ids, relations=False)}

    def _do(self) -> None:
        self.library.set_status(list(self.before), self.status)
        self.notify(list(self.before), True)

    def _undo(self) -> None:
        for status in ReadingStatus:
            ids = [i for i, old in self.before.items() if old is status]
            if ids:
                self.library.set_status(ids, status)
        self.notify(list(self.before), True)


class SetRatingCommand(LibraryCommand):
    def __init__(self, library: Library, notify: Notify, ids: Sequence[int], rating: int) -> None:
        super().__init__(f"Rate {_plural(len(ids), 'paper')} {rating}", library, notify)
        self.rating = rating
        self.before = {r.id: r.rating for r in library.get_many(ids, relations=False)}

    def _do(self) -> None:
        self.library.set_rating(list(self.before), self.rating)
        self.notify(list(self.before), False)

    def _undo(self) -> None:
        for value in set(self.before.values()):
            self.library.set_rating([i for i, r in self.before.items() if r == value], value)
        self.notify(list(self.before), False)


class SetTagsCommand(LibraryCommand):
    """Give each paper a new set of tags; undo gives back the old sets."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        after: dict[int, list[str]],
        text: str = "Edit tags",
    ) -> None:
        super().__init__(text, library, notify)
        self.after = after
        self.before = {r.id: list(r.tags) for r in library.get_many(list(after), relations=False)}

    def _set(self, wanted: dict[int, list[str]], current: dict[int, list[str]]) -> None:
        for paper_id, names in wanted.items():
            have = {t.lower(): t for t in current.get(paper_id, [])}
            want = {t.lower(): t for t in names}
            gone = [have[k] for k in have if k not in want]
            new = [want[k] for k in want if k not in have]
            if gone:
                self.library.remove_tags([paper_id], gone)
            if new:
                self.library.add_tags([paper_id], new)
        self.notify(list(wanted), True)

    def _do(self) -> None:
        self._set(self.after, self.before)

    def _undo(self) -> None:
        self._set(self.before, self.after)


class ListCommand(LibraryCommand):
    """Add papers to a reading list, or take them out of it."""

    def __init__(
        self, library: Library, notify: Notify, name: str, ids: Sequence[int], add: bool
    ) -> None:
        verb = "Add" if add else "Remove"
        where = "to" if add else "from"
        super().__init__(f"{verb} {_plural(len(ids), 'paper')} {where} “{name}”", library, notify)
        self.name = name
        self.add = add
        order = library.list_paper_ids(name)
        members = set(order)
        # Only what actually changes is undone: papers already in the list stay in it.
        self.ids = [i for i in ids if (i not in members) == add]
        # Undoing a removal puts the papers back where they were, not at the end.
        self.order_before = order if not add else []

    def _add(self) -> None:
        if self.ids:
            self.library.add_to_list(self.name, self.ids)
            if self.order_before:
                self.library.move_in_list(self.name, self.order_before)
        self.notify(self.ids, True)

    def _remove(self) -> None:
        if self.ids:
            self.library.remove_from_list(self.name, self.ids)
        self.notify(self.ids, True)

    def _do(self) -> None:
        self._add() if self.add else self._remove()

    def _undo(self) -> None:
        self._remove() if self.add else self._add()


class ReorderListCommand(LibraryCommand):
    """Give a reading list a new order (the same papers); undo gives back the old one."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        name: str,
        before: Sequence[int],
        after: Sequence[int],
        moved: Sequence[int],
    ) -> None:
        super().__init__(f"Move {_plural(len(moved), 'paper')} in “{name}”", library, notify)
        self.name = name
        self.before = list(before)
        self.after = list(after)
        self.moved = list(moved)

    def _do(self) -> None:
        self.library.move_in_list(self.name, self.after)
        self.notify(self.moved, True)

    def _undo(self) -> None:
        self.library.move_in_list(self.name, self.before)
        self.notify(self.moved, True)


class DeleteCommand(LibraryCommand):
    def __init__(self, library: Library, notify: Notify, ids: Sequence[int]) -> None:
        super().__init__(f"Delete {_plural(len(ids), 'paper')}", library, notify)
        self.ids = list(ids)
        self.snapshot: DeletedPapers | None = None

    def _do(self) -> None:
        self.snapshot = self.library.delete_papers(self.ids)
        self.notify(self.ids, True)

    def _undo(self) -> None:
        if self.snapshot is not None:
            self.library.restore(self.snapshot)
        self.notify(self.ids, True)


class NotesCommand(LibraryCommand):
    """A note edit. Saves of the same paper's note while typing (each less than
    NOTES_MERGE_SECONDS after the previous one) merge into one undo step; a pause starts
    another, as in a text editor."""

    def __init__(self, library: Library, notify: Notify, paper_id: int, old: str, new: str) -> None:
        super().__init__("Edit notes", library, notify)
        self.paper_id = paper_id
        self.old = old
        self.new = new
        self.saved_at = time.monotonic()

    def id(self) -> int:
        return _NOTES_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NotesCommand) or other.paper_id != self.paper_id:
            return False
        if other.saved_at - self.saved_at > NOTES_MERGE_SECONDS:
            return False
        self.new = other.new
        self.saved_at = other.saved_at
        return True

    def _do(self) -> None:
        self.library.set_notes(self.paper_id, self.new)
        self.notify([self.paper_id], False)

    def _undo(self) -> None:
        self.library.set_notes(self.paper_id, self.old)
        self.notify([self.paper_id], False)


class ListAdminCommand(LibraryCommand):
    """Create, rename or delete a reading list (deleting remembers its papers, in order)."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        op: str,
        name: str,
        new_name: str = "",
    ) -> None:
        label = {"create": "Create", "rename": "Rename", "delete": "Delete"}[op]
        super().__init__(f"{label} reading list “{name}”", library, notify)
        self.op = op
        self.name = name
        self.new_name = new_name
        self.members: list[int] = []

    def _do(self) -> None:
        if self.op == "create":
            self.library.create_list(self.name)
        elif self.op == "rename":
            self.library.rename_list(self.name, self.new_name)
        else:
            self.members = self.library.list_paper_ids(self.name)
            self.library.delete_list(self.name)
        self.notify([], True)

    def _undo(self) -> None:
        if self.op == "create":
            self.library.delete_list(self.name)
        elif self.op == "rename":
            self.library.rename_list(self.new_name, self.name)
        else:
            self.library.create_list(self.name)
            if self.members:
                self.library.add_to_list(self.name, self.members)
        self.notify([], True)


class SavedSearchCommand(LibraryCommand):
    """Save a search under a name (query) or delete it (query None); undo restores the old one."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        name: str,
        query: str | None,
    ) -> None:
        super().__init__(f"{'Save' if query else 'Delete'} search “{name}”", library, notify)
        self.name = name
        self.query = query
        old = [s.detail for s in library.saved_searches() if s.name.lower() == name.lower()]
        self.old = old[0] if old else None

    def _set(self, query: str | None) -> None:
        if query is None:
            self.library.delete_saved_search(self.name)
        else:
            self.library.save_search(self.name, query)
        self.notify([], True)

    def _do(self) -> None:
        self._set(self.query)

    def _undo(self) -> None:
        self._set(self.old)
