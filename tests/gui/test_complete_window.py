"""Paper ▸ Complete from arXiv… in the real window, against a local server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from readinglist.core.completion.service import AppliedCompletion, Completer, PaperPlan
from readinglist.core.library import Library
from readinglist.gui.controllers.completing import sources_text
from readinglist.gui.dialogs.complete import CompleteDialog
from readinglist.gui.main_window import MainWindow
from tests.completion_server import Fault, Services, generated_papers, serve


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, library: Library) -> Iterator[Services]:
    with serve(Services()) as running:
        monkeypatch.setenv("READINGLIST_HF_API", running.hf_url)
        monkeypatch.setenv("READINGLIST_ARXIV_API", running.arxiv_url)
        monkeypatch.setenv("READINGLIST_ARXIV_SPACING", "0")
        monkeypatch.setenv("READINGLIST_HF_SPACING", "0")
        records = library.get_many(sorted(library.search_ids("", None)), relations=False)
        running.add(
            *generated_papers(
                [
                    (r.title, r.authors_count, r.published, str(r.published_precision))
                    for r in records
                ]
            )
        )
        yield running


def paper_menu_texts(window: MainWindow) -> list[str]:
    for action in window.menuBar().actions():
        menu = action.menu()
        if action.text() == "&Paper" and isinstance(menu, QMenu):
            return [a.text() for a in menu.actions()]
    return []


def open_dialog(window: MainWindow, qtbot: QtBot) -> CompleteDialog:
    window.completion.complete_action.trigger()
    dialog = window.completion.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_completing_the_selection_previews_applies_and_undoes_as_one_step(
    window: MainWindow, qtbot: QtBot, services: Services, library: Library
) -> None:
    assert "Complete from &arXiv…" in paper_menu_texts(window)
    ids = sorted(library.search_ids("", None))[:3]
    window.select_ids(ids)
    qtbot.waitUntil(lambda: sorted(window.table.selected_ids()) == ids)
    dialog = open_dialog(window, qtbot)
    assert dialog.scope() is not None and dialog.scope().label == "The 3 selected papers"  # type: ignore[union-attr]
    assert not dialog.complete_button.isEnabled()
    dialog.look_up_button.click()
    qtbot.waitUntil(dialog.complete_button.isEnabled, timeout=20000)
    assert dialog.preview.topLevelItemCount() == 3
    rows = [dialog.preview.topLevelItem(i) for i in range(3)]
    assert [row.text(1) for row in rows if row is not None] == ["Will complete"] * 3
    assert rows[0] is not None and "arXiv id" in rows[0].text(2)
    assert "Nothing has changed yet" in dialog.status.text()
    assert dialog.complete_button.text() == "Complete 3 Papers"
    assert all(library.get(i).arxiv_id is None for i in ids)  # the preview wrote nothing

    dialog.complete_button.click()
    qtbot.waitUntil(lambda: window.completion.task is None and window.completion.done != [])
    qtbot.waitUntil(lambda: all(library.get(i).arxiv_id for i in ids))
    assert all(library.get(i).authors for i in ids)
    stack = window.editor.undo_stack
    assert stack.undoText() == "Complete 3 papers"
    assert "Completed 3 of 3 papers" in window.statusBar().currentMessage()
    # The reading pane says where the fields came from.
    window.select_ids([ids[0]])
    qtbot.waitUntil(lambda: window.pane.record is not None and window.pane.record.id == ids[0])
    qtbot.waitUntil(window.pane.sources_label.isVisible)
    assert "Completed from arXiv (" in window.pane.sources_label.text()
    assert "authors" in window.pane.sources_label.text()

    stack.undo()  # in the background, in order with the other changes
    qtbot.waitUntil(lambda: all(library.get(i).arxiv_id is None for i in ids))
    qtbot.waitUntil(lambda: window.editor.idle and window.pane.sources_label.isHidden())
    stack.redo()
    qtbot.waitUntil(lambda: all(library.get(i).arxiv_id for i in ids))


def test_cancel_during_the_look_up_changes_nothing(
    window: MainWindow, qtbot: QtBot, services: Services, library: Library
) -> None:
    release = threading.Event()
    services.fault("/api/papers/search", Fault(stall=release))
    window.select_ids(sorted(library.search_ids("", None))[:5])
    qtbot.waitUntil(lambda: len(window.table.selected_ids()) == 5)
    dialog = open_dialog(window, qtbot)
    dialog.look_up_button.click()
    qtbot.waitUntil(lambda: len(services.requests_to("/api/papers/search")) == 1)
    dialog.reject()  # the Cancel button: stops the look-up, keeps the dialog
    assert dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20000)
    assert dialog.status.text() == "Look-up cancelled; nothing changed."
    assert len(services.requests_to("/api/papers/search")) == 1
    assert library.search_ids("has:arxiv") == []
    dialog.reject()
    qtbot.waitUntil(lambda: window.completion.dialog is None)


def test_a_failing_service_is_one_sentence_in_the_dialog(
    window: MainWindow, qtbot: QtBot, services: Services
) -> None:
    services.fault("/api/query", *[Fault(status=503, headers={"Retry-After": "0"})] * 4)
    dialog = open_dialog(window, qtbot)
    dialog.scope_group.buttons()[-1].setChecked(True)  # every incomplete paper
    dialog.look_up_button.click()
    qtbot.waitUntil(lambda: dialog.task is None and "nothing changed" in dialog.status.text())
    assert dialog.status.text().startswith("could not reach 127.0.0.1: HTTP 503")
    assert not dialog.complete_button.isEnabled()


def test_cancel_while_applying_keeps_what_was_done_as_one_undo_step(
    window: MainWindow,
    qtbot: QtBot,
    services: Services,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(window, qtbot)
    dialog.scope_group.buttons()[-1].setChecked(True)
    dialog.look_up_button.click()
    qtbot.waitUntil(dialog.complete_button.isEnabled, timeout=30000)
    # Hold the first paper's write until Cancel has been pressed.
    entered, release = threading.Event(), threading.Event()
    apply = Completer.apply

    def held(self: Completer, plan: PaperPlan) -> AppliedCompletion:
        entered.set()
        release.wait(10)
        return apply(self, plan)

    monkeypatch.setattr(Completer, "apply", held)
    dialog.complete_button.click()
    qtbot.waitUntil(entered.is_set)
    assert window.completion.cancel_button.isVisible()
    window.completion.cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: window.completion.task is None, timeout=20000)
    # The paper being written when Cancel came is kept; no other was started.
    assert len(library.search_ids("has:arxiv")) == 1
    assert "Completed 1 of 311 papers" in window.statusBar().currentMessage()
    assert window.editor.undo_stack.undoText() == "Complete 1 paper"
    window.editor.undo_stack.undo()  # in the background, in order with the other changes
    qtbot.waitUntil(lambda: library.search_ids("has:arxiv") == [])


def test_the_network_setting_switches_the_action_off(
    window: MainWindow, qtbot: QtBot, services: Services
) -> None:
    completion = window.completion
    assert completion.complete_action.isEnabled()
    completion.network_action.setChecked(False)
    assert not completion.complete_action.isEnabled()
    assert window.settings.network_allowed is False
    completion.open_dialog()
    assert completion.dialog is None
    assert services.seen == []


def test_sources_text_groups_fields_by_source() -> None:
    import datetime as dt

    from readinglist.core.completion.service import FieldSource

    when = dt.datetime(2026, 12, 6, 2, 31, tzinfo=dt.UTC)
    text = sources_text(
        [
            FieldSource("authors", "arxiv", "1910.02054", when),
            FieldSource("published", "arxiv", "1910.02054", when),
            FieldSource("published_precision", "arxiv", "1910.02054", when),
            FieldSource("upvotes", "huggingface", "1910.02054", when),
        ]
    )
    assert text.splitlines() == [
        "Completed from arXiv (1910.02054) on 2026-12-06 02:31 UTC: authors, date",
        "Completed from Hugging Face (1910.02054) on 2026-12-06 02:31 UTC: upvotes",
    ]
