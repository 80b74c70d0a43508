"""Export: the export dialog (one at a time) and Copy as BibTeX / Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication

from readinglist.core.errors import UserError
from readinglist.gui.dialogs.export import (
    ExportDialog,
    ExportOptions,
    ExportResult,
    ExportSource,
    issue_keys,
    render,
)

if TYPE_CHECKING:
    from readinglist.gui.main_window import MainWindow


class ExportController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.export_dialog: ExportDialog | None = None

    def _results_source(self) -> ExportSource:
        """The table's papers in its order, titled after the sidebar entry and the query."""
        window = self.window
        entry = window.sidebar_model.entry(window.sidebar_key)
        place = entry.name if entry is not None and entry.kind != "all" else None
        query = window.model.query.strip()
        if place and query:
            title = f"{place}: papers matching {query}"
        elif query:
            title = f"Papers matching {query}"
        else:
            title = place or "Reading list"
        return ExportSource(window.model.all_ids(), title, None, place or "reading-list")

    def open_export_dialog(self) -> None:
        if self.export_dialog is not None:
            self.export_dialog.raise_()  # one export at a time
            self.export_dialog.activateWindow()
            return
        window = self.window
        dialog = ExportDialog(
            self.library,
            selection=window.table.selected_ids(),
            results=self._results_source,
            current_list=window.current_list(),
            export_format=window.settings.export_format,  # the last export's
            parent=window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._export_saved)
        dialog.finished.connect(lambda _result: setattr(self, "export_dialog", None))
        self.export_dialog = dialog
        dialog.open()

    def _export_saved(self, result: ExportResult) -> None:
        self.window.settings.export_format = result.format
        bar = self.window.statusBar()
        # A long path is elided in its middle: the folder's start and the file name show.
        text = bar.fontMetrics().elidedText(
            result.message(), Qt.TextElideMode.ElideMiddle, max(bar.width() - 24, 100)
        )
        bar.showMessage(text, 15000)

    def copy_selection(self, export_format: Literal["markdown", "bibtex"]) -> None:
        """Put the selected papers' export on the clipboard (BibTeX keys are issued first)."""
        window = self.window
        ids = window.table.selected_ids()
        if not ids:
            window.statusBar().showMessage("Select papers to copy first.", 4000)
            return
        options = ExportOptions(export_format)
        source = ExportSource(ids, window.current_list() or "Selected papers")
        try:
            text = render(
                self.library, source, options, keys=issue_keys(self.library, ids, options)
            )
        except (UserError, ValueError) as exc:
            window.show_message("Cannot copy", str(exc))
            return
        QGuiApplication.clipboard().setText(text)
        name = "BibTeX" if export_format == "bibtex" else "Markdown"
        noun = "paper" if len(ids) == 1 else "papers"
        window.statusBar().showMessage(f"Copied {len(ids)} {noun} as {name}", 4000)
