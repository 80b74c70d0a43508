"""Importing: the file dialog, drops, pastes, the preview (one at a time) and the background
import with its progress and Cancel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressBar, QPushButton

from readinglist.core.errors import ListingError
from readinglist.core.summary import ImportSummary
from readinglist.gui.controllers.editing import READ_ONLY_MESSAGE
from readinglist.gui.dialogs.import_preview import (
    ImportPreviewDialog,
    ImportRequest,
    parse_all,
)
from readinglist.gui.file_dialogs import open_file_names
from readinglist.gui.icons import icon
from readinglist.gui.widgets.import_summary import ImportSummaryLabel
from readinglist.gui.worker import Task
from readinglist.importers import ListingText, files_to_import, listing_from_text, read_listing

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow

LISTING_FILTER = "Saved listing pages (*.txt *.html *.htm *.md *.json *.mhtml *.mht);;All files (*)"


class ImportController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.import_task: Task | None = None
        self.preview_dialog: ImportPreviewDialog | None = None
        self.last_import: list[ImportSummary] = []

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.cancel_button = QPushButton(icon("mdi6.cancel"), "Cancel")
        self.cancel_button.setToolTip("Stop the import; the library stays as it was")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_import)
        # The last import's summary: elided to the room there is, whole in its tooltip.
        self.summary_label = ImportSummaryLabel()
        window.statusBar().addWidget(self.summary_label, 1)
        window.statusBar().addPermanentWidget(self.progress)
        window.statusBar().addPermanentWidget(self.cancel_button)

    def import_dialog(self) -> None:
        paths = open_file_names(self.window, "Import Listing Pages", "", LISTING_FILTER)
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
            self.window.show_message("Nothing to import", str(exc))
            return
        self.preview([listing], [])

    def preview(self, listings: list[ListingText], errors: list[str]) -> None:
        """Open the import preview, or say in one message why nothing can be imported."""
        window = self.window
        if self.library.read_only:
            window.show_message("Nothing to import", READ_ONLY_MESSAGE)
            return
        if self.import_task is not None:
            window.show_message("An import is running", "Wait for it to finish, or cancel it.")
            return
        if self.preview_dialog is not None:
            self.preview_dialog.raise_()  # one preview at a time; finish that one first
            self.preview_dialog.activateWindow()
            return
        parsed, parse_errors = parse_all(listings, None)
        errors = errors + parse_errors
        if not parsed:
            window.show_message("Nothing to import", "\n".join(errors) or "No files were given.")
            return
        dialog = ImportPreviewDialog(self.library, [p.listing for p in parsed], window)
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
        self.window.menus.import_action.setEnabled(False)
        self.window.statusBar().showMessage("Importing…")
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
            self.window.statusBar().showMessage("Cancelling…")

    def _import_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _import_done(self, summaries: list[ImportSummary]) -> None:
        window = self.window
        self.last_import = summaries
        new_ids = [i for s in summaries for i in s.new_ids]
        window.library_changed()
        window.model.invalidate()
        window.apply_search(wait=True)
        if new_ids and len(window.model.rows_of(new_ids)) < len(new_ids):
            # Some new papers are hidden by the filter or the sidebar: show the import itself.
            window.filter_bar.set_text("", apply=False)
            window.select_sidebar("new")
            window.model.wait_until_loaded()
        window.select_ids(new_ids)
        window.statusBar().clearMessage()
        self.summary_label.show_summaries(summaries)

    def _import_cancelled(self) -> None:
        self.window.statusBar().showMessage("Import cancelled; the library is unchanged.", 10000)

    def _import_failed(self, error: Exception) -> None:
        self.window.show_message("Import failed", str(error))

    def _import_finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.window.menus.import_action.setEnabled(not self.library.read_only)
        self.import_task = None

    def cancel_on_close(self) -> None:
        if self.import_task is not None:
            self.import_task.cancel()
