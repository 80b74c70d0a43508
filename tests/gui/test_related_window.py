"""Related papers in the window: "More like this" under the reading pane, the "Suggested" view
of a reading list (add with A or by dragging), and like:ID in the filter bar."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory


def ready(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.related.related.ready, timeout=30000)


def test_more_like_this_follows_the_selection_and_selects_on_click(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ready(qtbot, window)
    first = window.model.ids[0]
    window.select_ids([first])
    more = window.related.more_like
    qtbot.waitUntil(lambda: more.papers.count() == 8, timeout=10000)
    assert more.isVisible()
    expected = [p.paper_id for p in window.related.related.more_like(first, 8)]
    assert more.paper_ids() == expected
    item = more.papers.item(0)
    title = library.get(expected[0]).title
    assert item.text().startswith(title)
    assert "shares: " in item.text()

    # Clicking a related paper selects it, even when the filter hid it.
    window.filter_bar.set_text(f'title:"{library.get(first).title[:20]}"')
    qtbot.waitUntil(lambda: window.model.complete)
    assert expected[0] not in window.model.ids
    rect = more.papers.visualItemRect(item)
    QTest.mouseClick(more.papers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.table.selected_ids() == [expected[0]], timeout=10000)
    assert window.pane.record is not None and window.pane.record.id == expected[0]
    assert window.filter_bar.text() == ""


def test_suggested_view_ranks_outsiders_and_adds_with_a_key_or_a_drag(
    qtbot: QtBot, make_window: WindowFactory, library: Library
) -> None:
    members = library.search_ids("speech", limit=3)
    list_id = library.create_list("Speech")
    library.add_to_list("Speech", members)
    other_id = library.create_list("Other")
    window = make_window(library)
    ready(qtbot, window)
    item = window.sidebar_model.index_of(f"suggested:{list_id}")
    assert item is not None and item.text() == "↳ Suggested"
    window.sidebar.setCurrentIndex(item.index())
    view = window.related.suggestions
    qtbot.waitUntil(lambda: view.papers.count() > 0, timeout=10000)
    assert window.stack.currentWidget() is view
    assert "Ranked by: " in view.status.text()
    suggested = view.paper_ids()
    assert suggested == [p.paper_id for p in window.related.related.suggest(members, 30).papers]
    assert not set(suggested) & set(members)

    # A adds the chosen suggestion to the list; undo takes it out again.
    view.papers.setCurrentRow(0)
    view.papers.setFocus()
    QTest.keyClick(view.papers, Qt.Key.Key_A)
    qtbot.waitUntil(
        lambda: window.editor.idle and library.list_paper_ids("Speech") == [*members, suggested[0]]
    )
    qtbot.waitUntil(lambda: suggested[0] not in view.paper_ids())
    assert window.stack.currentWidget() is view
    window.menus.undo_action.trigger()
    qtbot.waitUntil(lambda: window.editor.idle and library.list_paper_ids("Speech") == members)

    # Dragged onto a list in the sidebar, a suggestion is added to that list.
    view.papers.setCurrentRow(1)
    dragged = view.paper_ids()[1]
    mime = view.papers.mimeData([view.papers.item(1)])
    other = window.sidebar_model.index_of(f"list:{other_id}")
    assert other is not None
    point = window.sidebar.visualRect(other.index()).center()
    drop = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.sidebar.dropEvent(drop)
    qtbot.waitUntil(lambda: window.editor.idle and library.list_paper_ids("Other") == [dragged])

    # Clicking a suggestion shows it in the reading pane.
    view.papers.itemClicked.emit(view.papers.item(2))
    assert window.pane.record is not None and window.pane.record.id == view.paper_ids()[2]


def test_like_in_the_filter_bar(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    ready(qtbot, window)
    paper = window.model.ids[0]
    window.filter_bar.set_text(f"like:{paper} -status:read")
    qtbot.waitUntil(lambda: window.model.complete)
    expected = window.related.related.similar_ids(paper)
    assert list(window.model.ids)[:10] == expected[:10]
