"""Related papers in the window: "More like this" under the reading pane, a "Suggested" view for
each reading list, and the answers to `like:ID` in the filter bar.

Every question to the model runs through gui/worker.py; the model is loaded (or built, once, on a
library that has none) in the background when the window opens, and catches up with imports,
deletions and merges before each question (the library's change log; see core/related).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, QTimer

from readinglist.core.errors import QueryError
from readinglist.core.related import RelatedPapers
from readinglist.gui.format import published_text
from readinglist.gui.models.sidebar import ENTRY_NAME_ROLE, KEY_ROLE, NAME
from readinglist.gui.widgets.related_list import RelatedItem, RelatedList
from readinglist.gui.worker import Task

if TYPE_CHECKING:
    from readinglist.core.related import RelatedPaper
    from readinglist.gui.main_window import MainWindow

MORE_LIKE_THIS = 8
SUGGESTIONS = 30
BUILDING = "Reading the library for related papers (once)…"
NOT_READY = "like: is not ready yet: the related-papers index is still being read"


class RelatedController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.related = RelatedPapers(window.library)
        self._tasks: set[Task] = set()
        self._pane_generation = 0
        self._suggest_generation = 0
        self._shown_paper: int | None = None
        self.suggesting: str | None = None  # the reading list whose suggestions are shown

        self.more_like = RelatedList("More like this")
        self.more_like.setObjectName("more_like_this")
        window.pane.splitter.addWidget(self.more_like)
        self.suggestions = RelatedList("Suggested", can_add=not window.library.read_only)
        self.suggestions.setObjectName("suggestions")
        window.stack.addWidget(self.suggestions)

        self.library.similar = self._similar
        # After the window's own handler has shown the paper in the pane (connected later).
        window.table.selectionModel().selectionChanged.connect(
            lambda *_args: QTimer.singleShot(0, self, self._selection_changed)
        )
        window.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        window.model.searched.connect(self._searched)
        self.more_like.paper_chosen.connect(self.show_paper)
        self.suggestions.paper_chosen.connect(self._preview)
        self.suggestions.add_requested.connect(self.add_suggestions)
        window.installEventFilter(self)

        if not self.related.has_cached_model():
            window.statusBar().showMessage(BUILDING)
        self._run(self._refresh, self._ready)

    # ------------------------------------------------------------------ background work
    def _refresh(self, cancelled: Callable[[], bool]) -> object:
        self.related.refresh(cancelled=cancelled)
        return None

    def _run(
        self, job: Callable[[Callable[[], bool]], object], done: Callable[[Any], None]
    ) -> None:
        task = Task(lambda _progress, cancelled: job(cancelled))
        task.succeeded.connect(done)
        task.failed.connect(self._failed)
        task.finished.connect(lambda: self._tasks.discard(task))
        self._tasks.add(task)
        task.start()

    def _ready(self, _result: object) -> None:
        status = self.window.statusBar()
        if status.currentMessage() == BUILDING:  # never over another message
            status.clearMessage()
        self._shown_paper = None
        self._selection_changed()

    def _failed(self, error: Exception) -> None:
        self.window.statusBar().showMessage(f"Related papers: {error}", 8000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            for task in list(self._tasks):
                task.cancel()  # a first build stops; the window's close waits for the rest
        return False

    def _similar(self, paper_id: int) -> list[int]:
        """like:ID in the filter bar: answered at once, or refused while the model is busy."""
        ids = self.related.similar_ids_now(paper_id)
        if ids is None:
            raise QueryError(NOT_READY, 0)
        return ids

    def _items(self, found: list[RelatedPaper]) -> list[RelatedItem]:
        records = {
            r.id: r for r in self.library.get_many([p.paper_id for p in found], relations=False)
        }
        return [
            RelatedItem(
                p.paper_id, records[p.paper_id].title, published_text(records[p.paper_id]), p.words
            )
            for p in found
            if p.paper_id in records
        ]

    # ------------------------------------------------------------------ more like this
    def _selection_changed(self, *_args: QItemSelection) -> None:
        """The reading pane shows another paper (the window has just updated it)."""
        record = self.window.pane.record
        paper_id = record.id if record is not None else None
        if paper_id == self._shown_paper:
            return
        self._shown_paper = paper_id
        self._pane_generation += 1
        generation = self._pane_generation
        self.more_like.show_items([])
        if paper_id is None:
            self.more_like.show_status("")
            return
        self.more_like.show_status("Finding related papers…")

        def job(cancelled: Callable[[], bool]) -> object:
            self.related.refresh(cancelled=cancelled)
            return generation, self._items(self.related.more_like(paper_id, MORE_LIKE_THIS))

        self._run(job, self._more_like_found)

    def _more_like_found(self, result: tuple[int, list[RelatedItem]]) -> None:
        generation, items = result
        if generation != self._pane_generation:
            return  # another paper is shown by now
        self.more_like.show_items(items)
        self.more_like.show_status("" if items else "No paper shares its distinctive words.")

    def show_paper(self, paper_id: int) -> None:
        """Select a paper in the table, clearing the filter or the sidebar choice that hides
        it; in the suggestions view, show it in the reading pane."""
        window = self.window
        if window.stack.currentWidget() is self.suggestions:
            self._preview(paper_id)
            return
        if window.model.complete and not window.model.rows_of([paper_id]):
            window.filter_bar.set_text("", apply=False)
            if window.sidebar_key != "all":
                window.select_sidebar("all")
            else:
                window.apply_search()
        window.select_ids([paper_id])

    # ------------------------------------------------------------------ suggestions
    def _sidebar_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.siblingAtColumn(NAME).data(KEY_ROLE)
        if isinstance(key, str) and key.startswith("suggested:"):
            self.show_suggestions(str(current.siblingAtColumn(NAME).data(ENTRY_NAME_ROLE)))
        else:
            self.suggesting = None

    def _searched(self, _count: int, _complete: bool) -> None:
        # The window shows its table after each search; the suggestions view stays in front.
        if self.suggesting is not None and self.window.sidebar_key.startswith("suggested:"):
            self.window.stack.setCurrentWidget(self.suggestions)

    def show_suggestions(self, name: str) -> None:
        self.suggesting = name
        self._suggest_generation += 1
        generation = self._suggest_generation
        self.window.stack.setCurrentWidget(self.suggestions)
        self.suggestions.set_heading(f"Suggested for “{name}”")
        self.suggestions.show_items([])
        self.suggestions.show_status("Finding papers that fit the list…")

        def job(cancelled: Callable[[], bool]) -> object:
            self.related.refresh(cancelled=cancelled)
            members = self.library.list_paper_ids(name)
            found = self.related.suggest(members, SUGGESTIONS)
            return generation, name, len(members), found.words, self._items(found.papers)

        self._run(job, self._suggestions_found)

    def _suggestions_found(
        self, result: tuple[int, str, int, tuple[str, ...], list[RelatedItem]]
    ) -> None:
        generation, name, members, words, items = result
        if generation != self._suggest_generation:
            return
        self.suggestions.show_items(items)
        if not members:
            self.suggestions.show_status(
                f"Add papers to “{name}” first: suggestions fit what it holds."
            )
        elif not items:
            self.suggestions.show_status("No paper outside the list shares its distinctive words.")
        else:
            how = "A adds the chosen papers to the list; or drag them onto any list."
            if not self.suggestions.can_add:
                how = "The library is open read-only."
            self.suggestions.show_status(f"Ranked by: {', '.join(words)}.\n{how}")
        if items:
            self.suggestions.papers.setCurrentRow(0)

    def add_suggestions(self, ids: list[int]) -> None:
        name = self.suggesting
        if name is None:
            return
        # The add runs in the background, in order with other changes; once asked for, the
        # papers leave the suggestions.
        if self.window.editor.add_to_list(name, ids):
            self.suggestions.remove(ids)

    def _preview(self, paper_id: int) -> None:
        found = self.library.get_many([paper_id])
        self.window.pane.show_paper(found[0] if found else None)
        self._selection_changed()
