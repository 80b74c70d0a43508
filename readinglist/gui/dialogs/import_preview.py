"""The import preview: what a file (or pasted text) holds and what importing it would do.

Files, drops and pastes all come here, already read, parsed and dry-run in the background
(gui/import_jobs.py); a change of the assumed year runs that again in the background, and its
result replaces the rows only if no newer change came meanwhile. The dialog never writes: when
the user accepts, it emits `import_requested` with an ImportChoice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.library import Library
from readinglist.gui.dialogs.sizing import fit_to_screen
from readinglist.gui.import_jobs import ImportChoice, ImportPreview, build_preview
from readinglist.gui.models.import_preview import FILE, LINE, MARKER, TITLE, ImportPreviewModel
from readinglist.gui.worker import Cancelled, Progress, Task
from readinglist.importers import ListingText

_AUTOMATIC_YEAR = 1990  # the spin box's lowest value reads "as the page says"


class ImportPreviewDialog(QDialog):
    import_requested = Signal(object)  # ImportChoice

    def __init__(
        self,
        library: Library,
        preview: ImportPreview,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.preview = preview
        self._task: Task | None = None  # the latest re-parse, while it runs
        self._generation = 0
        names_text = ", ".join(listing.name for listing in preview.listings)
        self.setWindowTitle(f"Import {names_text}")
        fit_to_screen(self, 900, 600)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.linkActivated.connect(self.show_duplicates_first)
        self.model = ImportPreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # Widths from the longest possible text, not measured over 30,000 rows (which asked
        # the model for 15,000 cells on opening).
        metrics = self.table.fontMetrics()
        for column, text in ((MARKER, "Possible duplicate"), (LINE, "Line 00000:000")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, metrics.horizontalAdvance(text) + 24)
        # File names can be long: the titles keep the room (the whole name is the tooltip).
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(FILE, metrics.averageCharWidth() * 24)
        self.table.setWordWrap(False)
        # Click a header to sort; the marker column brings possible duplicates to the top.
        # No sort indicator until then: the rows start in page order.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.setToolTip("Click a column to sort; “Possible duplicate” sorts first")

        self.warnings = QPlainTextEdit()
        self.warnings.setReadOnly(True)
        self.warnings.setMaximumHeight(110)
        self.warnings.setPlaceholderText("No warnings.")

        self.year = QSpinBox()
        self.year.setRange(_AUTOMATIC_YEAR, 2100)
        self.year.setSpecialValueText("As the page says")
        self.year.setToolTip(
            "Text copies print dates without a year; this is the year they are assumed to be in."
        )
        self.year.setValue(preview.year if preview.year is not None else _AUTOMATIC_YEAR)
        self.year.valueChanged.connect(self._reparse)

        self.target_list = QComboBox()
        self.target_list.setEditable(True)
        self.target_list.addItem("")
        self.target_list.addItems(preview.list_names)
        self.target_list.setToolTip(
            "Also add the papers to this reading list (a new name creates it)"
        )
        line_edit = self.target_list.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText("None")

        form = QFormLayout()
        form.addRow("Assumed year:", self.year)
        form.addRow("Add to reading list:", self.target_list)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Warnings:"))
        layout.addWidget(self.warnings)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.finished.connect(self._stop)
        self._show(preview)

    def show_duplicates_first(self, _link: str = "") -> None:
        self.table.sortByColumn(MARKER, Qt.SortOrder.AscendingOrder)
        self.table.scrollToTop()

    @property
    def listings(self) -> list[ListingText]:
        return self.preview.listings

    @property
    def busy(self) -> bool:
        """Whether a re-parse for a new year is still running."""
        return self._task is not None

    def _chosen_year(self) -> int | None:
        value = self.year.value()
        return None if value == _AUTOMATIC_YEAR else value

    def _reparse(self) -> None:
        """The year changed: parse and dry-run again in the background; the rows shown stay
        until the new ones are ready, and Import waits for them."""
        if self._task is not None:
            self._task.cancel()  # its result is stale already
        self._generation += 1
        generation = self._generation
        library, preview, year = self.library, self.preview, self._chosen_year()

        def job(progress: Progress, cancelled: Cancelled) -> tuple[int, ImportPreview]:
            return generation, build_preview(
                library, preview.listings, preview.errors, year, progress, cancelled
            )

        self.import_button.setEnabled(False)
        self.summary_label.setText(
            f"Reading the page{'s' if len(preview.parsed) > 1 else ''} again with the new year…"
        )
        task = Task(job)
        task.succeeded.connect(self._reparsed)
        task.finished.connect(self._task_finished)
        self._task = task
        task.start()

    def _reparsed(self, result: tuple[int, ImportPreview]) -> None:
        generation, preview = result
        if generation == self._generation:
            self._show(preview)

    def _task_finished(self) -> None:
        if self.sender() is self._task:
            self._task = None

    def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _show(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.model.set_rows(preview.rows, preview.shared_lines)
        # One file: its name is in the window title; the column would only repeat it.
        self.table.setColumnHidden(FILE, len(preview.parsed) < 2)
        self.warnings.setPlainText("\n".join(preview.notes))
        rows = len(preview.rows)
        new, present = preview.counts["new"], preview.counts["present"]
        duplicates = preview.counts["duplicate"]
        show = ' <a href="#duplicates">show them first</a>' if duplicates else ""
        self.summary_label.setText(
            f"<b>{rows:,}</b> paper{'' if rows == 1 else 's'} found: "
            f"<b>{new + duplicates:,}</b> new"
            f" ({duplicates} possible duplicate{'s' if duplicates != 1 else ''}{show}),"
            f" <b>{present:,}</b> already in the library."
        )
        self.import_button.setEnabled(bool(preview.parsed))
        if preview.year is None and preview.parsed:
            self.year.setToolTip(
                f"Assumed {preview.page_year} by default; "
                "change it if the page is from another year."
            )

    def _accept(self) -> None:
        if self.busy:
            return  # Import is off until the rows for the chosen year are in
        name = self.target_list.currentText().strip() or None
        choice = ImportChoice(list(self.preview.parsed), name, self.preview.year)
        self.import_requested.emit(choice)
        self.accept()
