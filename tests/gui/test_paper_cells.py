"""The table paints its cells itself (one call per cell instead of seven): what it paints must
be exactly what Qt's own delegate paints from the model's roles."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QStyledItemDelegate
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.records import ReadingStatus
from readinglist.gui.main_window import MainWindow
from readinglist.gui.widgets.paper_cells import PaperCellDelegate
from tests.gui.conftest import WindowFactory


def _both(window: MainWindow) -> tuple[QImage, QImage]:
    table = window.table
    ours = table.itemDelegate()
    assert isinstance(ours, PaperCellDelegate)
    painted = table.viewport().grab().toImage()
    table.setItemDelegate(QStyledItemDelegate(table))
    try:
        by_qt = table.viewport().grab().toImage()
    finally:
        table.setItemDelegate(ours)
    return painted, by_qt


def test_cells_look_as_qts_own_delegate_paints_them(
    qtbot: QtBot, make_window: WindowFactory, library: Library
) -> None:
    ids = library.search_ids("", None)
    library.set_status(ids[::3], ReadingStatus.READ)  # read ones are not bold
    library.set_rating(ids[:5], 4)
    window = make_window(library)
    table = window.table
    table.selectRow(2)
    painted, by_qt = _both(window)
    assert painted == by_qt
    # The right-aligned counts, the rating and the status, further right.
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    painted, by_qt = _both(window)
    assert painted == by_qt
    # Another font: the bold of unread papers follows it.
    bigger = QFont(table.font())
    bigger.setPointSize(bigger.pointSize() + 4)
    table.setFont(bigger)
    painted, by_qt = _both(window)
    assert painted == by_qt


def test_table_records_are_the_records_without_abstracts(library: Library) -> None:
    ids = library.search_ids("", None)[:40]
    expected = [replace(r, abstract=None) for r in library.get_many(ids, relations=False)]
    assert library.table_records(ids) == expected
    assert library.table_records([ids[3], 10**9, ids[1]]) == [expected[3], expected[1]]
