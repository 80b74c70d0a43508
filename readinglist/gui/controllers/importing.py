"""Importing: the file dialog, drops, pastes, the preview (one at a time) and the import.

Everything slow runs in the background through the worker: reading the files, parsing them,
the dry run behind the preview, the import, and the refresh after it. The status bar shows
what runs, how far it is, and Cancel (`window.progress`). After an import the selection and
the view are what the user had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from readinglist.core import scopes
from readinglist.core.errors import ListingError
from readinglist.core.summary import ImportSummary
from readinglist.gui.controllers.editing import READ_ONLY_MESSAGE
from readinglist.gui.dialogs.import_preview import ImportPreviewDialog
from readinglist.gui.file_dialogs import open_file_names
from readinglist.gui.import_jobs import (
    ImportChoice,
    ImportPreview,
    build_preview,
    read_files,
    run_import,
)
from readinglist.gui.widgets.import_summary import ImportSummaryLabel, summary_line
from readinglist.gui.worker import Cancelled, Progress, Task
from readinglist.importers import ListingText, listing_from_text

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow

LISTING_FILTER = "Saved listing pages (*.txt *.html *.htm *.md *.json *.mhtml *.mht);;All files (*)"


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class _Imported:
    """An import's summaries, and what the window shows of them, worked out in the background
    (counting 30,000 entries on the GUI thread stalled it 50 ms)."""

    summaries: list[ImportSummary]
    new_scope: str  # "New in the last import": every new paper of the drop
    line: str  # the status bar's summary
    tooltip: str  # every file's own line


class ImportController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.prepare_task: Task | None = None  # reading, parsing and dry-running a drop
        self.import_task: Task | None = None
        self.preview_dialog: ImportPreviewDialog | None = None
        self.last_import: list[ImportSummary] = []
        # The last import's summary: elided to the room there is, whole in its tooltip.
        self.summary_label = ImportSummaryLabel()
        window.statusBar().addWidget(self.summary_label, 1)

    @property
    def busy(self) -> bool:
        """Whether a drop is being read or imported (the preview is not counted)."""
        return self.prepare_task is not None or self.import_task is not None

    def import_dialog(self) -> None:
        paths = open_file_names(self.window, "Import Listing Pages", "", LISTING_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: Sequence[Path], also: Sequence[ListingText] = ()) -> None:
        """Read, parse and dry-run these files (and the listings `also`, read before) in the
        background, then show the preview."""
        library = self.library
        wanted = list(paths)
        earlier = list(also)

        def job(progress: Progress, cancelled: Cancelled) -> ImportPreview:
            listings, errors = read_files(wanted, progress, cancelled)
            return build_preview(library, [*earlier, *listings], errors, None, progress, cancelled)

        self._prepare(job, f"Reading {_files(len(wanted) + len(earlier))}…")

    def paste_listing(self) -> None:
        text = QGuiApplication.clipboard().text()
        try:
            listing = listing_from_text(text)
        except ListingError as exc:
            self.window.show_message("Nothing to import", str(exc))
            return
        self.preview([listing], [])

    def preview(self, listings: list[ListingText], errors: list[str]) -> None:
        """Parse and dry-run listings already read in the background, then show the preview."""
        library = self.library

        def job(progress: Progress, cancelled: Cancelled) -> ImportPreview:
            return build_preview(library, listings, errors, None, progress, cancelled)

        self._prepare(job, f"Reading {_files(len(listings))}…")

    def _refused(self) -> bool:
        """Say why nothing can start now, if so (one message; nothing is read)."""
        window = self.window
        if self.library.read_only:
            window.show_message("Nothing to import", READ_ONLY_MESSAGE)
            return True
        if self.busy:
            window.show_message("An import is running", "Wait for it to finish, or cancel it.")
            return True
        if self.preview_dialog is not None:
            self.preview_dialog.raise_()  # one preview at a time; finish that one first
            self.preview_dialog.activateWindow()
            return True
        return False

    def _prepare(self, job: object, text: str) -> None:
        if self._refused():
            return
        task = Task(job)  # type: ignore[arg-type]
        self.window.progress.follow(task, text, "Stop reading; nothing is imported")
        task.succeeded.connect(self._prepared)
        task.cancelled.connect(self._prepare_cancelled)
        task.failed.connect(self._failed)
        task.finished.connect(self._prepare_finished)
        self.prepare_task = task
        task.start()

    def _prepared(self, preview: ImportPreview) -> None:
        window = self.window
        self.prepare_task = None  # done: a drop that comes right after is not refused
        if not preview.parsed:
            window.show_message(
                "Nothing to import", "\n".join(preview.errors) or "No files were given."
            )
            return
        dialog = ImportPreviewDialog(self.library, preview, window)
        dialog.import_requested.connect(self.start_import)
        dialog.finished.connect(self._preview_closed)
        self.preview_dialog = dialog
        dialog.open()

    def _preview_closed(self) -> None:
        dialog, self.preview_dialog = self.preview_dialog, None
        if dialog is not None:
            dialog.deleteLater()  # its rows and parsed pages go with it

    def _prepare_cancelled(self) -> None:
        self.window.statusBar().showMessage("Cancelled; nothing was imported.", 6000)

    def _prepare_finished(self) -> None:
        self.prepare_task = None

    def start_import(self, choice: ImportChoice) -> None:
        library = self.library

        def job(progress: Progress, cancelled: Cancelled) -> _Imported:
            summaries = run_import(library, choice, progress, cancelled)
            new_ids = [paper_id for summary in summaries for paper_id in summary.new_ids]
            return _Imported(
                summaries,
                scopes.papers_scope(new_ids),
                summary_line(summaries),
                "\n".join(summary.headline() for summary in summaries),
            )

        window = self.window
        window.menus.import_action.setEnabled(False)
        count = len(choice.listings)
        task = Task(job)
        window.progress.follow(
            task,
            f"Importing {_files(count)}…",
            "Stop the import; the library stays as it was",
        )
        task.succeeded.connect(self._import_done)
        task.cancelled.connect(self._import_cancelled)
        task.failed.connect(self._failed)
        task.finished.connect(self._import_finished)
        self.import_task = task
        task.start()

    def cancel_import(self) -> None:
        self.window.progress.cancel()

    def _import_done(self, imported: _Imported) -> None:
        window = self.window
        self.last_import = imported.summaries
        # The counts, the table and the pane follow in the background; the selection and the
        # view stay what the user had (the new papers are under "New in the last import").
        window.model.invalidate()
        window.new_scope = imported.new_scope
        window.refresh()
        window.statusBar().clearMessage()
        self.summary_label.show_text(imported.line, imported.tooltip)

    def _import_cancelled(self) -> None:
        self.window.statusBar().showMessage("Import cancelled; the library is unchanged.", 10000)

    def _failed(self, error: Exception) -> None:
        self.window.show_message("Import failed", str(error))

    def _import_finished(self) -> None:
        self.window.menus.import_action.setEnabled(not self.library.read_only)
        self.import_task = None

    def cancel_on_close(self) -> None:
        for task in (self.prepare_task, self.import_task):
            if task is not None:
                task.cancel()
