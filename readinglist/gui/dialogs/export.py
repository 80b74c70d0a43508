"""File ▸ Export…: a reading list, the selection or the search results as Markdown or BibTeX.

The dialog shows a live preview of the first papers and writes the whole export in the
background when the user picks a file. BibTeX keys are issued (stored with their papers) before
anything is written, so a document citing them never breaks. When the file is written the
dialog emits `saved` and closes; errors stay in the dialog as one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.database import is_open_library_file
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.exporters.bibtex import export_bibtex
from readinglist.exporters.markdown import AbstractMode, GroupBy, export_markdown
from readinglist.gui.dialogs.sizing import fit_to_screen
from readinglist.gui.file_dialogs import save_file_name
from readinglist.gui.icons import icon
from readinglist.gui.worker import Task

ExportFormat = Literal["markdown", "bibtex"]
ScopeKind = Literal["selection", "results", "list"]

PREVIEW_PAPERS = 50
EXTENSIONS: dict[ExportFormat, str] = {"markdown": ".md", "bibtex": ".bib"}
FILTERS: dict[ExportFormat, str] = {"markdown": "Markdown (*.md)", "bibtex": "BibTeX (*.bib)"}
ALL_FILES = "All files (*)"
# A file name's extension says its format; an extension not listed here leaves the choice.
FORMAT_OF_SUFFIX: dict[str, ExportFormat] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
}
FORMAT_NAMES: dict[ExportFormat, str] = {"markdown": "Markdown", "bibtex": "BibTeX"}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class ExportOptions:
    format: ExportFormat = "markdown"
    abstracts: AbstractMode = "none"  # BibTeX: anything but "none" includes them
    include_notes: bool = False
    group_by: GroupBy = None  # Markdown only


@dataclass(frozen=True)
class ExportSource:
    """What is exported: papers in order, and the heading a Markdown export gets."""

    ids: list[int]
    title: str
    description: str | None = None
    file_stem: str = "reading-list"


@dataclass(frozen=True)
class ExportResult:
    """A written export: where, how many papers, in which format."""

    path: Path
    count: int
    format: ExportFormat
    # The file's name asked for another format than the one chosen, and got it.
    format_from_name: bool = False

    def message(self) -> str:
        """One line for the status bar."""
        noun = "entries" if self.format == "bibtex" else "papers"
        text = f"Exported {self.count} {noun} to {self.path} as {FORMAT_NAMES[self.format]}"
        if self.format_from_name:
            text += f" (as its name {self.path.suffix} says)"
        return text


def issue_keys(library: Library, ids: Sequence[int], options: ExportOptions) -> dict[int, str]:
    """BibTeX: the papers' citation keys, issued and stored now (a write, on the GUI thread)
    so that what is written cites them for good. Markdown needs none."""
    return library.issue_citation_keys(ids) if options.format == "bibtex" else {}


def render(
    library: Library,
    source: ExportSource,
    options: ExportOptions,
    *,
    keys: Mapping[int, str] | None = None,
    limit: int | None = None,
) -> str:
    """The export of `source` (its first `limit` papers when given) as text.

    BibTeX uses `keys` (see issue_keys); papers without one keep their stored key or get one
    made up for this text only, which is fine for a preview and nothing else."""
    ids = source.ids if limit is None else source.ids[:limit]
    if options.format == "bibtex":
        return export_bibtex(
            library.get_many(ids, relations=False),
            keys=keys or {},
            include_abstracts=options.abstracts != "none",
            include_notes=options.include_notes,
        )
    return export_markdown(
        library.get_many(ids, relations=False),
        title=source.title,
        description=source.description,
        abstracts=options.abstracts,
        include_notes=options.include_notes,
        group_by=options.group_by,
    )


def default_file_name(stem: str, export_format: ExportFormat) -> str:
    """A file name from a list's name: no path separators or characters file systems refuse."""
    clean = " ".join(_UNSAFE_NAME.sub(" ", stem).split()).strip(" .")
    return (clean or "reading-list") + EXTENSIONS[export_format]


def format_for_path(path: Path, chosen: ExportFormat) -> ExportFormat:
    """The format a file name asks for (".bib" is BibTeX), else the one chosen."""
    return FORMAT_OF_SUFFIX.get(path.suffix.lower(), chosen)


def error_sentence(error: BaseException, path: Path | None = None) -> str:
    """One sentence for the user, never a traceback."""
    if isinstance(error, OSError):
        where = f" {path.name}" if path is not None else ""
        reason = error.strerror or str(error)
        return f"Could not write{where}: {reason[:1].lower()}{reason[1:]}."
    text = str(error).strip().rstrip(".") or type(error).__name__
    return f"Could not export: {text}."


