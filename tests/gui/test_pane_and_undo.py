"""The reading pane with several papers selected, and one undo history for the notes box and
the table: Ctrl+Z anywhere undoes the last change, a note being typed included."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.records import ReadingStatus
from readinglist.gui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _focus(qtbot: QtBot, window: MainWindow, widget: object) -> None:
    window.activateWindow()
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.waitUntil(widget.hasFocus)  # type: ignore[attr-defined]


def test_ctrl_z_in_the_notes_box_and_in_the_table_share_one_history(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    paper = list(window.model.ids)[2]
    window.select_ids([paper])
    notes, table = window.pane.notes, window.table

    _focus(qtbot, window, notes)
    qtbot.keyClicks(notes, "Hello")
    window.pane.save_notes()  # what the typing pause does
    _focus(qtbot, window, table)
    qtbot.keyClick(table, Qt.Key.Key_R)  # a change in the table, between two note edits
    assert library.get(paper).status is ReadingStatus.READ
    _focus(qtbot, window, notes)
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(notes, " world")  # not saved yet: Ctrl+Z saves it, then undoes it

    # Ctrl+Z in the table undoes the note typed last, though the table has the focus.
    _focus(qtbot, window, table)
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
    assert library.get(paper).notes == "Hello" and notes.toPlainText() == "Hello"
    # Ctrl+Z in the notes box undoes the status change: the window's history, not the box's.
    _focus(qtbot, window, notes)
    qtbot.keyClick(notes, Qt.Key.Key_Z, CTRL)
    assert library.get(paper).status is ReadingStatus.UNREAD
    assert notes.toPlainText() == "Hello"
    qtbot.keyClick(notes, Qt.Key.Key_Z, CTRL)
    assert library.get(paper).notes == "" and notes.toPlainText() == ""

    # Redo brings everything back, in order, from either place; nothing was lost.
    qtbot.keyClick(notes, Qt.Key.Key_Z, CTRL | SHIFT)
    assert library.get(paper).notes == "Hello" and notes.toPlainText() == "Hello"
    _focus(qtbot, window, table)
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL | SHIFT)
    record = library.get(paper)
    assert record.status is ReadingStatus.READ and record.notes == "Hello world"
    assert notes.toPlainText() == "Hello world"
    assert window.editor.undo_stack.count() == 3


def test_several_selected_papers_are_counted_and_edited_together(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ids = list(window.model.ids)[:3]
    library.add_tags(ids, ["shared"])
    library.add_tags(ids[:1], ["only-first"])
    window.model.refresh()
    window.select_ids(ids)
    pane = window.pane
    assert pane.record is None and sorted(pane.target_ids()) == sorted(ids)
    shown = pane.browser.toPlainText()
    assert "3 selected" in shown
    for record in library.get_many(ids, relations=False):
        assert " ".join(record.title.split())[:30] in " ".join(shown.split())
    assert not pane.notes.isEnabled()  # notes belong to one paper
    assert pane.status.isEnabled() and pane.rating.isEnabled() and pane.tags.isEnabled()
    assert pane.tags.text() == "shared"  # the tags all three have

    pane.status.setCurrentIndex(pane.status.findData("reading"))
    pane.status.activated.emit(pane.status.currentIndex())
    assert {r.status for r in library.get_many(ids)} == {ReadingStatus.READING}
    pane.rating.setValue(4)
    assert {r.rating for r in library.get_many(ids)} == {4}
    pane.tags.setText("shared, week-3")
    pane.tags.editingFinished.emit()
    assert [sorted(r.tags) for r in library.get_many(ids)] == [
        ["only-first", "shared", "week-3"],
        ["shared", "week-3"],
        ["shared", "week-3"],
    ]
    pane.tags.setText("week-3")  # "shared" removed from all, the others' own tags kept
    pane.tags.editingFinished.emit()
    assert [sorted(r.tags) for r in library.get_many(ids)] == [
        ["only-first", "week-3"],
        ["week-3"],
        ["week-3"],
    ]
    window.menus.undo_action.trigger()
    assert all("shared" in r.tags for r in library.get_many(ids))
    # One paper again: its own pane.
    window.select_ids(ids[:1])
    assert pane.record is not None and pane.record.id == ids[0] and pane.notes.isEnabled()
