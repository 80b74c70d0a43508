"""The window follows the file: another process changes the library, and within a second the
window shows it (counts, table, reading pane), keeping its selection and scroll position."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.watch import DataVersionWatcher
from readinglist.gui.controllers.following import POLL_MS
from readinglist.gui.main_window import MainWindow
from readinglist.gui.models.paper_table import TAGS
from tests.conftest import PAGE_SAMPLES
from tests.gui.conftest import WindowFactory, wait_until_idle
from tests.gui.test_window import visible_ids

ROOT = Path(__file__).resolve().parents[2]
WITHIN = POLL_MS + 1000  # a poll, then the background read and the repaint


def readinglist(library: Path, *args: str) -> None:
    """The command line in a process of its own, as a user in a terminal runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "--library", str(library), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_watcher_sees_every_other_connections_commit(library: Library) -> None:
    watcher = DataVersionWatcher(library.path)
    try:
        assert not watcher.changed()
        first = library.search_ids("")[:1]
        library.add_tags(first, ["seen"])
        assert watcher.changed()
        assert not watcher.changed()  # each commit is news once
        library.add_tags(first, ["absorbed"])
        watcher.absorb()
        assert not watcher.changed()
    finally:
        watcher.close()


def test_a_command_in_another_process_shows_in_the_open_window(
    qtbot: QtBot, make_window: WindowFactory, library: Library
) -> None:
    window: MainWindow = make_window(library)
    ids = visible_ids(window)
    chosen = ids[40]
    window.select_ids([chosen])
    window.table.scrollTo(window.model.index(40, 0), window.table.ScrollHint.PositionAtTop)
    top = window.table.rowAt(0)
    assert top > 0 and window.pane.record is not None and window.pane.record.id == chosen

    readinglist(library.path, "tag", str(chosen), "+from-terminal")
    qtbot.waitUntil(
        lambda: window.pane.record is not None and "from-terminal" in window.pane.record.tags,
        timeout=WITHIN,
    )
    row = window.model.rows_of([chosen])[0]
    qtbot.waitUntil(lambda: "from-terminal" in str(window.model.index(row, TAGS).data()))
    tag = next(t for t in library.tags() if t.name == "from-terminal")
    assert window.sidebar_model.entry(f"tag:{tag.id}") is not None
    assert window.table.selected_ids() == [chosen]
    assert window.table.rowAt(0) == top

    # Papers arrive from an import in a terminal: the table grows above, the view stays.
    readinglist(library.path, "import", str(PAGE_SAMPLES / "arxiv-list-new_cs.IT_2026-09-28.html"))
    total = library.count()
    assert total == len(ids) + 31
    qtbot.waitUntil(lambda: len(visible_ids(window)) == total, timeout=WITHIN)
    qtbot.waitUntil(lambda: window.filter_bar.count_label.text() == f"{total:,} papers")
    assert window.table.selected_ids() == [chosen]
    assert window.model.paper_id(window.table.rowAt(0)) == ids[top]  # the same paper on top


def test_the_windows_own_edit_refreshes_it_once(
    qtbot: QtBot, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The related-papers model, built and stored when the window opens, is a commit too:
    # counted before the edit, it is not the edit's (it made the test fail now and then).
    qtbot.waitUntil(lambda: window.related.related.ready and not window.related._tasks)
    wait_until_idle(qtbot, window)
    window.follower.poll()
    wait_until_idle(qtbot, window)
    refreshes: list[int] = []
    refresh = window.refresh
    monkeypatch.setattr(
        window, "refresh", lambda *a, **k: (refreshes.append(1), refresh(*a, **k))[1]
    )
    window.select_ids(visible_ids(window)[:1])
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    wait_until_idle(qtbot, window)
    assert refreshes == [1]
    # The watcher saw the window's own commit (its pooled connections are "other" to it),
    # and the refresh took it as seen: the next looks find nothing new.
    window.follower.poll()
    window.follower.poll()
    assert refreshes == [1]