class ExportDialog(QDialog):
    saved = Signal(object)  # ExportResult

    last_directory: Path | None = None  # where the previous export went, for this session

    def __init__(
        self,
        library: Library,
        *,
        selection: Sequence[int],
        results: Callable[[], ExportSource],
        current_list: str | None = None,
        export_format: ExportFormat = "markdown",
        parent: QWidget | None = None,
    ) -> None:
        """`export_format` is the one chosen at first: the last export's (see the settings)."""
        super().__init__(parent)
        self.library = library
        self.selection = list(selection)
        self._results = results
        self._results_source: ExportSource | None = None
        self.source: ExportSource = ExportSource([], "Reading list")
        self.task: Task | None = None
        self._writing: Path | None = None
        self.setWindowTitle("Export")
        fit_to_screen(self, 960, 640)

        # --- format
        self.markdown_button = QRadioButton("&Markdown")
        self.bibtex_button = QRadioButton("&BibTeX")
        self.markdown_button.setChecked(export_format == "markdown")
        self.bibtex_button.setChecked(export_format == "bibtex")
        self.format_group = QButtonGroup(self)
        self.format_group.addButton(self.markdown_button)
        self.format_group.addButton(self.bibtex_button)
        format_row = QHBoxLayout()
        format_row.addWidget(self.markdown_button)
        format_row.addWidget(self.bibtex_button)
        format_row.addStretch(1)

        # --- scope
        self.scope = QComboBox()
        self.scope.addItem(f"Selected papers ({len(self.selection)})", "selection")
        self.scope.addItem("Search results as the table shows them", "results")
        self.lists = QComboBox()
        self.lists.setToolTip("The reading list to export, in its own order")
        for item in library.lists():
            self.lists.addItem(icon("mdi6.playlist-star"), f"{item.name} ({item.count})", item.name)
        if self.lists.count():
            self.scope.addItem("Reading list", "list")
        self.lists.setEnabled(False)
        if current_list is not None:
            found = self.lists.findData(current_list)
            if found >= 0:
                self.lists.setCurrentIndex(found)
        # The list the sidebar shows, else a selection of several papers, else the results.
        start = "selection" if len(self.selection) > 1 else "results"
        if current_list is not None and self.lists.findData(current_list) >= 0:
            start = "list"
        self.scope.setCurrentIndex(self.scope.findData(start))

        # --- options, one page per format
        self.md_abstracts = QComboBox()
        for text, value in (
            ("None", "none"),
            ("Full text", "full"),
            ("Folded (<details>)", "details"),
        ):
            self.md_abstracts.addItem(text, value)
        self.md_notes = QCheckBox("Include my notes")
        self.md_group = QComboBox()
        for text, group in (("None", None), ("Tag", "tag"), ("Status", "status")):
            self.md_group.addItem(text, group)
        md_page = QWidget()
        md_form = QFormLayout(md_page)
        md_form.setContentsMargins(0, 0, 0, 0)
        md_form.addRow("Abstracts:", self.md_abstracts)
        md_form.addRow("Group by:", self.md_group)
        md_form.addRow("", self.md_notes)

        self.bib_abstracts = QCheckBox("Include abstracts")
        self.bib_notes = QCheckBox("Include my notes (annote field)")
        bib_page = QWidget()
        bib_layout = QVBoxLayout(bib_page)
        bib_layout.setContentsMargins(0, 0, 0, 0)
        bib_layout.addWidget(self.bib_abstracts)
        bib_layout.addWidget(self.bib_notes)
        bib_layout.addStretch(1)

        self.options = QStackedWidget()
        self.options.addWidget(md_page)
        self.options.addWidget(bib_page)
        options_box = QGroupBox("Options")
        options_layout = QVBoxLayout(options_box)
        options_layout.addWidget(self.options)

        form = QFormLayout()
        form.addRow("Format:", format_row)
        form.addRow("Export:", self.scope)
        form.addRow("Reading list:", self.lists)

        # --- preview
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)  # a small screen still shows the whole dialog
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()

        # --- buttons
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton(icon("mdi6.content-save-outline"), "&Save…")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(options_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview_label)
        right.addWidget(self.preview, 1)
        top = QHBoxLayout()
        top.addLayout(left, 0)
        top.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        # --- signals: every choice updates the preview
        self.format_group.buttonToggled.connect(self._format_toggled)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.lists.currentIndexChanged.connect(self._scope_changed)
        for combo in (self.md_abstracts, self.md_group):
            combo.currentIndexChanged.connect(self.update_preview)
        for box in (self.md_notes, self.bib_abstracts, self.bib_notes):
            box.toggled.connect(self.update_preview)
        self.options.setCurrentIndex(1 if self.export_format() == "bibtex" else 0)
        self._scope_changed()

    # ---------------------------------------------------------------- choices
    def export_format(self) -> ExportFormat:
        return "bibtex" if self.bibtex_button.isChecked() else "markdown"

    def set_format(self, export_format: ExportFormat) -> None:
        button = self.bibtex_button if export_format == "bibtex" else self.markdown_button
        button.setChecked(True)

    def scope_kind(self) -> ScopeKind:
        kind = self.scope.currentData()
        return kind if kind in ("selection", "results", "list") else "selection"

    def set_scope(self, kind: ScopeKind, list_name: str | None = None) -> None:
        if list_name is not None:
            self.lists.setCurrentIndex(self.lists.findData(list_name))
        self.scope.setCurrentIndex(self.scope.findData(kind))

    def export_options(self) -> ExportOptions:
        if self.export_format() == "bibtex":
            return ExportOptions(
                "bibtex",
                "full" if self.bib_abstracts.isChecked() else "none",
                self.bib_notes.isChecked(),
            )
        abstracts: AbstractMode = self.md_abstracts.currentData()
        group_by: GroupBy = self.md_group.currentData()
        return ExportOptions("markdown", abstracts, self.md_notes.isChecked(), group_by)

    def _format_toggled(self) -> None:
        self.options.setCurrentIndex(1 if self.export_format() == "bibtex" else 0)
        self.update_preview()

    def _scope_changed(self) -> None:
        kind = self.scope_kind()
        self.lists.setEnabled(kind == "list")
        try:
            self.source = self._source(kind)
        except UserError as error:
            self.source = ExportSource([], "Reading list")
            self.preview.clear()
            self._describe()
            self._show_error(error_sentence(error))
            return
        self.update_preview()

    def _source(self, kind: ScopeKind) -> ExportSource:
        if kind == "selection":
            return ExportSource(self.selection, "Selected papers")
        if kind == "results":
            if self._results_source is None:
                self._results_source = self._results()
            return self._results_source
        name = self.lists.currentData()
        if not isinstance(name, str):
            return ExportSource([], "Reading list")
        found = [item for item in self.library.lists() if item.name == name]
        description = found[0].detail if found else ""
        return ExportSource(self.library.list_paper_ids(name), name, description or None, name)

    # ---------------------------------------------------------------- preview
    def update_preview(self) -> None:
        self._show_error(None)
        try:
            text = render(
                self.library,
                self.source,
                self.export_options(),
                limit=PREVIEW_PAPERS,
            )
        except (UserError, ValueError) as error:
            self.preview.clear()
            self._show_error(error_sentence(error))
            return
        self.preview.setPlainText(text)
        self._describe()

    def _describe(self) -> None:
        count = len(self.source.ids)
        if count > PREVIEW_PAPERS:
            self.preview_label.setText(
                f"Preview of the first {PREVIEW_PAPERS} of {count:,} papers; "
                "Save… writes all of them."
            )
        else:
            self.preview_label.setText(f"Preview: {count:,} paper{'' if count == 1 else 's'}.")
        self.save_button.setEnabled(count > 0 and self.task is None)

    def _show_error(self, sentence: str | None) -> None:
        self.error_label.setText(sentence or "")
        self.error_label.setVisible(bool(sentence))

    # ---------------------------------------------------------------- saving
    def save(self) -> None:
        export_format = self.export_format()
        name = default_file_name(self.source.file_stem, export_format)
        start = ExportDialog.last_directory or Path.home()
        other: ExportFormat = "markdown" if export_format == "bibtex" else "bibtex"
        # Both formats offered, the chosen one first; the name's extension decides (write).
        filters = ";;".join((FILTERS[export_format], FILTERS[other], ALL_FILES))
        chosen = save_file_name(self, "Export", str(start / name), filters)
        if chosen:
            self.write(Path(chosen))

    def write(self, path: Path) -> None:
        """Write the whole export to `path` in the background; `saved` follows.

        The name's extension decides the format (Markdown never lands in a .bib file): the
        dialog switches to it, and the result says so."""
        if self.task is not None:
            return
        chosen = self.export_format()
        if not path.suffix:
            path = path.with_suffix(EXTENSIONS[chosen])
        if is_open_library_file(path):
            self._show_error(f"{path.name} is the library itself; choose another file")
            return
        export_format = format_for_path(path, chosen)
        if export_format != chosen:
            self.set_format(export_format)  # the options shown are the ones written
        options = self.export_options()
        source = self.source
        library = self.library
        self._show_error(None)
        try:
            keys = issue_keys(library, source.ids, options)
        except UserError as error:
            self._show_error(error_sentence(error))
            return

        def job(_progress: object, _cancelled: object) -> ExportResult:
            text = render(library, source, options, keys=keys)
            path.write_text(text, encoding="utf-8", newline="\n")
            count = len(dict.fromkeys(source.ids))
            return ExportResult(path, count, export_format, export_format != chosen)

        task = Task(job)
        # Bound methods: Qt drops these connections if the dialog goes first.
        task.succeeded.connect(self._written)
        task.failed.connect(self._write_failed)
        task.finished.connect(self._write_finished)
        self.task = task
        self._writing = path
        self.save_button.setEnabled(False)
        self.preview_label.setText(f"Writing {path.name}…")
        task.start()

    def _written(self, result: ExportResult) -> None:
        ExportDialog.last_directory = result.path.parent
        self.saved.emit(result)
        self.accept()

    def _write_failed(self, error: Exception) -> None:
        self._show_error(error_sentence(error, self._writing))

    def _write_finished(self) -> None:
        self.task = None
        self._describe()

    def reject(self) -> None:
        if self.task is None:  # a file being written is finished first
            super().reject()
