"""Paper ▸ Complete from arXiv…: choose which papers, look them up, preview what would change.

The look-up runs in the background (progress, Cancel) and writes nothing. When the user
accepts, the dialog emits `completion_requested` with a `CompletionRequest`; the window's
completion controller applies it, one paper per transaction, as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.completion.http import network_allowed
from readinglist.core.completion.service import Completer, Outcome, PaperPlan
from readinglist.gui.worker import Task

Ids = Callable[[], list[int]]  # called off the GUI thread: it may query the library


@dataclass(frozen=True)
class CompletionScope:
    """One choice of papers: "the selection", "the reading list X", "every incomplete one"."""

    label: str
    ids: Ids


@dataclass(frozen=True)
class CompletionRequest:
    """The plans the user accepted (only those that change something) and who made them."""

    plans: list[PaperPlan]
    completer: Completer


_OUTCOME_TEXT = {
    Outcome.COMPLETE: "Will complete",
    Outcome.NOTHING_NEW: "Nothing new",
    Outcome.AMBIGUOUS: "Ambiguous",
    Outcome.NOT_FOUND: "Not found",
    Outcome.DUPLICATE: "Already in the library",
}


class CompleteDialog(QDialog):
    completion_requested = Signal(object)  # CompletionRequest

    def __init__(
        self,
        scopes: Sequence[CompletionScope],
        make_completer: Callable[[], Completer],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Complete from arXiv and Hugging Face")
        self.resize(820, 560)
        self.scopes = list(scopes)
        self.make_completer = make_completer
        self.completer: Completer | None = None
        self.plans: list[PaperPlan] = []
        self.task: Task | None = None

        intro = QLabel(
            "Looks the papers up on Hugging Face and arXiv and fills what the library lacks: "
            "arXiv id, authors, date, category, DOI, code links. Only empty fields (and assumed "
            "years) are filled; a title that fits several papers, or none, changes nothing."
        )
        intro.setWordWrap(True)
        self.scope_group = QButtonGroup(self)
        scope_box = QVBoxLayout()
        for number, scope in enumerate(self.scopes):
            button = QRadioButton(scope.label)
            self.scope_group.addButton(button, number)
            scope_box.addWidget(button)
        if self.scopes:
            self.scope_group.button(0).setChecked(True)
        self.look_up_button = QPushButton("Look Up")
        self.look_up_button.clicked.connect(self.look_up)
        scope_row = QHBoxLayout()
        scope_row.addLayout(scope_box, 1)
        scope_row.addWidget(self.look_up_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview = QTreeWidget()
        self.preview.setColumnCount(3)
        self.preview.setHeaderLabels(["Paper", "Outcome", "What changes"])
        self.preview.setRootIsDecorated(False)
        self.preview.setUniformRowHeights(True)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.preview.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 300)
        header.setStretchLastSection(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.complete_button = self.buttons.addButton(
            "Complete", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.complete_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(scope_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        if not network_allowed():
            self._refuse("The network is turned off (READINGLIST_NETWORK=off): nothing is fetched.")

    def _refuse(self, text: str) -> None:
        self.status.setText(text)
        self.look_up_button.setEnabled(False)

    def scope(self) -> CompletionScope | None:
        number = self.scope_group.checkedId()
        return self.scopes[number] if 0 <= number < len(self.scopes) else None

    # ---------------------------------------------------------------- looking up
    def look_up(self) -> None:
        scope = self.scope()
        if scope is None or self.task is not None:
            return
        self.completer = completer = self.make_completer()
        self.plans = []
        self.preview.clear()
        self.complete_button.setEnabled(False)
        self.look_up_button.setEnabled(False)
        for button in self.scope_group.buttons():
            button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Looking the papers up…")

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> object:
            ids = scope.ids()
            progress(0, len(ids))
            return list(completer.plan(ids, progress=progress, cancelled=cancelled))

        task = Task(job)
        task.progress.connect(self._progress)
        task.succeeded.connect(self._planned)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._task_done)
        self.task = task
        task.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Looking up {done} of {total} papers…")

    def _planned(self, plans: object) -> None:
        assert isinstance(plans, list)
        self.plans = plans
        counts = {outcome: 0 for outcome in Outcome}
        items = []
        for plan in plans:
            counts[plan.outcome] += 1
            item = QTreeWidgetItem([plan.title, _OUTCOME_TEXT[plan.outcome], _changes(plan)])
            item.setToolTip(0, plan.title)
            item.setToolTip(2, plan.describe())
            items.append(item)
        self.preview.addTopLevelItems(items)
        will = counts[Outcome.COMPLETE]
        if not plans:
            self.status.setText("No paper to complete.")
        else:
            self.status.setText(
                f"{will} of {len(plans)} papers would be completed; "
                f"{counts[Outcome.NOTHING_NEW]} have nothing new, "
                f"{counts[Outcome.AMBIGUOUS]} are ambiguous, "
                f"{counts[Outcome.NOT_FOUND]} were not found, "
                f"{counts[Outcome.DUPLICATE]} are already in the library under their arXiv id. "
                "Nothing has changed yet."
            )
        self.complete_button.setText(f"Complete {will} Paper{'s' if will != 1 else ''}")
        self.complete_button.setEnabled(will > 0)

    def _failed(self, error: object) -> None:
        self.status.setText(f"{error}; nothing changed.")

    def _cancelled(self) -> None:
        self.status.setText("Look-up cancelled; nothing changed.")

    def _task_done(self) -> None:
        self.task = None
        self.progress.hide()
        self.look_up_button.setEnabled(network_allowed())
        for button in self.scope_group.buttons():
            button.setEnabled(True)

    # ---------------------------------------------------------------- closing
    def request(self) -> CompletionRequest | None:
        chosen = [p for p in self.plans if p.outcome is Outcome.COMPLETE]
        if not chosen or self.completer is None:
            return None
        return CompletionRequest(chosen, self.completer)

    def accept(self) -> None:
        request = self.request()
        if request is None:
            return
        super().accept()
        self.completion_requested.emit(request)

    def reject(self) -> None:
        if self.task is not None:  # Cancel stops the look-up first; the dialog stays
            self.task.cancel()
            self.status.setText("Cancelling…")
            return
        super().reject()


def _changes(plan: PaperPlan) -> str:
    if plan.outcome is Outcome.COMPLETE:
        return plan.describe().removeprefix("would fill ")
    return plan.describe()
