"""The window on a reading group's shared library (PostgreSQL, the session's private server):
it opens on a URL, follows other members' changes within 2 s keeping the selection, shows who
has read each paper, and says in one sentence why a library cannot be opened."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.records import ReadingStatus
from readinglist.gui import app as gui_app
from readinglist.gui.dialogs.open_shared import OpenSharedLibraryDialog, SharedLibraryChoice
from readinglist.gui.library_open_dialog import (
    ask_retry_with_dialog,
    open_shared_library,
)
from readinglist.gui.main_window import MainWindow
from readinglist.gui.models.paper_table import READ_BY, TAGS
from readinglist.gui.settings import Settings
from readinglist.gui.window_host import WindowHost
from readinglist.recovery import Remedy
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES
from tests.gui.conftest import WindowFactory, wait_until_idle
from tests.helpers import import_file
from tests.postgres import MemberUrl

WITHIN = 2000  # ms: the promise for another member's change


@pytest.fixture
def shared(pg_url: str) -> Iterator[Library]:
    """A shared library holding the sample pages, opened as the first member."""
    library = Library(pg_url)
    for path in HF_TEXT_SAMPLES:
        import_file(library, path, year=2025)
    yield library
    library.close()


@pytest.fixture
def bob(pg_url: str, pg_member_url: MemberUrl, shared: Library) -> Iterator[Library]:
    """Another member of the group, on the same database."""
    library = Library(pg_member_url(pg_url, "bob"))
    yield library
    library.close()


def test_the_window_opens_on_a_url_and_shows_the_papers(
    qtbot: QtBot, shared: Library, pg_url: str, settings_path: Path
) -> None:
    library = open_shared_library(pg_url, ask=lambda text: pytest.fail(text))
    assert library is not None
    host = WindowHost(Settings(settings_path))
    window = host.show_library(library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.complete and window.model.rowCount() > 0)
    try:
        assert list(window.model.ids) == shared.search_ids("", None)
        assert library.name in window.windowTitle() and "shared" in window.windowTitle()
        assert not window.table.isColumnHidden(READ_BY)
        help_names = [a.objectName() for a in window.findChildren(QAction)]
        assert "showLog" in help_names and "showLibraryFolder" not in help_names
    finally:
        window.close()
        host.close()


def test_start_up_on_the_url_in_the_environment(
    qapp: QApplication,
    shared: Library,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("READINGLIST_LIBRARY", pg_url)
    monkeypatch.setenv("READINGLIST_LOG_DIR", str(tmp_path / "logs"))
    assert gui_app.main(["readinglist"], smoke_test=True) == 0


def test_another_members_changes_appear_with_the_selection_kept(
    qtbot: QtBot, make_window: WindowFactory, shared: Library, bob: Library
) -> None:
    window: MainWindow = make_window(shared)
    ids = list(window.model.ids)
    chosen = ids[30]
    window.select_ids([chosen])
    window.table.scrollTo(window.model.index(30, 0), window.table.ScrollHint.PositionAtTop)
    top = window.table.rowAt(0)
    assert top > 0 and window.pane.record is not None and window.pane.record.id == chosen

    bob.add_tags([chosen], ["from-bob"])
    qtbot.waitUntil(
        lambda: window.pane.record is not None and "from-bob" in window.pane.record.tags,
        timeout=WITHIN,
    )
    row = window.model.rows_of([chosen])[0]
    qtbot.waitUntil(lambda: "from-bob" in str(window.model.index(row, TAGS).data()), timeout=WITHIN)
    assert window.table.selected_ids() == [chosen]
    assert window.table.rowAt(0) == top

    bob.set_notes(chosen, "Bob's reading notes")
    qtbot.waitUntil(
        lambda: window.pane.notes.toPlainText() == "Bob's reading notes", timeout=WITHIN
    )

    import_file(bob, PAGE_SAMPLES / "arxiv-list-new_cs.IT_2026-09-28.html")
    total = shared.count()
    assert total == len(ids) + 31
    qtbot.waitUntil(lambda: window.model.rowCount() == total, timeout=WITHIN)
    wait_until_idle(qtbot, window)
    assert window.table.selected_ids() == [chosen]
    assert window.pane.record is not None and window.pane.record.id == chosen


def test_read_by_shows_who_in_the_group_read_each_paper(
    qtbot: QtBot, make_window: WindowFactory, shared: Library, bob: Library
) -> None:
    window: MainWindow = make_window(shared)
    chosen = window.model.ids[0]
    window.select_ids([chosen])
    qtbot.waitUntil(lambda: window.pane.readers_label.text() == "nobody yet", timeout=WITHIN)

    bob.set_status([chosen], ReadingStatus.READ)
    row = window.model.rows_of([chosen])[0]
    cell = window.model.index(row, READ_BY)
    qtbot.waitUntil(lambda: cell.data() == "bob", timeout=WITHIN)
    qtbot.waitUntil(lambda: window.pane.readers_label.text() == "bob", timeout=WITHIN)
    # Status is each member's own: bob's read is not the first member's.
    assert window.pane.record is not None
    assert window.pane.record.status is ReadingStatus.UNREAD


def test_a_file_library_has_no_read_by_column(window: MainWindow) -> None:
    assert window.table.isColumnHidden(READ_BY)
    assert "shared" not in window.windowTitle()
    assert window.pane.readers_label.isHidden()


# ------------------------------------------------------------------ opening, and failing to
def test_the_open_dialog_returns_its_typed_result(qtbot: QtBot, settings_path: Path) -> None:
    recent = ["postgresql://carol@db.lab.example:5433/journal_club"]
    dialog = OpenSharedLibraryDialog(recent)
    qtbot.addWidget(dialog)
    # The recent library is filled in; the password is for typing only, never shown.
    assert dialog.database.text() == "journal_club" and dialog.member.text() == "carol"
    assert dialog.password.echoMode() is QLineEdit.EchoMode.Password
    dialog.member.setText("dave")
    dialog.password.setText("s3cret")
    choice = dialog.choice()
    assert choice == SharedLibraryChoice("db.lab.example", 5433, "journal_club", "dave", "s3cret")
    assert choice.url == "postgresql://dave:s3cret@db.lab.example:5433/journal_club"
    assert "s3cret" not in choice.remembered_url


def test_the_menu_opens_a_shared_library_in_place_of_the_file(
    qtbot: QtBot, library: Library, shared: Library, pg_url: str, settings_path: Path
) -> None:
    host = WindowHost(Settings(settings_path))
    first = host.show_library(library)  # closed and deleted by the host when replaced
    first.show()
    qtbot.waitUntil(lambda: first.model.complete)
    first.menus.open_shared_action.trigger()
    dialog = first.opener.dialog
    assert dialog is not None
    chosen = SharedLibraryChoice.from_url(pg_url)
    assert chosen is not None
    dialog.server.setText(chosen.server)
    dialog.port.setValue(chosen.port)
    dialog.database.setText(chosen.database)
    dialog.member.setText(chosen.member)
    dialog.password.setText("typed-not-kept")
    with qtbot.waitSignal(host.switched, timeout=10000):
        dialog.accept()  # connects in the background
    window = host.window
    assert window is not None and window is not first
    qtbot.addWidget(window)
    try:
        assert window.library.shared and "shared" in window.windowTitle()
        assert not first.isVisible()
        qtbot.waitUntil(lambda: window.model.complete and window.model.rowCount() > 0)
        assert list(window.model.ids) == shared.search_ids("", None)
        remembered = Settings(settings_path).recent_shared_libraries
        assert len(remembered) == 1 and "typed-not-kept" not in remembered[0]
        assert chosen.database in remembered[0]
    finally:
        wait_until_idle(qtbot, window)
        window.close()
        host.close()


def test_a_shared_library_that_fails_leaves_the_window_as_it_was(
    qtbot: QtBot, make_window: WindowFactory, library: Library, settings_path: Path
) -> None:
    said: list[str] = []

    def cancel(text: str) -> Remedy:
        said.append(text)
        return Remedy.QUIT

    host = WindowHost(Settings(settings_path), ask=cancel)
    first = host.show_library(library)
    qtbot.addWidget(first)
    first.show()
    host.switch("postgresql://member@127.0.0.1:1/library")
    qtbot.waitUntil(lambda: not host.connecting and bool(said), timeout=10000)
    assert host.window is first and first.isVisible() and host.library is library
    assert said == [
        "Cannot open the shared library library (member@127.0.0.1): "
        "no PostgreSQL server answers at 127.0.0.1:1."
    ]
    assert Settings(settings_path).recent_shared_libraries == []


@pytest.mark.parametrize("case", ["no server", "no such database", "not in the group"])
def test_a_library_that_cannot_be_opened_is_one_sentence(
    case: str, pg_url: str, pg_member_url: MemberUrl
) -> None:
    url = {
        "no server": "postgresql://member@127.0.0.1:1/library",
        "no such database": pg_url.rsplit("/", 1)[0] + "/no_such_library",
        "not in the group": pg_member_url(pg_url, "eve", in_group=False),
    }[case]
    said: list[str] = []

    def ask(text: str) -> Remedy:
        said.append(text)
        return Remedy.RETRY if len(said) == 1 else Remedy.QUIT

    assert open_shared_library(url, ask=ask) is None
    assert len(said) == 2  # Retry tried again, Quit gave up
    text = said[0]
    assert "\n" not in text and "Traceback" not in text and text.endswith(".")
    assert text.startswith("Cannot open the shared library")
    assert text.endswith(
        {
            "no server": "no PostgreSQL server answers at 127.0.0.1:1.",
            "no such database": "has no database no_such_library.",
            "not in the group": "eve is not in the group of " + pg_url.rsplit("/", 1)[1] + ".",
        }[case]
    ), text


def test_the_failure_dialog_offers_retry_and_quit(qtbot: QtBot) -> None:
    shown: list[str] = []

    def press_quit() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        assert [b.text() for b in box.buttons()] == ["Retry", "Quit"]
        box.buttons()[1].click()

    QTimer.singleShot(0, press_quit)
    assert ask_retry_with_dialog()("Cannot open the shared library x: it is down.") is Remedy.QUIT
    assert shown == ["Cannot open the shared library x: it is down."]


def test_the_command_line_opens_the_window_on_a_url(
    shared: Library, pg_url: str, tmp_path: Path
) -> None:
    """`readinglist --library postgresql://...` in a process of its own, as a member runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "--library", pg_url, "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "READINGLIST_LOG_DIR": str(tmp_path / "logs"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_another_members_change_is_read_in_the_background(
    qtbot: QtBot,
    make_window: WindowFactory,
    shared: Library,
    bob: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From the notification to the repainted table and pane, the GUI thread asks the server
    nothing: every read runs in the worker (a far server never freezes the window)."""
    window: MainWindow = make_window(shared)
    chosen = window.model.ids[3]
    window.select_ids([chosen])
    wait_until_idle(qtbot, window)
    qtbot.waitUntil(lambda: not window.model.readers_pending)
    on_gui_thread: list[str] = []
    read = shared.store.read

    def watched_read() -> Any:
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append("".join(traceback.format_stack(limit=14)))
        return read()

    monkeypatch.setattr(shared.store, "read", watched_read)
    bob.add_tags([chosen], ["from-bob"])
    bob.set_status([chosen], ReadingStatus.READ)
    row = window.model.rows_of([chosen])[0]
    qtbot.waitUntil(
        lambda: (
            "from-bob" in str(window.model.index(row, TAGS).data())
            and window.model.index(row, READ_BY).data() == "bob"
            and window.pane.readers_label.text() == "bob"
        ),
        timeout=WITHIN,
    )
    window.table.viewport().repaint()  # the screen's rows: from what the refresh read
    assert on_gui_thread == [], "\n\n".join(on_gui_thread)
