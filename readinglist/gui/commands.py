"""Every change the user makes in the window, as an undoable command over the library.

A command's library work runs in the background (see EditController, which runs commands one
after another through the worker): `prepare()` reads what undo will need, `work("do")` and
`work("undo")` change the library and return what they touched; none of them touches Qt. The
EditController pushes a command once its first `do` succeeded; Qt's first `redo()` after the
push is skipped because the change is already done, and later `redo()` / `undo()` calls hand
the work back to the controller.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from readinglist.core import paperfields
from readinglist.core.library import DeletedPapers, Library
from readinglist.core.records import ReadingStatus

# notify(ids, structural): `structural` means rows may appear or vanish or the sidebar counts
# changed, so the window searches again; otherwise repainting the rows is enough.
Notify = Callable[[list[int], bool], None]
Change = tuple[list[int], bool]  # the papers touched, and whether the change is structural
# runner(command, "undo" | "redo"): runs the command's work in the background, then notifies.
Runner = Callable[["LibraryCommand", str], None]

_NOTES_ID = 1  # QUndoCommand.id for merging consecutive note edits
NOTES_MERGE_SECONDS = 4.0


class LibraryCommand(QUndoCommand):
    def __init__(self, text: str, library: Library, notify: Notify) -> None:
        super().__init__(text)
        self.library = library
        self.notify = notify
        self.runner: Runner | None = None
        self._pushed = False

    # ---------------------------------------------------------------- in the worker
    def prepare(self) -> None:
        """Read what undo will need (before the first `do`)."""

    def work(self, op: str) -> Change:
        return self._do() if op == "do" else self._undo()

    def changes_something(self) -> bool:
        """After `prepare`: False when the command turned out to change nothing (nothing to
        undo, so it is not pushed)."""
        return True

    def _do(self) -> Change:
        raise NotImplementedError

    def _undo(self) -> Change:
        raise NotImplementedError

    # ---------------------------------------------------------------- called by QUndoStack
    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the controller already applied it
            return
        self._run("redo")

    def undo(self) -> None:
        self._run("undo")

    def _run(self, op: str) -> None:
        if self.runner is not None:
            self.runner(self, op)
        else:  # no controller: here and now
            self.notify(*self.work("do" if op == "redo" else "undo"))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


class SetStatusCommand(LibraryCommand):
    def __init__(
        self, library: Library, notify: Notify, ids: Sequence[int], status: ReadingStatus
    ) -> None:
        super().__init__(f"Mark {_plural(len(ids), 'paper')} {status.value}", library, notify)
        self.status = status
        self.ids = list(ids)
        self.before: dict[int, ReadingStatus] = {}

    def prepare(self) -> None:
        self.before = paperfields.statuses(self.library, self.ids)

    def _do(self) -> Change:
        self.library.set_status(list(self.before), self.status)
        return list(self.before), True

    def _undo(self) -> Change:
        for status in ReadingStatus:
            ids = [i for i, old in self.before.items() if old is status]
            if ids:
                self.library.set_status(ids, status)
        return list(self.before), True


class SetRatingCommand(LibraryCommand):
    def __init__(self, library: Library, notify: Notify, ids: Sequence[int], rating: int) -> None:
        super().__init__(f"Rate {_plural(len(ids), 'paper')} {rating}", library, notify)
        self.rating = rating
        self.ids = list(ids)
        self.before: dict[int, int] = {}

    def prepare(self) -> None:
        self.before = paperfields.ratings(self.library, self.ids)

    def _do(self) -> Change:
        self.library.set_rating(list(self.before), self.rating)
        return list(self.before), False

    def _undo(self) -> Change:
        for value in set(self.before.values()):
            self.library.set_rating([i for i, r in self.before.items() if r == value], value)
        return list(self.before), False


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
        self.before: dict[int, list[str]] = {}

    def prepare(self) -> None:
        self.before = paperfields.tag_names(self.library, list(self.after))

    def _set(self, wanted: dict[int, list[str]], current: dict[int, list[str]]) -> Change:
        for paper_id, names in wanted.items():
            have = {t.lower(): t for t in current.get(paper_id, [])}
            want = {t.lower(): t for t in names}
            gone = [have[k] for k in have if k not in want]
            new = [want[k] for k in want if k not in have]
            if gone:
                self.library.remove_tags([paper_id], gone)
            if new:
                self.library.add_tags([paper_id], new)
        return list(wanted), True

    def _do(self) -> Change:
        return self._set(self.after, self.before)

    def _undo(self) -> Change:
        return self._set(self.before, self.after)


class AddTagCommand(SetTagsCommand):
    """Add one tag to many papers (each keeps its other tags)."""

    def __init__(self, library: Library, notify: Notify, ids: Sequence[int], name: str) -> None:
        super().__init__(library, notify, {}, f"Tag {_plural(len(ids), 'paper')} “{name}”")
        self.ids = list(ids)
        self.name = name

    def prepare(self) -> None:
        self.before = paperfields.tag_names(self.library, self.ids)
        self.after = {i: [*tags, self.name] for i, tags in self.before.items()}


class ChangeTagsCommand(SetTagsCommand):
    """Add some tags to many papers and take others away (each keeps the rest)."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        ids: Sequence[int],
        added: Sequence[str],
        removed: Sequence[str],
    ) -> None:
        super().__init__(library, notify, {}, f"Tags of {_plural(len(ids), 'paper')}")
        self.ids = list(ids)
        self.added = list(added)
        self.gone = {name.lower() for name in removed}

    def prepare(self) -> None:
        self.before = paperfields.tag_names(self.library, self.ids)
        self.after = {
            i: [t for t in tags if t.lower() not in self.gone] + self.added
            for i, tags in self.before.items()
        }


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
        self.asked = list(ids)
        self.ids: list[int] = []
        self.order_before: list[int] = []

    def prepare(self) -> None:
        order = self.library.list_paper_ids(self.name)
        members = set(order)
        # Only what actually changes is undone: papers already in the list stay in it.
        self.ids = [i for i in self.asked if (i not in members) == self.add]
        # Undoing a removal puts the papers back where they were, not at the end.
        self.order_before = order if not self.add else []

    def _add(self) -> Change:
        if self.ids:
            self.library.add_to_list(self.name, self.ids)
            if self.order_before:
                self.library.move_in_list(self.name, self.order_before)
        return self.ids, True

    def _remove(self) -> Change:
        if self.ids:
            self.library.remove_from_list(self.name, self.ids)
        return self.ids, True

    def _do(self) -> Change:
        return self._add() if self.add else self._remove()

    def _undo(self) -> Change:
        return self._remove() if self.add else self._add()


