"""The library-open failure dialog and the start-up flow behind it (pytest-qt)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from readinglist.core.errors import LibraryOpenError, UserError
from readinglist.core.library import Library
from readinglist.gui.library_open_dialog import LibraryOpenDialog, open_library
from readinglist.recovery import FailureKind, OpenFailure, ReadOnlyLibrary, Remedy, classify
from tests.helpers import corrupt, make_library, make_newer


def failure_for(path: Path) -> OpenFailure:
    with pytest.raises(LibraryOpenError) as caught:
        Library(path)
    return classify(path, caught.value)


def dialog_text(dialog: LibraryOpenDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def button_labels(dialog: LibraryOpenDialog) -> list[str]:
    return [dialog.buttons[remedy].text() for remedy in dialog.failure.remedies]


class Answers:
    """Plays the person: answers each dialog in turn, recording what it was shown."""

    def __init__(self, qtbot: QtBot, *remedies: Remedy) -> None:
        self.qtbot = qtbot
        self.remedies = list(remedies)
        self.seen: list[OpenFailure] = []
        self.texts: list[str] = []

    def __call__(self, failure: OpenFailure) -> Remedy:
        self.seen.append(failure)
        dialog = LibraryOpenDialog(failure)
        self.qtbot.addWidget(dialog)
        dialog.show()
        self.texts.append(dialog_text(dialog))
        remedy = self.remedies.pop(0)
        self.qtbot.mouseClick(dialog.buttons[remedy], Qt.MouseButton.LeftButton)
        assert dialog.remedy is remedy
        assert not dialog.isVisible()
        return remedy


def no_file_chooser(current: Path) -> Path | None:
    raise AssertionError("the file chooser was not expected")


def chooser(path: Path) -> Callable[[Path], Path | None]:
    return lambda _current: path


def test_corrupt_library_dialog_offers_restore(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    make_library(tmp_path / "library.sqlite.backup-20260102-030405")
    dialog = LibraryOpenDialog(failure_for(path))
    qtbot.addWidget(dialog)
    text = dialog_text(dialog)
    assert "The library file is damaged" in text
    assert "library.sqlite.backup-20260102-030405" in text
    assert str(path) in text
    assert "Traceback" not in text
    assert button_labels(dialog) == ["Restore the last backup", "Choose another file…", "Quit"]
    assert dialog.buttons[Remedy.RESTORE_BACKUP].isDefault()


def test_corrupt_library_restored_from_backup(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    make_library(tmp_path / "library.sqlite.backup-20260102-030405", lists=("From backup",))
    answers = Answers(qtbot, Remedy.RESTORE_BACKUP)
    library = open_library(path, ask=answers, choose_file=no_file_chooser)
    assert library is not None and not isinstance(library, ReadOnlyLibrary)
    assert [item.name for item in library.lists()] == ["From backup"]
    library.close()
    assert [f.kind for f in answers.seen] == [FailureKind.CORRUPT]
    assert list(tmp_path.glob("library.sqlite.damaged-*"))  # kept, not deleted


def test_corrupt_library_without_backup_can_start_a_new_file(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    answers = Answers(qtbot, Remedy.CHOOSE_OTHER)
    library = open_library(path, ask=answers, choose_file=chooser(tmp_path / "fresh.sqlite"))
    assert library is not None and library.path == tmp_path / "fresh.sqlite"
    library.close()
    assert "No backup was found." in answers.texts[0]
    assert Remedy.RESTORE_BACKUP not in answers.seen[0].remedies


def test_newer_library_says_update_and_can_choose_another(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_newer(tmp_path / "library.sqlite")
    other = make_library(tmp_path / "other.sqlite", lists=("Other",))
    answers = Answers(qtbot, Remedy.CHOOSE_OTHER)
    library = open_library(path, ask=answers, choose_file=chooser(other))
    assert library is not None
    assert [item.name for item in library.lists()] == ["Other"]
    library.close()
    assert answers.seen[0].kind is FailureKind.NEWER
    assert answers.seen[0].remedies == (Remedy.CHOOSE_OTHER, Remedy.QUIT)
    assert "newer ReadingList" in answers.texts[0] and "update ReadingList" in answers.texts[0]


def test_newer_library_quit(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_newer(tmp_path / "library.sqlite")
    assert open_library(path, ask=Answers(qtbot, Remedy.QUIT), choose_file=no_file_chooser) is None


def test_choosing_nothing_asks_again(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_newer(tmp_path / "library.sqlite")
    answers = Answers(qtbot, Remedy.CHOOSE_OTHER, Remedy.QUIT)
    assert open_library(path, ask=answers, choose_file=lambda _current: None) is None
    assert len(answers.seen) == 2


@pytest.fixture
def read_only_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod does not stop writes: make os.access say no."""
    real_access = os.access

    def no_write(target: object, mode: int) -> bool:
        return False if mode & os.W_OK else real_access(target, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", no_write)


@pytest.mark.usefixtures("read_only_files")
def test_read_only_library_opens_read_only(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite", lists=("Mine",))
    answers = Answers(qtbot, Remedy.OPEN_READ_ONLY)
    library = open_library(path, ask=answers, choose_file=no_file_chooser)
    assert isinstance(library, ReadOnlyLibrary)
    assert [item.name for item in library.lists()] == ["Mine"]
    with pytest.raises(UserError, match=r"library\.sqlite cannot be written .*read-only"):
        library.create_list("Not allowed")
    library.close()
    failure = answers.seen[0]
    assert failure.kind is FailureKind.READ_ONLY
    assert failure.remedies == (Remedy.OPEN_READ_ONLY, Remedy.CHOOSE_OTHER, Remedy.QUIT)
    assert "The library cannot be written" in answers.texts[0]


@pytest.mark.usefixtures("read_only_files")
def test_read_only_that_cannot_be_read_is_not_offered_again(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    answers = Answers(qtbot, Remedy.OPEN_READ_ONLY, Remedy.QUIT)
    assert open_library(path, ask=answers, choose_file=no_file_chooser) is None
    assert Remedy.OPEN_READ_ONLY in answers.seen[0].remedies
    assert Remedy.OPEN_READ_ONLY not in answers.seen[1].remedies
    assert "cannot be read either" in answers.texts[1]


def test_locked_library_retry(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    calls: list[Path] = []

    def flaky(target: Path) -> Library:
        calls.append(target)
        if len(calls) == 1:
            raise LibraryOpenError(f"{target.name} is locked by another program")
        return Library(target)

    answers = Answers(qtbot, Remedy.RETRY)
    library = open_library(path, ask=answers, choose_file=no_file_chooser, opener=flaky)
    assert library is not None
    library.close()
    assert answers.seen[0].kind is FailureKind.LOCKED
    assert "in use by another program" in answers.texts[0]
    assert len(calls) == 2


def test_closing_the_dialog_means_quit(qtbot: QtBot, tmp_path: Path) -> None:
    path = make_newer(tmp_path / "library.sqlite")
    dialog = LibraryOpenDialog(failure_for(path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.close()
    assert dialog.remedy is Remedy.QUIT
