"""The window at 800×600: nothing sets a minimum width beyond it (a long filter error least of
all), the sidebar keeps its names, long texts are elided with the whole in a tooltip; and
files dragged over the window are shown where they would land."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.gui.main_window import MainWindow
from readinglist.gui.settings import Settings
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES
from tests.gui.test_window import PYSIDE_VERSION, drop_files


def test_a_fresh_window_works_at_800_by_600(qtbot: QtBot, library: Library, tmp_path: Path) -> None:
    window = MainWindow(library, Settings(tmp_path / "fresh.ini"))
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    assert window.minimumSizeHint().width() <= 800
    assert window.width() == 800
    # The sidebar keeps its names: a group title and its count fit.
    metrics = window.sidebar.fontMetrics()
    assert window.sidebar.width() >= metrics.horizontalAdvance("Reading lists 999")
    assert window.sidebar.textElideMode() == Qt.TextElideMode.ElideMiddle
    # ...and the table gets the most room.
    sizes = window.splitter.sizes()
    assert sizes[1] == max(sizes) and sizes[1] >= 250
    # Narrower still than any user would go, the panes keep a usable minimum.
    window.splitter.setSizes([0, 800, 0])
    assert window.sidebar.width() >= window.sidebar.minimumWidth() > 0


def test_a_long_filter_error_never_widens_the_window(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    bar = window.filter_bar
    bar.set_text("year:>>2 " + "a-very-long-query-word " * 20)
    qtbot.waitUntil(bar.error_label.isVisible)
    message = bar.error_label.text()
    assert "(at character 7)" in message  # the second ">", not the field's start
    QApplication.processEvents()  # the layouts take in the error
    assert window.minimumSizeHint().width() <= 800
    assert window.width() == 800
    assert bar.error_label.toolTip() == message and bar.edit.toolTip() == message
    assert bar.error_label.width() < bar.error_label.fontMetrics().horizontalAdvance(message)
    # A late count from the search before the error does not hide it.
    window.model.searched.emit(5, True)
    assert bar.error_label.isVisible()
    bar.set_text("speech")
    assert not bar.error_label.isVisible() and "Esc clears" in bar.edit.toolTip()


def _file_drag(window: MainWindow, paths: list[Path]) -> tuple[QDragEnterEvent, QMimeData]:
    """The event, and its data: the caller keeps the data alive (the event only points to it)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = window.rect().center()
    position = QPointF(point) if PYSIDE_VERSION >= (6, 12) else point
    event = QDragEnterEvent(
        position,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    return event, mime


def test_files_dragged_over_the_window_are_highlighted(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    overlay = window.drop_overlay
    assert not overlay.isVisible()
    enter, _data = _file_drag(window, HF_TEXT_SAMPLES[:2])
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted() and overlay.isVisible()
    assert overlay.text == "Drop to import 2 files"
    assert overlay.geometry() == window.rect()
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not overlay.isVisible()
    # Dropping ends the highlight too (and opens the preview).
    assert drop_files(window, [PAGE_SAMPLES / "arxiv-list-new_cs.IT_2026-09-28.html"])
    assert not overlay.isVisible()
    dialog = window.importer.preview_dialog
    assert dialog is not None
    # The preview fits the screen (offscreen: 800×600), its buttons within reach.
    free = dialog.screen().availableGeometry()
    assert dialog.width() <= free.width() and dialog.height() <= free.height()
    dialog.reject()
    # Dragging something that is not a file shows nothing.
    mime = QMimeData()
    mime.setText("just text")
    point = window.rect().center()
    position = QPointF(point) if PYSIDE_VERSION >= (6, 12) else point
    text = QDragEnterEvent(
        position,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, text)
    assert not overlay.isVisible()


def test_the_import_summary_fits_the_status_bar_and_its_tooltip_has_every_file(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.resize(800, 600)
    pages = [
        PAGE_SAMPLES / "arxiv-list-new_cs.IT_2026-09-28.html",
        PAGE_SAMPLES / "arxiv-list-recent_cs.AI_2026-10.html",
        PAGE_SAMPLES / "hf-papers-daily_2026-07-02.html",
    ]
    assert drop_files(window, pages)
    dialog = window.importer.preview_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.importer.import_task is None, timeout=20000)
    label = window.importer.summary_label
    qtbot.waitUntil(label.isVisible)
    added = sum(len(s.new_ids) for s in window.importer.last_import)
    assert label.text().startswith(f"3 files: added {added} new papers")
    tooltip = label.toolTip().split("\n")
    assert [line.split(":")[0] for line in tooltip] == [p.name for p in pages]
    assert window.minimumSizeHint().width() <= 800
    assert label.width() <= window.statusBar().width()
