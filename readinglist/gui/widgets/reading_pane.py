"""The reading pane: the paper as readable text, then what the user owns of it.

The browser never fetches anything: remote resources are refused and links open in the
system browser. Edits leave through signals; the window turns them into undoable commands.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent, QKeySequence
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
from readinglist.core.texttools import latex_to_html
from readinglist.gui.render import EMPTY_HTML, paper_html

_OPENABLE = ("http", "https", "mailto")
NOTES_SAVE_DELAY_MS = 700
# With several papers selected: the titles listed (the rest is counted).
SELECTION_TITLES = 12


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


class NotesEdit(QPlainTextEdit):
    """The notes box keeps no undo history of its own: Ctrl+Z and Ctrl+Shift+Z reach the
    window's one undo stack, where note edits are commands like every other change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUndoRedoEnabled(False)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _is_undo_key(event):
            event.ignore()  # not ours: let the window's Undo / Redo shortcut fire
            return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_undo_key(event):
            event.ignore()
            return
        super().keyPressEvent(event)


def _is_undo_key(event: QEvent) -> bool:
    if not isinstance(event, QKeyEvent):
        return False
    return event.matches(QKeySequence.StandardKey.Undo) or event.matches(
        QKeySequence.StandardKey.Redo
    )


class ReadingPane(QWidget):
    """One paper: its text and its editors. Several papers: how many, their titles, and the
    editors that apply to all of them (status, rating, tags to add or remove)."""

    status_chosen = Signal(str)
    rating_chosen = Signal(int)
    tags_edited = Signal(list)  # list[str]: the paper's full new set of tags
    # Several papers selected: tags to add to all of them, tags to remove from all of them.
    tags_changed_for_all = Signal(list, list)
    notes_edited = Signal(int, str)  # paper id, the whole new text
    paper_shown = Signal(object)  # the PaperRecord now shown, or None
    notes_pending = Signal()  # typed, saved (and undoable) on the next save_notes()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: PaperRecord | None = None
        self.selected_ids: list[int] = []  # several papers shown (then `record` is None)
        self._common_tags: list[str] = []
        self._common_rating: int | None = None
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
        self.notes = NotesEdit()
        self.notes.setPlaceholderText("Notes (Markdown). Saved as you type.")
        self.notes.textChanged.connect(self._notes_changed)
        self.saved_label = QLabel()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(NOTES_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_notes)

        # Status and rating on one line when there is room, one each when the pane is narrow
        # (a small window keeps its table).
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        status_row.addWidget(self.saved_label)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow("Status:", status_row)
        form.addRow("Rating:", self.rating)
        form.addRow("Tags:", self.tags)
        # Who in the group has read the paper (a shared library; see show_readers).
        self.readers_label = QLabel()
        self.readers_label.setObjectName("readersLabel")
        self.readers_label.setWordWrap(True)
        self.readers_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Read by:", self.readers_label)
        self._form = form
        form.setRowVisible(self.readers_label, False)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
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
        several = bool(self.selected_ids)
        for widget in (self.status, self.rating, self.tags, self.notes):
            widget.setEnabled(
                enabled and not self._read_only and not (several and widget is self.notes)
            )
        self.tags.setPlaceholderText(
            "tags for all of them, separated by commas" if several else "tags, separated by commas"
        )
        self.notes.setPlaceholderText(
            "Select one paper to write its notes."
            if several
            else "Notes (Markdown). Saved as you type."
        )
        self.rating.setSpecialValueText(
            "Mixed" if several and self._common_rating is None else "No rating"
        )

    def target_ids(self) -> list[int]:
        """The papers the pane's editors change: the one shown, or every selected one."""
        if self.record is not None:
            return [self.record.id]
        return list(self.selected_ids)

    def show_papers(self, records: Sequence[PaperRecord], ids: Sequence[int]) -> None:
        """Several papers selected (`ids`; `records` are the first of them, or all): say how
        many, list their titles, and offer the editors that apply to all of them."""
        if len(ids) < 2:
            self.show_paper(records[0] if records else None)
            return
        self.save_notes()
        self.record = None
        self.selected_ids = list(ids)
        complete = len(records) == len(ids)  # else the shared values are unknown: left blank
        statuses = {r.status for r in records}
        ratings = {r.rating for r in records}
        self._common_rating = ratings.pop() if complete and len(ratings) == 1 else None
        tag_sets = [{t.lower() for t in r.tags} for r in records]
        shared = set.intersection(*tag_sets) if complete and tag_sets else set()
        self._common_tags = [t for t in records[0].tags if t.lower() in shared] if records else []
        self._loading = True
        try:
            self.browser.setHtml(_selection_html(records, len(ids)))
            if complete and len(statuses) == 1:
                self.status.setCurrentIndex(self.status.findData(statuses.pop().value))
            else:
                self.status.setCurrentIndex(-1)  # mixed: no value shown
            self.rating.setValue(self._common_rating or 0)
            self.tags.setText(", ".join(self._common_tags))
            self.notes.clear()
            self.saved_label.clear()
            self._set_editors_enabled(True)
        finally:
            self._loading = False

    def show_paper(self, record: PaperRecord | None) -> None:
        """Show `record` (None: nothing selected), saving pending notes of the previous one."""
        self.save_notes()
        same_paper = record is not None and self.record is not None and self.record.id == record.id
        if not same_paper:
            self.readers_label.setText("…")  # until the new paper's readers are read
        self.record = record
        self.selected_ids = []
        self._common_rating = None
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
                caret = self.notes.textCursor().position()
                self.notes.setPlainText(record.notes)
                if same_paper:  # an undo or redo of this note: the caret stays where it was
                    cursor = self.notes.textCursor()
                    cursor.setPosition(min(caret, len(record.notes)))
                    self.notes.setTextCursor(cursor)
            self.saved_label.clear()
        finally:
            self._loading = False
            self.set_sources_text("")
            self.paper_shown.emit(record)

    def show_readers(self, paper_id: int | None, members: Sequence[str] | None) -> None:
        """Who in the group has read the paper shown (None: not a shared library's, or not
        known yet); the answer for a paper no longer shown is dropped."""
        if paper_id is not None and (self.record is None or self.record.id != paper_id):
            return
        self._form.setRowVisible(self.readers_label, members is not None)
        if members is not None:
            self.readers_label.setText(", ".join(members) if members else "nobody yet")

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
        if not self._loading and self.target_ids() and self.status.currentIndex() >= 0:
            self.status_chosen.emit(str(self.status.currentData()))

    def _rating_edited(self) -> None:
        if self._loading or not self.target_ids():
            return
        before = self.record.rating if self.record is not None else self._common_rating
        if self.rating.value() != before:
            self._common_rating = self.rating.value() if self.selected_ids else None
            self.rating_chosen.emit(self.rating.value())

    def _tags_finished(self) -> None:
        if self._loading or not self.target_ids():
            return
        names = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        if self.record is None:
            typed = {n.lower() for n in names}
            shared = {t.lower() for t in self._common_tags}
            added = [n for n in names if n.lower() not in shared]
            removed = [t for t in self._common_tags if t.lower() not in typed]
            if added or removed:
                self._common_tags = names
                self.tags_changed_for_all.emit(added, removed)
            return
        if sorted(n.lower() for n in names) != sorted(t.lower() for t in self.record.tags):
            self.tags_edited.emit(names)

    def _notes_changed(self) -> None:
        if not self._loading and self.record is not None:
            self.saved_label.setText("Editing…")
            self._notes_dirty = True
            self._save_timer.start()
            self.notes_pending.emit()

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
    return replace(record, notes=notes)


def _selection_html(records: Sequence[PaperRecord], count: int) -> str:
    titles = "".join(f"<li>{latex_to_html(r.title)}</li>" for r in records[:SELECTION_TITLES])
    more = count - min(len(records), SELECTION_TITLES)
    if more > 0:
        titles += f"<li><i>and {more:,} more</i></li>"
    return (
        f"<h2>{count:,} selected</h2><ul>{titles}</ul>"
        "<p style='color: gray'>Status, rating and tags below apply to all of them; "
        f"{html.escape('R / U / G, 0-5, T, Del')} in the table too.</p>"
    )
