"""When the library cannot be opened: say what happened and offer the sensible ways out.

`open_library()` is what the window calls at start-up instead of `Library(path)`: it returns an
open library (possibly a `ReadOnlyLibrary`), or None when the person chose to quit. It never
shows a traceback: every failure is a `LibraryOpenError`, whose one sentence is shown as-is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import LibraryOpenError
from readinglist.core.library import Library
from readinglist.gui.file_dialogs import save_file_name
from readinglist.recovery import (
    FailureKind,
    OpenFailure,
    ReadOnlyLibrary,
    Remedy,
    check_writable,
    classify,
    restore_backup,
)

log = logging.getLogger(__name__)

AskRemedy = Callable[[OpenFailure], Remedy]
ChooseFile = Callable[[Path], Path | None]

_LABELS = {
    Remedy.RETRY: "Try again",
    Remedy.OPEN_READ_ONLY: "Open read-only",
    Remedy.RESTORE_BACKUP: "Restore the last backup",
    Remedy.CHOOSE_OTHER: "Choose another file…",
    Remedy.QUIT: "Quit",
}


class LibraryOpenDialog(QDialog):
    """Shows one OpenFailure; `remedy` is the button the person pressed (QUIT when closed)."""

    def __init__(self, failure: OpenFailure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.failure = failure
        self.remedy = Remedy.QUIT
        self.setObjectName("libraryOpenDialog")
        self.setWindowTitle("ReadingList: cannot open the library")

        icon = QLabel()
        style = self.style()
        icon.setPixmap(
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<b>{failure.title}</b>")
        title.setObjectName("failureTitle")
        explanation = QLabel(failure.explanation)
        explanation.setObjectName("failureExplanation")
        explanation.setWordWrap(True)
        details = QLabel(self._details())
        details.setObjectName("failureDetails")
        details.setWordWrap(True)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(explanation)
        text.addWidget(details)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        self.buttons: dict[Remedy, QPushButton] = {}
        row = QHBoxLayout()
        row.addStretch(1)
        for remedy in failure.remedies:
            button = QPushButton(_LABELS[remedy])
            button.setObjectName(f"remedy-{remedy.value}")
            if remedy is Remedy.RESTORE_BACKUP and failure.backup is not None:
                button.setToolTip(f"Restores {failure.backup.name}")
            button.clicked.connect(lambda _checked=False, r=remedy: self.choose(r))
            row.addWidget(button)
            self.buttons[remedy] = button
        first = failure.remedies[0]
        self.buttons[first].setDefault(True)
        self.buttons[first].setFocus()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        self.setMinimumWidth(520)

    def _details(self) -> str:
        lines = [f"What happened: {self.failure.message}", f"Library file: {self.failure.path}"]
        if self.failure.kind in (FailureKind.CORRUPT, FailureKind.FOREIGN):
            backup = self.failure.backup
            lines.append(f"Last backup: {backup.name}" if backup else "No backup was found.")
        return "\n".join(lines)

    def choose(self, remedy: Remedy) -> None:
        self.remedy = remedy
        if remedy is Remedy.QUIT:
            self.reject()
        else:
            self.accept()


def ask_with_dialog(parent: QWidget | None = None) -> AskRemedy:
    def ask(failure: OpenFailure) -> Remedy:
        dialog = LibraryOpenDialog(failure, parent)
        dialog.exec()
        return dialog.remedy

    return ask


def choose_with_file_dialog(parent: QWidget | None = None) -> ChooseFile:
    def choose(current: Path) -> Path | None:
        name = save_file_name(
            parent,
            "Choose a library file, or a new name to start a new library",
            str(current.parent),
            "ReadingList library (*.sqlite);;All files (*)",
            confirm_overwrite=False,
        )
        return Path(name) if name else None

    return choose


def open_library(
    path: Path,
    parent: QWidget | None = None,
    *,
    ask: AskRemedy | None = None,
    choose_file: ChooseFile | None = None,
    opener: Callable[[Path], Library] = Library,
) -> Library | None:
    """Open `path`, asking the person what to do for as long as it fails; None means quit."""
    ask = ask or ask_with_dialog(parent)
    choose_file = choose_file or choose_with_file_dialog(parent)
    read_only_failed = False
    attempt: Callable[[Path], Library] = _writable(opener)
    while True:
        try:
            library = attempt(path)
            log.info("opened the library %s%s", path, " read-only" if _is_ro(library) else "")
            return library
        except LibraryOpenError as error:
            read_only_failed = read_only_failed or attempt is ReadOnlyLibrary
            failure = classify(path, error, read_only_failed=read_only_failed)
            log.warning("cannot open the library %s (%s): %s", path, failure.kind, error)
        attempt = _writable(opener)
        remedy = ask(failure)
        log.info("chosen: %s", remedy)
        if remedy is Remedy.QUIT:
            return None
        if remedy is Remedy.OPEN_READ_ONLY:
            attempt = ReadOnlyLibrary
        elif remedy is Remedy.RESTORE_BACKUP and failure.backup is not None:
            try:
                restore_backup(path, failure.backup)
            except OSError as exc:
                QMessageBox.warning(
                    parent, "ReadingList", f"The backup could not be restored: {exc.strerror}"
                )
        elif remedy is Remedy.CHOOSE_OTHER:
            chosen = choose_file(path)
            if chosen is not None:
                path = chosen
                read_only_failed = False


def _is_ro(library: Library) -> bool:
    return isinstance(library, ReadOnlyLibrary)


def _writable(opener: Callable[[Path], Library]) -> Callable[[Path], Library]:
    def open_for_writing(path: Path) -> Library:
        check_writable(path)
        return opener(path)

    return open_for_writing


# ------------------------------------------------------------------ a shared library (a URL)
AskRetry = Callable[[str], Remedy]


def sentence(error: Exception) -> str:
    """An error's one sentence as a dialog shows it: capitalised, with its full stop."""
    text = str(error).strip() or type(error).__name__
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def ask_retry_with_dialog(parent: QWidget | None = None, give_up: str = "Quit") -> AskRetry:
    """Shows the sentence with Retry and `give_up` (Quit at start-up, Cancel in the window)."""

    def ask(text: str) -> Remedy:
        box = QMessageBox(parent)
        box.setObjectName("sharedOpenFailure")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("ReadingList: cannot open the shared library")
        box.setText(text)
        retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
        quit_button = box.addButton(give_up, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.setEscapeButton(quit_button)
        box.exec()
        return Remedy.RETRY if box.clickedButton() is retry else Remedy.QUIT

    return ask


def open_shared_library(
    url: str,
    parent: QWidget | None = None,
    *,
    ask: AskRetry | None = None,
    opener: Callable[[str], Library] = Library,
) -> Library | None:
    """Open the shared library at `url`, offering Retry for as long as it fails (the server
    down, a wrong password, no such database, a role outside the group): one sentence each
    time, never a traceback. None: the person gave up."""
    ask = ask or ask_retry_with_dialog(parent)
    while True:
        try:
            library = opener(url)
            log.info("opened the shared library %s", library.name)
            return library
        except LibraryOpenError as error:
            log.warning("cannot open the shared library: %s", error)
            if ask(sentence(error)) is not Remedy.RETRY:
                return None
