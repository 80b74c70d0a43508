"""The table paints its cells itself (one call per cell instead of seven): what it paints must
be exactly what Qt's own delegate paints from the model's roles."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QStyledItemDelegate
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.query import SortSpec, parse_query
from readinglist.core.records import ReadingStatus
from readinglist.gui.main_window import MainWindow
from readinglist.gui.widgets.paper_cells import PaperCellDelegate
from tests.gui.conftest import WindowFactory
from tests.helpers import import_file


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


def test_a_line_break_in_a_cell_is_painted_as_qts_delegate_paints_it(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library, tmp_path: Path
) -> None:
    """Names on a Hugging Face page are kept as given, a line break included; Qt's delegate
    shows one as a line separator (the first line, elided), not the two lines run together."""
    item = {
        "paper": {
            "id": "2203.03850",
            "title": "UniXcoder: Unified Cross-Modal Pre-training for Code Representation",
            "authors": [{"name": "Daya\nGuo"}],
            "organization": {"name": "msr", "fullname": "Microsoft\nResearch"},
            "publishedAt": "2022-03-07T00:00:00.000Z",
            "upvotes": 3,
        },
        "numComments": 0,
    }
    props = html.escape(json.dumps({"dateString": "2025-03-10", "dailyPapers": [item]}))
    page = tmp_path / "daily.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>Daily Papers - Hugging Face</title></head><body>"
        f'<div data-target="DailyPapers" data-props="{props}"></div></body></html>',
        encoding="utf-8",
    )
    import_file(empty_library, page)
    (paper,) = empty_library.get_many(empty_library.search_ids("", None))
    assert paper.authors == ["Daya\nGuo"] and paper.organization == "Microsoft\nResearch"
    window = make_window(empty_library)
    painted, by_qt = _both(window)
    assert painted == by_qt


def test_a_search_head_is_its_first_ids_and_the_screens_records(library: Library) -> None:
    spec = SortSpec("title", False)
    ids, records = library.search_head(parse_query("model"), spec, scope_sql=None, limit=30, rows=7)
    assert ids == library.search_ids("model", spec, limit=30) and len(ids) == 30
    assert records == library.table_records(ids[:7])
