"""The import preview: what a file (or pasted text) holds and what importing it would do.

Files, drops and pastes all come here. The dialog parses and dry-runs; it never writes. When
the user accepts, it emits `import_requested` with everything the window's background import
needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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

from readinglist.core.entries import ParseResult
from readinglist.core.errors import ListingError
from readinglist.core.library import Library
from readinglist.gui.dialogs.sizing import fit_to_screen
from readinglist.gui.models.import_preview import (
    FILE,
    LINE,
    MARKER,
    TITLE,
    ImportPreviewModel,
    PreviewRow,
    rows_from_summary,
)
from readinglist.importers import ListingText, ParseOptions, parse_listing

_AUTOMATIC_YEAR = 1990  # the spin box's lowest value reads "as the page says"


@dataclass(frozen=True)
class ParsedListing:
    listing: ListingText
    result: ParseResult


@dataclass(frozen=True)
class ImportRequest:
    """What to import: parsed listings (one transaction each) and an optional target list."""

    listings: list[ParsedListing]
    list_name: str | None


def parse_all(
    listings: Sequence[ListingText], year: int | None
) -> tuple[list[ParsedListing], list[str]]:
    """Parse each listing; the ones that are not listings come back as one message each."""
    parsed: list[ParsedListing] = []
    errors: list[str] = []
    for listing in listings:
        try:
            parsed.append(ParsedListing(listing, parse_listing(listing, ParseOptions(year=year))))
        except ListingError as exc:
            errors.append(str(exc))
    return parsed, errors


class ImportPreviewDialog(QDialog):
    import_requested = Signal(object)  # ImportRequest

    def __init__(
        self,
        library: Library,
        listings: Sequence[ListingText],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.listings = list(listings)
        self.parsed: list[ParsedListing] = []
        names = ", ".join(listing.name for listing in self.listings)
        self.setWindowTitle(f"Import {names}")
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
        for column in (MARKER, LINE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # File names can be long: the titles keep the room (the whole name is the tooltip).
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(FILE, self.fontMetrics().averageCharWidth() * 24)
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
        self.year.setValue(_AUTOMATIC_YEAR)
        self.year.valueChanged.connect(self._reparse)

        self.target_list = QComboBox()
        self.target_list.setEditable(True)
        self.target_list.addItem("")
        self.target_list.addItems([item.name for item in library.lists()])
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
        self._reparse()

    def show_duplicates_first(self, _link: str = "") -> None:
        self.table.sortByColumn(MARKER, Qt.SortOrder.AscendingOrder)
        self.table.scrollToTop()

    def _chosen_year(self) -> int | None:
        value = self.year.value()
        return None if value == _AUTOMATIC_YEAR else value

    def _reparse(self) -> None:
        self.parsed, errors = parse_all(self.listings, self._chosen_year())
        rows: list[PreviewRow] = []
        notes: list[str] = list(errors)
        for item in self.parsed:
            listing, result = item.listing, item.result
            summary = self.library.import_result(
                result,
                file_name=listing.name,
                file_path=str(listing.path) if listing.path else None,
                sha256=listing.sha256,
                dry_run=True,
            )
            columns = [paper.column for paper in result.papers]
            rows.extend(rows_from_summary(summary, columns, len(rows)))
            prefix = f"{listing.name}: " if len(self.parsed) > 1 else ""
            notes.extend(f"{prefix}{assumption}" for assumption in result.assumptions)
            notes.extend(f"{prefix}{warning}" for warning in result.warnings)
            if summary.same_file_seen_before:
                notes.append(f"{listing.name} was imported before.")
        self.model.set_rows(rows)
        # One file: its name is in the window title; the column would only repeat it.
        self.table.setColumnHidden(FILE, len(self.parsed) < 2)
        self.warnings.setPlainText("\n".join(notes))
        new, present = self.model.count("new"), self.model.count("present")
        duplicates = self.model.count("duplicate")
        show = ' <a href="#duplicates">show them first</a>' if duplicates else ""
        self.summary_label.setText(
            f"<b>{len(rows)}</b> paper{'' if len(rows) == 1 else 's'} found: "
            f"<b>{new + duplicates}</b> new"
            f" ({duplicates} possible duplicate{'s' if duplicates != 1 else ''}{show}),"
            f" <b>{present}</b> already in the library."
        )
        self.import_button.setEnabled(bool(self.parsed))
        if self.year.value() == _AUTOMATIC_YEAR and self.parsed:
            # Show the year the importer settled on, without re-parsing.
            page_date = self.parsed[0].result.page_date
            self.year.setToolTip(
                f"Assumed {page_date.year if page_date else dt.date.today().year} by default; "
                "change it if the page is from another year."
            )

    def _accept(self) -> None:
        name = self.target_list.currentText().strip() or None
        self.import_requested.emit(ImportRequest(list(self.parsed), name))
        self.accept()
