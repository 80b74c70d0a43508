"""Notes typed over notes someone else saved meanwhile: the window shows both and the person
chooses; neither text is lost. On both backends: two Library objects on one SQLite file (a
second window, a command in a terminal), and two members of a shared library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.gui.dialogs.stale_notes import NotesChoice, StaleNotesDialog
from readinglist.gui.main_window import MainWindow
from tests.conftest import HF_TEXT_SAMPLES
from tests.gui.conftest import WindowFactory, wait_until_idle
from tests.helpers import import_file
from tests.postgres import MemberUrl

MINE = "My reading: the ablation in section 4 is thin."
THEIRS = "Bob: read for Thursday."


@pytest.fixture(params=["sqlite", "postgresql"])
def two_writers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Library, Library]]:
    """The window's library and another writer on the same data."""
    if request.param == "sqlite":
        here = Library(tmp_path / "library.sqlite")
        there_location: Path | str = tmp_path / "library.sqlite"
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        member_url: MemberUrl = request.getfixturevalue("pg_member_url")
        here = Library(pg_url)
        there_location = member_url(pg_url, "bob")
    for path in HF_TEXT_SAMPLES[:2]:
        import_file(here, path, year=2025)
    there = Library(there_location)
    yield here, there
    there.close()
    here.close()


def refused(
    qtbot: QtBot, make_window: WindowFactory, here: Library, there: Library
) -> tuple[MainWindow, int, StaleNotesDialog]:
    """The window's person types notes while the other writer saves theirs: refused."""
    window = make_window(here)
    paper_id = window.model.ids[0]
    window.select_ids([paper_id])
    assert window.pane.record is not None and window.pane.record.notes == ""
    window.pane.notes.setPlainText(MINE)  # typed, not yet saved
    there.set_notes(paper_id, THEIRS)
    window.pane.save_notes()
    qtbot.waitUntil(lambda: window.editor.stale_dialog is not None, timeout=10000)
    dialog = window.editor.stale_dialog
    assert dialog is not None
    assert dialog.theirs_view.toPlainText() == THEIRS
    assert dialog.yours_view.toPlainText() == MINE
    assert here.get(paper_id).notes == THEIRS  # nothing overwritten while the choice waits
    return window, paper_id, dialog


def test_keep_both_stores_theirs_then_mine(
    qtbot: QtBot, make_window: WindowFactory, two_writers: tuple[Library, Library]
) -> None:
    here, there = two_writers
    window, paper_id, dialog = refused(qtbot, make_window, here, there)
    dialog.keep_both.click()
    wait_until_idle(qtbot, window)
    assert there.get(paper_id).notes == f"{THEIRS}\n\n{MINE}"
    qtbot.waitUntil(lambda: window.pane.notes.toPlainText() == f"{THEIRS}\n\n{MINE}")
    # The choice is an undo step of its own: undone, theirs are back (not the empty notes).
    window.editor.undo()
    wait_until_idle(qtbot, window)
    assert there.get(paper_id).notes == THEIRS


def test_keep_theirs_puts_mine_on_the_clipboard(
    qtbot: QtBot, make_window: WindowFactory, two_writers: tuple[Library, Library]
) -> None:
    here, there = two_writers
    window, paper_id, dialog = refused(qtbot, make_window, here, there)
    dialog.keep_theirs.click()
    wait_until_idle(qtbot, window)
    assert QGuiApplication.clipboard().text() == MINE
    assert there.get(paper_id).notes == THEIRS
    qtbot.waitUntil(lambda: window.pane.notes.toPlainText() == THEIRS)


def test_replace_with_mine(
    qtbot: QtBot, make_window: WindowFactory, two_writers: tuple[Library, Library]
) -> None:
    here, there = two_writers
    window, paper_id, dialog = refused(qtbot, make_window, here, there)
    assert dialog.result_choice().choice is NotesChoice.THEIRS  # closing keeps theirs
    dialog.keep_mine.click()
    wait_until_idle(qtbot, window)
    assert there.get(paper_id).notes == MINE
    assert window.pane.notes.toPlainText() == MINE
