"""The import preview on a real saved page: each row's own place in the file, sorting, and the
possible duplicate found at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.core.entries import ParsedPaper, ParseResult
from readinglist.core.library import Library
from readinglist.gui.dialogs.import_preview import ImportPreviewDialog
from readinglist.gui.models.import_preview import LINE, MARKER, MARKER_ROLE, TITLE
from readinglist.importers import ParseOptions, parse_listing, read_listing
from tests.conftest import PAGE_SAMPLES

DAILY = PAGE_SAMPLES / "hf-papers-daily_2026-07-02.html"


def _column(dialog: ImportPreviewDialog, column: int, role: int = 0) -> list[object]:
    model = dialog.table.model()
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


def test_preview_rows_have_their_own_place_sort_and_show_the_duplicate_first(
    qtbot: QtBot, empty_library: Library
) -> None:
    page = parse_listing(read_listing(DAILY), ParseOptions())
    # The library holds a near twin of the page's 21st title: that one paper is a possible
    # duplicate, the 30 others plainly new.
    twin = page.papers[20].title + " (v2)"
    empty_library.import_result(
        ParseResult("test", [ParsedPaper(title=twin, line=1)]),
        file_name="older.txt",
        file_path=None,
        sha256="0" * 64,
    )
    dialog = ImportPreviewDialog(empty_library, [read_listing(DAILY)])
    qtbot.addWidget(dialog)
    dialog.show()

    markers = _column(dialog, MARKER, MARKER_ROLE)
    assert markers.count("duplicate") == 1 and markers.count("new") == 30
    assert markers.index("duplicate") == 20  # page order first
    # Every card sits on line 89 of this saved page: line:column tells them apart.
    places = _column(dialog, LINE)
    assert len(set(places)) == 31
    assert all(str(place).startswith("89:") for place in places)

    # The summary's link (or a click on the first column) brings the duplicate to the top.
    dialog.summary_label.linkActivated.emit("#duplicates")
    assert _column(dialog, MARKER, MARKER_ROLE)[0] == "duplicate"
    assert dialog.table.horizontalHeader().sortIndicatorSection() == MARKER

    titles = _column(dialog, TITLE)
    dialog.table.horizontalHeader().setSortIndicator(TITLE, Qt.SortOrder.AscendingOrder)
    assert _column(dialog, TITLE) == sorted(titles, key=lambda t: str(t).casefold())
    dialog.table.sortByColumn(LINE, Qt.SortOrder.AscendingOrder)
    assert _column(dialog, LINE) == places  # back in page order
