"""The reading pane: the paper as readable text, then what the user owns of it.

The browser never fetches anything: remote resources are refused and links open in the
system browser. Edits leave through signals; the window turns them into undoable commands.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.gui.render import EMPTY_HTML, paper_html

_OPENABLE = ("http", "https", "mailto")
NOTES_SAVE_DELAY_MS = 700


class OfflineBrowser(QTextBrowser):
    """A QTextBrowser that loads nothing from anywhere and hands clicked links to the system."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAcceptDrops(False)
        self.anchorClicked.connect(self._open)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        # Images in notes (`![](http://...)`) and anything else: never fetched.
        return None

    def _open(self, url: QUrl) -> None:
        if url.scheme() in _OPENABLE:
            QDesktopServices.openUrl(url)


class ReadingPane(QWidget):
    status_chosen = Signal(str)
    rating_chosen = Signal(int)
    tags_edited = Signal(list)  # list[str]: the paper's full new set of tags
    notes_edited = Signal(int, str)  # paper id, the whole new text
    paper_shown = Signal(object)  # the PaperRecord now shown, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: PaperRecord | None = None
        self._read_only = False
        self._loading = False
        self._notes_dirty = False  # typed but not yet saved

        self.browser = OfflineBrowser()
        self.browser.setHtml(EMPTY_HTML)
        # Where completed fields came from (filled in by the completion controller).
        self.sources_label = QLabel()
        self.sources_label.setWordWrap(True)
        self.sources_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sources_label.setStyleSheet("color: #808080;")
        self.sources_label.hide()

        self.status = QComboBox()
        for value in ReadingStatus:
            self.status.addItem(value.value.capitalize(), value.value)
        self.status.setToolTip("Reading status (R: read, U: unread)")
        self.status.activated.connect(self._status_activated)
        self.rating = QSpinBox()
        self.rating.setRange(0, 5)
        self.rating.setSpecialValueText("No rating")
        self.rating.setSuffix(" ★")
        self.rating.setToolTip("Your rating, 0 to 5 (keys 0-5 in the table)")
        self.rating.valueChanged.connect(self._rating_edited)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("tags, separated by commas")
        self.tags.setToolTip("Tags, separated by commas; press Enter to apply")
        self.tags.editingFinished.connect(self._tags_finished)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes (Markdown). Saved as you type.")
        self.notes.textChanged.connect(self._notes_changed)
        self.saved_label = QLabel()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(NOTES_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_notes)

        row = QHBoxLayout()
        row.addWidget(QLabel("Status:"))
        row.addWidget(self.status)
        row.addWidget(QLabel("Rating:"))
        row.addWidget(self.rating)
        row.addStretch(1)
        row.addWidget(self.saved_label)
        form = QFormLayout()
        form.addRow("Tags:", self.tags)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(row)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.notes, 1)

        paper = QWidget()
        paper_layout = QVBoxLayout(paper)
        paper_layout.setContentsMargins(0, 0, 0, 0)
        paper_layout.addWidget(self.browser, 1)
        paper_layout.addWidget(self.sources_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(paper)
        self.splitter.addWidget(editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._set_editors_enabled(False)

    def set_read_only(self, read_only: bool) -> None:
        """Show papers without offering to edit them (a library opened read-only)."""
        self._read_only = read_only
        self._set_editors_enabled(self.record is not None)

    def _set_editors_enabled(self, enabled: bool) -> None:
        for widget in (self.status, self.rating, self.tags, self.notes):
            widget.setEnabled(enabled and not self._read_only)

    def show_paper(self, record: PaperRecord | None) -> None:
        """Show `record` (None: nothing selected), saving pending notes of the previous one."""
        self.save_notes()
        self.record = record
        self._loading = True
        try:
            if record is None:
                self.browser.setHtml(EMPTY_HTML)
                self.tags.clear()
                self.notes.clear()
                self._set_editors_enabled(False)
                return
            self._set_editors_enabled(True)
            self.browser.setHtml(paper_html(record))
            self.status.setCurrentIndex(self.status.findData(record.status.value))
            self.rating.setValue(record.rating)
            self.tags.setText(", ".join(record.tags))
            if self.notes.toPlainText() != record.notes:
                self.notes.setPlainText(record.notes)
            self.saved_label.clear()
        finally:
            self._loading = False
            self.set_sources_text("")
            self.paper_shown.emit(record)

    def set_sources_text(self, text: str) -> None:
        self.sources_label.setText(text)
        self.sources_label.setVisible(bool(text))

    def refresh(self, record: PaperRecord) -> None:
        """The same paper changed elsewhere (an undo, a key): update without losing the caret."""
        if self.record is None or record.id != self.record.id:
            return
        if self._notes_dirty:
            # The user is typing: keep their text, refresh the rest.
            record = _with_notes(record, self.notes.toPlainText())
        self.show_paper(record)

    def _status_activated(self) -> None:
        if not self._loading and self.record is not None:
            self.status_chosen.emit(str(self.status.currentData()))

    def _rating_edited(self) -> None:
        if (
            not self._loading
            and self.record is not None
            and self.rating.value() != self.record.rating
        ):
            self.rating_chosen.emit(self.rating.value())

    def _tags_finished(self) -> None:
        if self._loading or self.record is None:
            return
        names = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        if sorted(n.lower() for n in names) != sorted(t.lower() for t in self.record.tags):
            self.tags_edited.emit(names)

    def _notes_changed(self) -> None:
        if not self._loading and self.record is not None:
            self.saved_label.setText("Editing…")
            self._notes_dirty = True
            self._save_timer.start()

    def save_notes(self) -> None:
        """Save notes now if they changed (also called on leaving a paper and on quit)."""
        self._save_timer.stop()
        if not self._notes_dirty or self.record is None:
            return
        self._notes_dirty = False
        text = self.notes.toPlainText()
        if text != self.record.notes:
            self.notes_edited.emit(self.record.id, text)
        self.saved_label.setText("Saved")


def _with_notes(record: PaperRecord, notes: str) -> PaperRecord:
    from dataclasses import replace

    return replace(record, notes=notes)
