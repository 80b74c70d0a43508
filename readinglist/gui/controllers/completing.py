"""Paper ▸ Complete from arXiv…: the dialog, the background run, its one undo step, the
network setting, and the reading pane's note of where completed fields came from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QProgressBar, QPushButton

from readinglist.core.completion.http import NETWORK_ENV, network_allowed
from readinglist.core.completion.service import (
    AppliedCompletion,
    Completer,
    FieldSource,
    field_sources,
    incomplete_ids,
)
from readinglist.core.library import Library
from readinglist.core.records import PaperRecord
from readinglist.gui.commands import Change, LibraryCommand, Notify
from readinglist.gui.dialogs.complete import CompleteDialog, CompletionRequest, CompletionScope
from readinglist.gui.icons import icon
from readinglist.gui.worker import Task

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow


class CompleteCommand(LibraryCommand):
    """A whole completion run as one undo step (applied before it is pushed)."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        completer: Completer,
        done: Sequence[AppliedCompletion],
    ) -> None:
        count = len(done)
        super().__init__(f"Complete {count} paper{'s' if count != 1 else ''}", library, notify)
        self.completer = completer
        self.done = list(done)

    def _do(self) -> Change:
        self.completer.reapply(self.done)
        return [a.paper_id for a in self.done], True

    def _undo(self) -> Change:
        self.completer.revert(self.done)
        return [a.paper_id for a in self.done], True


def sources_text(sources: Sequence[FieldSource]) -> str:
    """'Completed from arXiv (1910.02054) on 2026-12-06: authors, date, DOI' per source."""
    groups: dict[tuple[str, str | None, str], list[str]] = {}
    for source in sources:
        if source.field in {"published_precision", "organization_handle", "authors_count"}:
            continue  # shown through the field they go with
        day = f"{source.completed_at:%Y-%m-%d %H:%M} UTC"
        groups.setdefault((source.source_label, source.reference, day), []).append(source.label)
    lines = []
    for (label, reference, day), fields in groups.items():
        origin = f"{label} ({reference})" if reference else label
        lines.append(f"Completed from {origin} on {day}: {', '.join(fields)}")
    return "\n".join(lines)


