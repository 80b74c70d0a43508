"""The GUI thread never waits on disk, parsing or SQL: a big drop, its preview, the import,
the refresh after it, bulk edits and every keystroke's query run in the background.

Stalls are measured as a user would feel them: a 5 ms heartbeat timer on the GUI thread, and
the longest gap between two beats while the work runs (the bound is generous: the machine is
shared; the old window stalled for seconds)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from pytestqt.qtbot import QtBot

import readinglist.importers.base as importers_base
from readinglist.core.library import Library
from readinglist.core.query import SortSpec, parse_query
from readinglist.core.records import ReadingStatus
from readinglist.gui import import_jobs
from readinglist.gui.main_window import MainWindow
from readinglist.gui.models.paper_table import PaperTableModel
from tests.conftest import HF_TEXT_SAMPLES
from tests.gui.conftest import WindowFactory, wait_for_preview, wait_until_idle
from tests.gui.test_window import drop_files, visible_ids

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
PAPERS = 5000  # a 8 MB page: parsing it alone took the old window about a second
STALL_BOUND_MS = 300


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Hugging Face text copy of PAPERS papers, from the benchmarks' generator."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from synthetic import entries, hf_text_page
    finally:
        sys.path.remove(str(BENCHMARKS))
    page = tmp_path_factory.mktemp("pages") / "big page.txt"
    page.write_text(hf_text_page(entries(PAPERS, seed=11)), encoding="utf-8")
    return page


class Heartbeat:
    """Beats every 5 ms on the GUI thread; `worst()` is the longest gap, less the 5 ms."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.gaps: list[int] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._beat)
        self.timer.start(5)

    def _beat(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def worst(self) -> int:
        self._beat()
        self.timer.stop()
        return max(self.gaps) - 5


@pytest.fixture
def heartbeat() -> Iterator[Callable[[], Heartbeat]]:
    beats: list[Heartbeat] = []

    def start() -> Heartbeat:
        beats.append(Heartbeat())
        return beats[-1]

    yield start
    for beat in beats:
        beat.timer.stop()


class Threads:
    """Records on which thread functions ran."""

    def __init__(self) -> None:
        self.names: dict[str, set[bool]] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            on_gui = threading.current_thread() is threading.main_thread()
            self.names.setdefault(name, set()).add(on_gui)
            return function(*args, **kwargs)

        return wrapped

    def only_in_background(self, name: str) -> bool:
        return self.names.get(name) == {False}


def test_a_big_drop_is_read_parsed_previewed_and_imported_in_the_background(
    qtbot: QtBot,
    make_window: WindowFactory,
    library: Library,
    big_page: Path,
    heartbeat: Callable[[], Heartbeat],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads = Threads()
    monkeypatch.setattr(importers_base, "parse_as", threads.wrap("parse", importers_base.parse_as))
    # A page this big is read, parsed, dry-run and imported in a child process, started from
    # a worker thread: this process never parses it, nor imports it.
    monkeypatch.setattr(
        import_jobs, "import_elsewhere", threads.wrap("elsewhere", import_jobs.import_elsewhere)
    )
    monkeypatch.setattr(library, "import_many", threads.wrap("import", library.import_many))
    window = make_window(library)
    before = library.count()
    chosen = visible_ids(window)[2:4]
    window.select_ids(chosen)

    beat = heartbeat()
    started = time.perf_counter()
    assert drop_files(window, [big_page])
    # The drop returns at once; the status bar says what runs and offers Cancel.
    assert time.perf_counter() - started < 0.2
    assert window.progress.isVisible() and window.progress.cancel_button.isEnabled()
    dialog = wait_for_preview(qtbot, window)
    assert dialog.model.count("new") == PAPERS
    dialog.year.setValue(2024)  # parsed and dry-run again, in the background
    assert dialog.busy and not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=60000)
    qtbot.waitUntil(lambda: window.model.complete and not window.progress.isVisible())
    qtbot.waitUntil(lambda: window.filter_bar.count_label.text() == f"{before + PAPERS:,} papers")
    worst = beat.worst()

    assert library.count() == before + PAPERS
    assert worst < STALL_BOUND_MS, f"the GUI thread stalled {worst} ms"
    assert threads.only_in_background("elsewhere")
    assert "parse" not in threads.names and "import" not in threads.names
    # The user's selection is still the selection: not the 5,000 new rows.
    assert window.table.selected_ids() == chosen
    assert set(window.model.ids) >= set(chosen)


def test_cancel_while_a_drop_is_read_imports_nothing(
    qtbot: QtBot, make_window: WindowFactory, library: Library, big_page: Path
) -> None:
    window = make_window(library)
    before = library.count()
    assert drop_files(window, [big_page])
    qtbot.mouseClick(window.progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.prepare_task is None, timeout=60000)
    assert window.importer.preview_dialog is None
    assert "nothing was imported" in window.statusBar().currentMessage()
    assert library.count() == before


def test_bulk_edits_run_in_the_background(
    qtbot: QtBot,
    make_window: WindowFactory,
    library: Library,
    big_page: Path,
    heartbeat: Callable[[], Heartbeat],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.helpers import import_file

    import_file(library, big_page)
    threads = Threads()
    for name in ("set_status", "delete_papers", "restore"):
        monkeypatch.setattr(library, name, threads.wrap(name, getattr(library, name)))
    window = make_window(library)
    total = library.count()
    window.activateWindow()
    window.table.setFocus()

    beat = heartbeat()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.table.selected_ids()) == total
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    wait_until_idle(qtbot, window)
    assert library.count(f"p.status = '{ReadingStatus.READ.value}'") == total
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    wait_until_idle(qtbot, window)
    assert library.count() == 0
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_until_idle(qtbot, window)
    worst = beat.worst()

    assert library.count() == total
    assert worst < STALL_BOUND_MS, f"the GUI thread stalled {worst} ms"
    for name in ("set_status", "delete_papers", "restore"):
        assert threads.only_in_background(name), name


def test_every_keystroke_searches_off_the_gui_thread_and_the_newest_wins(
    qtbot: QtBot, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = Threads()
    held, release = threading.Event(), threading.Event()
    search_ids = library.search_ids
    first = parse_query("s")

    def search(query: Any, *args: Any, **kwargs: Any) -> list[int]:
        if query == first:
            held.set()
            release.wait(10)  # the query for "s" answers after the one for "sp"
        return search_ids(query, *args, **kwargs)

    monkeypatch.setattr(library, "search_ids", threads.wrap("search", search))
    edit = window.filter_bar.edit
    qtbot.keyClick(edit, Qt.Key.Key_S)
    # No debounce: the keystroke's query is on its way at once.
    assert not window.model.complete
    qtbot.waitUntil(held.is_set)
    qtbot.keyClick(edit, Qt.Key.Key_P)
    expected = search_ids("sp", SortSpec("added", True))
    qtbot.waitUntil(lambda: visible_ids(window) == expected)
    release.set()
    qtbot.waitUntil(lambda: window.model.complete)
    # The late answer for "s" was dropped: the table still shows "sp".
    qtbot.wait(50)  # nothing to wait for: a dropped result changes nothing
    assert visible_ids(window) == expected
    assert threads.only_in_background("search")


def test_the_window_never_runs_a_nested_event_loop() -> None:
    assert not hasattr(PaperTableModel, "wait_until_loaded")


def test_a_drop_of_several_files_counts_each_paper_once(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library
) -> None:
    window = make_window(empty_library)
    assert drop_files(window, HF_TEXT_SAMPLES)
    dialog = wait_for_preview(qtbot, window)
    previewed = dialog.model.count("new") + dialog.model.count("duplicate")
    rows = dialog.model.rowCount()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=20000)
    added = empty_library.count()
    assert previewed == added  # the old preview said 384 new, and 353 were added
    assert rows > added  # papers on several of the files were found more than once
    # "New in the last import" is the whole drop, not its last file.
    window.select_sidebar("new")
    qtbot.waitUntil(lambda: window.model.complete and window.model.rowCount() == added)
    entry = window.sidebar_model.index_of("new")
    assert entry is not None
    count = window.sidebar_model.itemFromIndex(entry.index().siblingAtColumn(1))
    assert count is not None and count.text() == f"{added:,}"


def test_after_a_restart_new_in_the_last_import_is_still_the_whole_drop(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library
) -> None:
    from tests.helpers import import_file

    import_file(empty_library, HF_TEXT_SAMPLES[0], year=2025)  # an earlier import
    window = make_window(empty_library)
    before = empty_library.count()
    assert drop_files(window, HF_TEXT_SAMPLES[1:])  # several files: one import
    dialog = wait_for_preview(qtbot, window)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=20000)
    wait_until_idle(qtbot, window)
    added = empty_library.count() - before
    window.close()

    # The next start knows the drop only from the library: still every file of it (the old
    # window showed the last file's 42 of them).
    again = make_window(empty_library)
    again.select_sidebar("new")
    qtbot.waitUntil(lambda: again.model.complete and again.sidebar_key == "new")
    assert again.model.rowCount() == added
    entry = again.sidebar_model.index_of("new")
    assert entry is not None
    count = again.sidebar_model.itemFromIndex(entry.index().siblingAtColumn(1))
    assert count is not None and count.text() == f"{added:,}"


def test_the_first_screens_rows_are_read_in_the_background(
    qtbot: QtBot,
    make_window: WindowFactory,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows the window shows when it opens come with the search's head, read in a worker:
    on a shared library, a read while painting is a network wait on the GUI thread."""
    threads = Threads()
    monkeypatch.setattr(library, "table_records", threads.wrap("rows", library.table_records))
    monkeypatch.setattr(library, "search_head", threads.wrap("rows", library.search_head))
    window = make_window(library)  # 1200 by 800: about 30 rows
    window.table.viewport().repaint()
    shown = window.table.rowAt(window.table.viewport().height() - 1)
    assert shown > 24
    for keys in ("", "learn"):  # opening, then a search
        window.filter_bar.set_text(keys)
        qtbot.waitUntil(lambda: window.model.complete)
        window.table.viewport().repaint()
    assert threads.only_in_background("rows")
