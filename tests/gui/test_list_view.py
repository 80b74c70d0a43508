"""A reading list's view: its papers in the list's own order, honest counts, and reordering
by dragging rows or with Ctrl+Up / Ctrl+Down, undoable and kept in the library."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.gui.main_window import MainWindow
from tests.gui.test_window import PYSIDE_VERSION

LIST = "Thesis"
CTRL = Qt.KeyboardModifier.ControlModifier


def make_list(window: MainWindow, library: Library) -> list[int]:
    """Four papers in an order that is neither the table's nor the ids'."""
    ids = list(window.model.ids)
    chosen = [ids[7], ids[2], ids[30], ids[11]]
    library.create_list(LIST)
    library.add_to_list(LIST, chosen)
    window.library_changed()
    return chosen


def open_list(qtbot: QtBot, window: MainWindow) -> None:
    window.select_sidebar(next(k for k in ("list:1", "list:2") if window.sidebar_model.entry(k)))
    qtbot.waitUntil(lambda: window.model.list_name == LIST)


def test_a_list_shows_its_papers_in_its_order_with_its_counts(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    chosen = make_list(window, library)
    library.add_tags([chosen[0], chosen[1], chosen[3], *window.model.ids[40:60]], ["deep"])
    # A filter typed in "All papers" stays; in the list it counts out of the list's papers
    # (the sidebar's 4), never out of the library's.
    window.filter_bar.set_text("tag:deep")
    open_list(qtbot, window)
    assert list(window.model.ids) == [chosen[0], chosen[1], chosen[3]]  # the list's order
    assert window.filter_bar.count_label.text() == "3 of 4"
    window.filter_bar.clear()
    assert list(window.model.ids) == chosen == library.list_paper_ids(LIST)
    assert window.filter_bar.count_label.text() == "4 papers"
    # The header does not sort a list (its order is the list's): no indicator, no clicks.
    header = window.table.horizontalHeader()
    assert not header.sectionsClickable() and not header.isSortIndicatorShown()
    window.select_sidebar("all")
    qtbot.waitUntil(lambda: window.model.list_name is None and window.model.complete)
    assert header.sectionsClickable()
    assert window.filter_bar.count_label.text() == f"{library.count()} papers"


def test_ctrl_up_and_down_reorder_the_list_and_undo_puts_it_back(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    a, b, c, d = make_list(window, library)
    open_list(qtbot, window)
    window.select_ids([c])
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Up, CTRL)
    assert library.list_paper_ids(LIST) == [a, c, b, d] == list(window.model.ids)
    qtbot.keyClick(window.table, Qt.Key.Key_Up, CTRL)
    qtbot.keyClick(window.table, Qt.Key.Key_Up, CTRL)  # at the top already: stays
    assert library.list_paper_ids(LIST) == [c, a, b, d]
    assert window.table.selected_ids() == [c]  # the moved paper stays selected
    window.select_ids([c, a])
    qtbot.keyClick(window.table, Qt.Key.Key_Down, CTRL)
    assert library.list_paper_ids(LIST) == [b, c, a, d]
    window.menus.undo_action.trigger()
    window.menus.undo_action.trigger()
    assert library.list_paper_ids(LIST) == [a, c, b, d] == list(window.model.ids)
    window.menus.redo_action.trigger()
    assert library.list_paper_ids(LIST) == [c, a, b, d]


def _drag_rows_to(window: MainWindow, rows: list[int], target_row: int) -> bool:
    model, table = window.model, window.table
    mime = model.mimeData([model.index(row, 0) for row in rows])
    y = table.rowViewportPosition(target_row) + 2  # the upper half: before that row
    point = QPoint(20, y)
    position = QPointF(point) if PYSIDE_VERSION >= (6, 12) else point
    viewport = table.viewport()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    copy = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(position, copy, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(position, copy, mime, buttons, mods)
    QApplication.sendEvent(viewport, move)
    if not move.isAccepted():
        return False
    drop = QDropEvent(QPointF(point), copy, mime, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted()


def test_dragging_rows_within_the_list_reorders_it(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    a, b, c, d = make_list(window, library)
    # Outside a list, rows dropped on the table reorder nothing.
    assert not _drag_rows_to(window, [3], 0)
    open_list(qtbot, window)
    assert _drag_rows_to(window, [2, 3], 0)  # c and d to the top
    assert library.list_paper_ids(LIST) == [c, d, a, b] == list(window.model.ids)
    assert sorted(window.table.selected_ids()) == sorted([c, d])
    assert _drag_rows_to(window, [0], 3)  # c before the last row (b)
    assert library.list_paper_ids(LIST) == [d, a, c, b]
    window.menus.undo_action.trigger()
    assert library.list_paper_ids(LIST) == [c, d, a, b]
    # The export of the list and the table agree.
    assert list(window.model.ids) == library.list_paper_ids(LIST)


def test_a_filtered_list_moves_only_what_it_shows(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    a, b, c, d = make_list(window, library)
    library.add_tags([a, c, d], ["deep"])
    open_list(qtbot, window)
    window.filter_bar.set_text("tag:deep")
    assert list(window.model.ids) == [a, c, d]
    assert window.filter_bar.count_label.text() == "3 of 4"
    window.select_ids([d])
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Up, CTRL)
    # d passed c; b, hidden by the filter, kept its place.
    assert library.list_paper_ids(LIST) == [a, b, d, c]
    assert list(window.model.ids) == [a, d, c]


def test_removing_from_a_list_and_undoing_puts_the_papers_back_in_place(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    a, b, c, d = make_list(window, library)
    open_list(qtbot, window)
    window.editor.remove_from_list(LIST, [b])
    assert list(window.model.ids) == [a, c, d]
    assert window.filter_bar.count_label.text() == "3 papers"
    window.menus.undo_action.trigger()
    assert library.list_paper_ids(LIST) == [a, b, c, d] == list(window.model.ids)