class CompletionController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.dialog: CompleteDialog | None = None
        self.task: Task | None = None
        self.done: list[AppliedCompletion] = []

        self.complete_action = QAction(icon("mdi6.cloud-download-outline"), "Complete from &arXiv…")
        self.complete_action.setStatusTip(
            "Fill arXiv ids, authors, dates and DOIs from arXiv and Hugging Face"
        )
        self.complete_action.triggered.connect(lambda _checked=False: self.open_dialog())
        self.network_action = QAction("Allow &Network Access", checkable=True)
        self.network_action.setStatusTip(
            "Let Complete from arXiv… reach arXiv and Hugging Face; nothing else uses the network"
        )
        self.network_action.setChecked(window.settings.network_allowed)
        self.network_action.toggled.connect(self._network_toggled)
        for action in (self.complete_action, self.network_action):
            action.setParent(window)
            window.addAction(action)
        paper_menu = self._paper_menu()
        if paper_menu is not None:
            paper_menu.addSeparator()
            paper_menu.addAction(self.complete_action)
            paper_menu.addAction(self.network_action)
        self._update_actions()

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop; the papers completed so far stay completed")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        window.statusBar().addPermanentWidget(self.progress)
        window.statusBar().addPermanentWidget(self.cancel_button)
        self._source_reads: set[Task] = set()
        window.pane.paper_shown.connect(self._show_sources)

    def _paper_menu(self) -> QMenu | None:
        for action in self.window.menuBar().actions():
            menu = action.menu()
            if action.text().replace("&", "") == "Paper" and isinstance(menu, QMenu):
                return menu
        return None

    def _update_actions(self) -> None:
        allowed = self.window.settings.network_allowed and network_allowed()
        self.complete_action.setEnabled(allowed and not self.library.read_only)
        if not network_allowed():
            self.network_action.setEnabled(False)
            self.network_action.setStatusTip(f"Turned off by {NETWORK_ENV}=off")

    def _network_toggled(self, allowed: bool) -> None:
        self.window.settings.network_allowed = allowed
        self._update_actions()

    # ---------------------------------------------------------------- the dialog
    def scopes(self) -> list[CompletionScope]:
        window = self.window
        scopes: list[CompletionScope] = []
        selected = window.table.selected_ids()
        if selected:
            noun = "paper" if len(selected) == 1 else "papers"
            scopes.append(CompletionScope(f"The {len(selected)} selected {noun}", lambda: selected))
        name = window.current_list()
        if name is not None:
            scopes.append(
                CompletionScope(
                    f"The papers of the reading list “{name}”",
                    lambda: self.library.list_paper_ids(name),
                )
            )
        scopes.append(
            CompletionScope(
                "Every incomplete paper (no arXiv id, authors or date)",
                lambda: incomplete_ids(self.library),
            )
        )
        return scopes

    def open_dialog(self, make_completer: Callable[[], Completer] | None = None) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        if self.task is not None:
            self.window.statusBar().showMessage("A completion is running.", 4000)
            return
        if not (self.window.settings.network_allowed and network_allowed()):
            self.window.statusBar().showMessage(
                "Network access is off (Paper ▸ Allow Network Access).", 5000
            )
            return
        dialog = CompleteDialog(
            self.scopes(), make_completer or (lambda: Completer(self.library)), self.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completion_requested.connect(self.apply)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    # ---------------------------------------------------------------- applying
    def apply(self, request: object) -> None:
        """Apply the accepted plans in the background, one paper per transaction; whatever
        is done when it ends (finished, cancelled or failed) becomes one undo step."""
        assert isinstance(request, CompletionRequest)
        completer = request.completer
        plans = request.plans
        done: list[AppliedCompletion] = []
        self.done = done

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> object:
            for number, plan in enumerate(plans, 1):
                if cancelled():
                    break
                done.append(completer.apply(plan))
                progress(number, len(plans))
            return done

        self.progress.setRange(0, len(plans))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.window.statusBar().showMessage(f"Completing {len(plans)} papers…")
        task = Task(job)
        task.progress.connect(lambda value, _total: self.progress.setValue(value))
        task.failed.connect(
            lambda error: self.window.show_message("Completion stopped", str(error))
        )
        task.finished.connect(lambda: self._finished(completer, done, len(plans)))
        self.task = task
        task.start()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def _finished(self, completer: Completer, done: list[AppliedCompletion], total: int) -> None:
        self.task = None
        self.progress.hide()
        self.cancel_button.hide()
        changed = [a for a in done if a.changed]
        if changed:
            command = CompleteCommand(self.library, self.window.notify, completer, changed)
            self.window.editor.push_done(command)  # already applied: its undo runs in order
            self.window.notify([a.paper_id for a in changed], True)
        skipped = sum(a.duplicate_of is not None for a in done)
        text = f"Completed {len(changed)} of {total} papers"
        if skipped:
            text += f"; {skipped} turned out to be in the library already"
        self.window.statusBar().showMessage(text, 15000)

    # ---------------------------------------------------------------- the reading pane
    def _show_sources(self, record: object) -> None:
        """Where the shown paper's completed fields came from, read in the background (a
        shared library's server may be far)."""
        if not isinstance(record, PaperRecord):
            return
        library, paper_id = self.library, record.id

        def job(_progress: object, _cancelled: object) -> tuple[int, str]:
            return paper_id, sources_text(field_sources(library, paper_id))

        task = Task(job)
        task.succeeded.connect(self._sources_read)
        task.finished.connect(lambda: self._source_reads.discard(task))
        self._source_reads.add(task)
        task.start()

    def _sources_read(self, result: tuple[int, str]) -> None:
        paper_id, text = result
        shown = self.window.pane.record
        if shown is not None and shown.id == paper_id:  # still the paper shown
            self.window.pane.set_sources_text(text)
