"""Notes refused because someone else changed them since the edit began (core StaleEdit).

Both texts are shown side by side and the person chooses; neither is ever lost: keeping
theirs puts yours on the clipboard, keeping both stores theirs then yours. Closing the dialog
without choosing keeps theirs, yours on the clipboard, as the first button does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.gui.dialogs.sizing import fit_to_screen


class NotesChoice(Enum):
    THEIRS = "theirs"  # keep what is stored; yours go to the clipboard
    MINE = "mine"  # store yours over theirs
    BOTH = "both"  # store theirs, then yours


@dataclass(frozen=True)
class StaleNotesResult:
    choice: NotesChoice
    notes: str  # what the paper's notes are to be
    clipboard: str | None  # what goes to the clipboard (yours, when theirs are kept)


def both_texts(theirs: str, yours: str) -> str:
    """Theirs, then yours, a blank line apart (either alone when the other is empty)."""
    if not theirs.strip():
        return yours
    if not yours.strip():
        return theirs
    return f"{theirs.rstrip()}\n\n{yours}"


class StaleNotesDialog(QDialog):
    def __init__(self, title: str, theirs: str, yours: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staleNotesDialog")
        self.setWindowTitle("The notes were changed elsewhere")
        self.theirs = theirs
        self.yours = yours
        self.result_value = StaleNotesResult(NotesChoice.THEIRS, theirs, yours)

        heading = QLabel(
            f"Someone else changed the notes of <b>{_escape(title)}</b> while you were "
            "editing them. Yours were not saved over theirs: choose what to keep."
        )
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)

        self.theirs_view = self._text_view(theirs, "theirsNotes")
        self.yours_view = self._text_view(yours, "yoursNotes")
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Theirs</b> (saved now)"), 0, 0)
        grid.addWidget(QLabel("<b>Yours</b> (not saved)"), 0, 1)
        grid.addWidget(self.theirs_view, 1, 0)
        grid.addWidget(self.yours_view, 1, 1)

        buttons = QDialogButtonBox()
        self.keep_theirs = self._button(buttons, "Keep Theirs (Copy Mine)", NotesChoice.THEIRS)
        self.keep_mine = self._button(buttons, "Replace with Mine", NotesChoice.MINE)
        self.keep_both = self._button(buttons, "Keep Both", NotesChoice.BOTH)
        self.keep_both.setDefault(True)
        self.keep_both.setFocus()  # Enter keeps both: the choice that loses nothing
        self.keep_theirs.setToolTip("Your text goes to the clipboard")
        self.keep_both.setToolTip("Their text, then yours")

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 420)

    @staticmethod
    def _text_view(text: str, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit(text)
        view.setObjectName(name)
        view.setReadOnly(True)
        view.setPlaceholderText("(empty)")
        return view

    def _button(self, box: QDialogButtonBox, text: str, choice: NotesChoice) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        assert button is not None
        button.setObjectName(f"keep-{choice.value}")
        button.clicked.connect(lambda _checked=False, c=choice: self.choose(c))
        return button

    def choose(self, choice: NotesChoice) -> None:
        if choice is NotesChoice.THEIRS:
            self.result_value = StaleNotesResult(choice, self.theirs, self.yours)
        elif choice is NotesChoice.MINE:
            self.result_value = StaleNotesResult(choice, self.yours, None)
        else:
            self.result_value = StaleNotesResult(choice, both_texts(self.theirs, self.yours), None)
        self.accept()

    def result_choice(self) -> StaleNotesResult:
        """The typed result (closing without a choice keeps theirs, yours on the clipboard)."""
        return self.result_value


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
