"""The window driven as a user drives it: typing, clicking, dropping, undoing, reopening."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import PySide6
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.query import SortSpec
from readinglist.core.records import ReadingStatus
from readinglist.gui.main_window import EMPTY_TEXT, MainWindow
from readinglist.gui.models.paper_table import AUTHORS, PUBLISHED
from readinglist.recovery import ReadOnlyLibrary
from tests.conftest import HF_TEXT_SAMPLES
from tests.gui.conftest import WindowFactory

PYSIDE_VERSION = tuple(int(part) for part in PySide6.__version__.split(".")[:2])


def drop_files(window: MainWindow, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = window.rect().center()
    # PySide6 6.12 takes a QPointF (QPoint deprecated); 6.11 and older only a QPoint.
    position = QPointF(point) if PYSIDE_VERSION >= (6, 12) else point
    enter = QDragEnterEvent(
        position,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    return drop.isAccepted()


def visible_ids(window: MainWindow) -> list[int]:
    return list(window.model.ids)


def loaded(qtbot: QtBot, window: MainWindow) -> list[int]:
    """The table's ids once its background query has delivered the whole list."""
    qtbot.waitUntil(lambda: window.model.complete)
    return visible_ids(window)


def test_title_names_the_library_and_empty_state_says_how_to_import(
    make_window: WindowFactory, empty_library: Library
) -> None:
    window = make_window(empty_library)
    assert window.windowTitle() == "ReadingList — library.sqlite"
    assert window.stack.currentWidget() is window.empty_label
    assert window.empty_label.text() == EMPTY_TEXT


