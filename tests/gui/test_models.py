"""Every model passes Qt's model tester, and the table model holds ids, not rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.query import SortSpec
from readinglist.gui.models.import_preview import ImportPreviewModel, PreviewRow
from readinglist.gui.models.paper_table import (
    PAPER_ID_ROLE,
    TITLE,
    UPVOTES,
    PaperTableModel,
    paper_ids_from_mime,
)
from readinglist.gui.models.sidebar import KEY_ROLE, SidebarModel


def test_paper_table_model(qtmodeltester: ModelTester, qtbot: QtBot, library: Library) -> None:
    model = PaperTableModel(library)
    with qtbot.waitSignal(model.loaded):
        model.search("")
    qtmodeltester.check(model, force_py=True)
    # A broad search shows its head first and appends the rest from a second background
    # query, under the tester's eye.
    heads: list[int] = []
    model.searched.connect(lambda count, complete: heads.append(count) if not complete else None)
    with qtbot.waitSignal(model.loaded):
        model.search("model")
        assert not model.complete  # nothing waits: the rows arrive from the background
    assert heads == [model.HEAD_ROWS]
    assert list(model.ids) == library.search_ids("model", SortSpec("added", True))
    assert model.rowCount() > model.HEAD_ROWS


def test_paper_table_model_fetches_rows_on_demand(qtbot: QtBot, library: Library) -> None:
    model = PaperTableModel(library)
    with qtbot.waitSignal(model.loaded):
        model.search("")
    assert model.rowCount() == library.count()
    # Only the first screen's rows came with the search (fetched in the background).
    first_screen = set(model._rows)
    assert first_screen == set(model.ids[: len(first_screen)]) and len(first_screen) < 100
    title = model.data(model.index(300, TITLE))
    assert title == library.get(model.paper_id(300)).title
    assert len(first_screen) < len(model._rows) < model.rowCount()


def test_paper_table_sort_is_done_by_the_library(qtbot: QtBot, library: Library) -> None:
    model = PaperTableModel(library)
    with qtbot.waitSignal(model.loaded):
        model.sort(UPVOTES, Qt.SortOrder.DescendingOrder)
    assert list(model.ids) == library.search_ids("", SortSpec("upvotes", True))
    ids = [model.index(r, 0).data(PAPER_ID_ROLE) for r in range(3)]
    assert paper_ids_from_mime(model.mimeData([model.index(r, 0) for r in range(3)])) == ids


def test_sidebar_model(qtmodeltester: ModelTester, qapp: QApplication, library: Library) -> None:
    library.create_list("Thesis")
    library.add_tags(library.search_ids("")[:2], ["agents"])
    library.save_search("Speech", "speech")
    model = SidebarModel(library)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    keys = {
        model.index(r, 0, model.index(g, 0)).data(KEY_ROLE)
        for g in range(model.rowCount())
        for r in range(model.rowCount(model.index(g, 0)))
    }
    assert {"all", "status:unread", "status:read", "new"} <= keys
    assert any(k.startswith("list:") for k in keys)
    assert any(k.startswith("tag:") for k in keys)
    assert any(k.startswith("source:") for k in keys)
    assert any(k.startswith("search:") for k in keys)


def test_import_preview_model(qtmodeltester: ModelTester) -> None:
    model = ImportPreviewModel()
    qtmodeltester.check(model, force_py=True)
    model.set_rows(
        [
            PreviewRow("a.txt", 3, r"T\"ULU", "new"),
            PreviewRow("a.txt", 9, "Old", "present", "already in the library"),
            PreviewRow("a.txt", 15, "Dup", "duplicate", "nearly"),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 1).data() == "TÜLU"
    assert model.count("new") == 1