class ReorderListCommand(LibraryCommand):
    """Move papers within a reading list; undo gives back the old order.

    The new order is worked out when the command runs, from the list as it is then (an
    earlier move may still have been on its way when the key was pressed): `step` moves
    the papers one place up (-1) or down (+1) among those `shown`; `before` puts them just
    before that paper (None: at the end). Papers a filter hides keep their places."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        name: str,
        shown: Sequence[int],
        moved: Sequence[int],
        *,
        step: int = 0,
        before: int | None = None,
    ) -> None:
        super().__init__(f"Move {_plural(len(moved), 'paper')} in “{name}”", library, notify)
        self.name = name
        self.shown = set(shown)
        self.moving = set(moved)
        self.step = step
        self.target = before
        self.order_before: list[int] = []
        self.order_after: list[int] = []
        self.moved: list[int] = []

    def prepare(self) -> None:
        order = self.library.list_paper_ids(self.name)
        visible = [i for i in order if i in self.shown]
        self.moved = [i for i in visible if i in self.moving]
        if self.step:
            moved = visible if self.step < 0 else visible[::-1]
            for index in range(1, len(moved)):
                if moved[index] in self.moving and moved[index - 1] not in self.moving:
                    moved[index - 1], moved[index] = moved[index], moved[index - 1]
            new_visible = moved if self.step < 0 else moved[::-1]
        else:
            rest = [i for i in visible if i not in self.moving]
            at = rest.index(self.target) if self.target in rest else len(rest)
            new_visible = rest[:at] + self.moved + rest[at:]
        placed = iter(new_visible)
        self.order_before = order
        self.order_after = [next(placed) if i in self.shown else i for i in order]

    def changes_something(self) -> bool:
        return self.order_after != self.order_before

    def _do(self) -> Change:
        if self.order_after != self.order_before:
            self.library.move_in_list(self.name, self.order_after)
        return self.moved, True

    def _undo(self) -> Change:
        if self.order_after != self.order_before:
            self.library.move_in_list(self.name, self.order_before)
        return self.moved, True


class DeleteCommand(LibraryCommand):
    def __init__(self, library: Library, notify: Notify, ids: Sequence[int]) -> None:
        super().__init__(f"Delete {_plural(len(ids), 'paper')}", library, notify)
        self.ids = list(ids)
        self.snapshot: DeletedPapers | None = None

    def _do(self) -> Change:
        self.snapshot = self.library.delete_papers(self.ids)
        return self.ids, True

    def _undo(self) -> Change:
        if self.snapshot is not None:
            self.library.restore(self.snapshot)
        return self.ids, True


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

    def _do(self) -> Change:
        self.library.set_notes(self.paper_id, self.new, replacing=self.old)
        return [self.paper_id], False

    def _undo(self) -> Change:
        self.library.set_notes(self.paper_id, self.old, replacing=self.new)
        return [self.paper_id], False


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

    def _do(self) -> Change:
        if self.op == "create":
            self.library.create_list(self.name)
        elif self.op == "rename":
            self.library.rename_list(self.name, self.new_name)
        else:
            self.members = self.library.list_paper_ids(self.name)
            self.library.delete_list(self.name)
        return [], True

    def _undo(self) -> Change:
        if self.op == "create":
            self.library.delete_list(self.name)
        elif self.op == "rename":
            self.library.rename_list(self.new_name, self.name)
        else:
            self.library.create_list(self.name)
            if self.members:
                self.library.add_to_list(self.name, self.members)
        return [], True


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
        self.old: str | None = None

    def prepare(self) -> None:
        searches = self.library.saved_searches()
        old = [s.detail for s in searches if s.name.lower() == self.name.lower()]
        self.old = old[0] if old else None

    def _set(self, query: str | None) -> Change:
        if query is None:
            self.library.delete_saved_search(self.name)
        else:
            self.library.save_search(self.name, query)
        return [], True

    def _do(self) -> Change:
        return self._set(self.query)

    def _undo(self) -> Change:
        return self._set(self.old)