def test_typing_a_query_filters_the_table(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    assert len(loaded(qtbot, window)) == library.count()
    qtbot.keyClicks(window.filter_bar.edit, "speech")
    expected = library.search_ids("speech", SortSpec("added", True))
    assert 0 < len(expected) < library.count()
    qtbot.waitUntil(lambda: visible_ids(window) == expected)
    assert window.filter_bar.count_label.text() == f"{len(expected)} of {library.count()}"
    # Esc clears the filter.
    qtbot.keyClick(window.filter_bar.edit, Qt.Key.Key_Escape)
    assert window.filter_bar.text() == ""
    assert len(loaded(qtbot, window)) == library.count()


def test_a_malformed_query_shows_its_error_inline(qtbot: QtBot, window: MainWindow) -> None:
    before = loaded(qtbot, window)
    qtbot.keyClicks(window.filter_bar.edit, "(speech")
    qtbot.waitUntil(window.filter_bar.error_label.isVisible)
    assert "parenthesis" in window.filter_bar.error_label.text()
    assert visible_ids(window) == before  # the table keeps its rows
    assert window.message_box is None
    qtbot.keyClicks(window.filter_bar.edit, ")")
    qtbot.waitUntil(lambda: not window.filter_bar.error_label.isVisible())


def test_clicking_a_header_sorts_in_sqlite(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(PUBLISHED) + header.sectionSize(PUBLISHED) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    assert window.model.sort_column == PUBLISHED
    first = window.model.sort_descending
    assert loaded(qtbot, window) == library.search_ids("", SortSpec("published", first))
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    assert window.model.sort_descending is not first
    assert loaded(qtbot, window) == library.search_ids("", SortSpec("published", not first))


def test_drop_a_file_and_accept_the_preview(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library
) -> None:
    window = make_window(empty_library)
    assert drop_files(window, [HF_TEXT_SAMPLES[0]])
    dialog = window.importer.preview_dialog
    assert dialog is not None
    rows = dialog.model.rowCount()
    assert rows > 0 and dialog.model.count("new") > 0
    dialog.target_list.setEditText("Dropped")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=20000)
    assert empty_library.count() > 0
    assert window.stack.currentWidget() is window.table
    assert "added" in window.importer.summary_label.text()
    new = window.importer.last_import[0].new_ids
    assert sorted(window.table.selected_ids()) == sorted(new)
    assert sorted(empty_library.list_paper_ids("Dropped")) == sorted(
        window.importer.last_import[0].paper_ids
    )


def test_a_file_that_is_not_a_listing_gets_one_message(
    make_window: WindowFactory, empty_library: Library, tmp_path: Path
) -> None:
    window = make_window(empty_library)
    junk = tmp_path / "notes.txt"
    junk.write_text("just a shopping list\nmilk\neggs\n")
    assert drop_files(window, [junk])
    assert window.importer.preview_dialog is None
    assert window.message_box is not None
    assert "notes.txt" in window.message_box.text()
    assert empty_library.count() == 0


def test_cancelling_an_import_midway_leaves_the_library_unchanged(
    qtbot: QtBot,
    make_window: WindowFactory,
    empty_library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(empty_library)
    reached, release = threading.Event(), threading.Event()
    original = empty_library.import_result

    def held(result: Any, **kwargs: Any) -> Any:
        progress = kwargs.get("progress")
        if progress is not None:
            # Hold the worker inside the import's transaction until the user has clicked Cancel.
            def wait_then_report(done: int, total: int) -> None:
                reached.set()
                release.wait(10)
                progress(done, total)

            kwargs["progress"] = wait_then_report
        return original(result, **kwargs)

    monkeypatch.setattr(empty_library, "import_result", held)
    assert drop_files(window, [HF_TEXT_SAMPLES[0]])
    assert window.importer.preview_dialog is not None
    qtbot.mouseClick(window.importer.preview_dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set)
    assert window.importer.cancel_button.isVisible()
    qtbot.mouseClick(window.importer.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=20000)
    assert "cancelled" in window.statusBar().currentMessage()
    assert empty_library.count() == 0
    assert empty_library.sources() == []


def test_paste_opens_the_same_preview(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library
) -> None:
    window = make_window(empty_library)
    QGuiApplication.clipboard().setText(HF_TEXT_SAMPLES[1].read_text(encoding="utf-8"))
    window.table.setFocus()
    window.menus.paste_action.trigger()
    assert window.importer.preview_dialog is not None
    assert window.importer.preview_dialog.model.count("new") > 0
    window.importer.preview_dialog.reject()


def test_edit_a_note_and_find_it_after_reopening(
    qtbot: QtBot, window: MainWindow, library: Library, library_path: Path
) -> None:
    paper = visible_ids(window)[3]
    window.select_ids([paper])
    assert window.pane.record is not None and window.pane.record.id == paper
    qtbot.keyClicks(window.pane.notes, "Read *section 4* <b>first</b>")
    qtbot.waitUntil(
        lambda: library.get(paper).notes == "Read *section 4* <b>first</b>", timeout=5000
    )
    # The note renders as Markdown, its raw HTML as text.
    window.select_ids([visible_ids(window)[0]])
    window.select_ids([paper])
    shown = window.pane.browser.toPlainText()
    assert "section 4" in shown and "<b>first</b>" in shown
    window.close()
    library.close()
    assert Library(library_path).get(paper).notes == "Read *section 4* <b>first</b>"


def test_delete_then_undo_restores_everything(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ids = visible_ids(window)[:2]
    library.add_tags(ids, ["keep"])
    library.add_to_list("Thesis", ids, create=True)
    library.set_rating(ids, 4)
    window.model.refresh()
    window.select_ids(ids)
    total = library.count()
    window.table.setFocus()
    window.menus.delete_action.trigger()
    assert library.count() == total - 2
    assert not set(ids) & set(visible_ids(window))
    window.menus.undo_action.trigger()
    assert library.count() == total
    for paper_id in ids:
        record = library.get(paper_id)
        assert record.tags == ["keep"] and record.lists == ["Thesis"] and record.rating == 4
    assert set(ids) <= set(visible_ids(window))
    window.menus.redo_action.trigger()
    assert library.count() == total - 2


def test_status_keys_and_undo(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    paper = visible_ids(window)[0]
    window.select_ids([paper])
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    assert library.get(paper).status is ReadingStatus.READ
    qtbot.keyClick(window.table, Qt.Key.Key_U)
    assert library.get(paper).status is ReadingStatus.UNREAD
    qtbot.keyClick(window.table, Qt.Key.Key_3)
    assert library.get(paper).rating == 3
    window.menus.undo_action.trigger()
    window.menus.undo_action.trigger()
    assert library.get(paper).status is ReadingStatus.READ
    assert library.get(paper).rating == 0


def test_dropping_papers_on_a_list_adds_them(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    list_id = library.create_list("Later")
    window.reload_sidebar()
    ids = visible_ids(window)[:3]
    mime = window.model.mimeData([window.model.index(r, 0) for r in range(3)])
    item = window.sidebar_model.index_of(f"list:{list_id}")
    assert item is not None
    point = window.sidebar.visualRect(item.index()).center()
    drop = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.sidebar.dropEvent(drop)
    assert library.list_paper_ids("Later") == ids
    window.menus.undo_action.trigger()
    assert library.list_paper_ids("Later") == []


def test_settings_restore_the_session(
    qtbot: QtBot, make_window: WindowFactory, library: Library
) -> None:
    first = make_window(library)
    first.model.sort(PUBLISHED, Qt.SortOrder.AscendingOrder)
    first.table.horizontalHeader().setSortIndicator(PUBLISHED, Qt.SortOrder.AscendingOrder)
    first.table.horizontalHeader().setSectionHidden(AUTHORS, True)
    first.filter_bar.set_text("model")
    chosen = loaded(qtbot, first)[2]
    first.select_ids([chosen])
    first.splitter.setSizes([200, 600, 400])
    sizes = first.splitter.sizes()
    first.close()

    second = make_window(library)
    assert second.filter_bar.text() == "model"
    assert second.model.sort_column == PUBLISHED and not second.model.sort_descending
    assert loaded(qtbot, second) == library.search_ids("model", SortSpec("published", False))
    assert second.table.horizontalHeader().isSectionHidden(AUTHORS)
    qtbot.waitUntil(lambda: second.table.selected_ids() == [chosen])
    assert second.pane.record is not None and second.pane.record.id == chosen
    assert second.splitter.sizes() == sizes


def test_reading_pane_never_fetches_and_shows_html_as_text(
    window: MainWindow, library: Library
) -> None:
    paper = visible_ids(window)[0]
    library.set_notes(paper, "![x](http://example.com/track.png) <script>alert(1)</script>")
    window.select_ids([paper])
    browser = window.pane.browser
    assert browser.loadResource(2, QUrl("http://example.com/track.png")) is None
    assert "<script>alert(1)</script>" in browser.toPlainText()
    assert not browser.openLinks()


def test_keyboard_find_delete_and_undo(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_bar.edit.hasFocus()
    paper = visible_ids(window)[1]
    window.select_ids([paper])
    window.table.setFocus()
    total = library.count()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert library.count() == total - 1
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert library.count() == total
    assert library.get(paper).id == paper


PAGE_COUNTS = {
    "arxiv-list-new_cs.IT_2026-09-28.html": 31,
    "arxiv-list-recent_cs.AI_2026-10.html": 50,
    "arxiv-list-new-text_cs.IR_2024-07-23_legacy.txt": 2,
    "hf-papers-search_firecrawl-markdown.md": 120,
    "hf-papers-search_notebook-export.txt": 107,
    "hf-papers-search_terminal-capture.txt": 33,  # the 34th entry is cut; reported, not stored
    "hf-papers-daily_2026-07-02.html": 31,
    "hf-api-daily-papers_one-item.json": 1,
}


@pytest.mark.parametrize("name", sorted(PAGE_COUNTS))
def test_every_saved_page_sample_imports_by_dropping_it(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library, name: str
) -> None:
    from tests.conftest import PAGE_SAMPLES

    window = make_window(empty_library)
    assert drop_files(window, [PAGE_SAMPLES / name])
    dialog = window.importer.preview_dialog
    assert dialog is not None
    assert dialog.model.count("new") == PAGE_COUNTS[name]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=20000)
    assert empty_library.count() == PAGE_COUNTS[name]


def test_dropping_a_webpage_complete_save_skips_its_files_folder(
    make_window: WindowFactory, empty_library: Library, tmp_path: Path
) -> None:
    from tests.conftest import PAGE_SAMPLES

    page = tmp_path / "Daily Papers.html"
    page.write_bytes((PAGE_SAMPLES / "hf-papers-daily_2026-07-02.html").read_bytes())
    folder = tmp_path / "Daily Papers_files"
    folder.mkdir()
    (folder / "logo.svg").write_text("<svg/>")
    window = make_window(empty_library)
    assert drop_files(window, [page, folder])
    dialog = window.importer.preview_dialog
    assert dialog is not None
    assert dialog.model.count("new") == 31
    assert "folder" not in dialog.warnings.toPlainText()


def test_a_read_only_library_offers_no_edits(
    qtbot: QtBot, make_window: WindowFactory, library: Library
) -> None:
    library.create_list("Mine")
    path = library.path
    library.close()
    read_only = ReadOnlyLibrary(path)
    try:
        window = make_window(read_only)
        paper = visible_ids(window)[0]
        window.select_ids([paper])
        qtbot.waitUntil(lambda: window.pane.record is not None)
        # The paper is shown, but nothing offers to change it or the library.
        assert window.pane.record.id == paper
        editors = (window.pane.status, window.pane.rating, window.pane.tags, window.pane.notes)
        assert not any(widget.isEnabled() for widget in editors)
        for action in (
            window.menus.import_action,
            window.menus.paste_action,
            window.menus.delete_action,
            window.menus.read_action,
            window.menus.tag_action,
            window.menus.new_list_action,
            window.menus.save_search_action,
            *window.menus.rate_actions,
        ):
            assert not action.isEnabled(), action.text()
        assert not window.menus.list_menu.isEnabled()
        assert window.menus.export_action.isEnabled() and window.menus.open_action.isEnabled()
        window.activateWindow()
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_R)
        assert read_only.get(paper).status is ReadingStatus.UNREAD
        assert not drop_files(window, [HF_TEXT_SAMPLES[0]])
        # A menu entry made on the fly (rename a list, say) ends at the same guard.
        window.editor.add_to_list("Mine", [paper])
        assert read_only.list_paper_ids("Mine") == []
        assert "read-only" in window.statusBar().currentMessage()
    finally:
        read_only.close()
