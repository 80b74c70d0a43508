"""File ▸ Export… and Edit ▸ Copy as BibTeX / Markdown, driven as a user drives them."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from markdown_it import MarkdownIt
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.gui.dialogs import export as export_dialog
from readinglist.gui.dialogs.export import ExportDialog, default_file_name
from readinglist.gui.main_window import MainWindow

LIST_NAME = "Reading group: week 3"


def make_list(library: Library, count: int = 7) -> list[int]:
    """A reading list whose order is neither the table's nor the ids'."""
    ids = library.search_ids("")
    assert len(ids) > count
    chosen = ids[1 : 2 * count : 2][::-1]
    library.create_list(LIST_NAME, "Papers for Thursday")
    library.add_to_list(LIST_NAME, chosen)
    assert library.list_paper_ids(LIST_NAME) == chosen
    return chosen


def open_dialog(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    window.menus.export_action.trigger()
    dialog = window.exporter.export_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def answer_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Make File ▸ Save answer `path`; returns the names the dialog proposed."""
    proposed: list[str] = []

    def fake(*args: Any, **_kwargs: Any) -> str:
        proposed.append(Path(args[2]).name)
        return str(path)

    monkeypatch.setattr(export_dialog, "save_file_name", fake)
    return proposed


def plain_text(markdown: str) -> str:
    """What a CommonMark renderer shows: tags dropped, references decoded."""
    rendered = MarkdownIt().render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_export_a_reading_list_as_bibtex_writes_every_entry_in_list_order(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = make_list(library)
    out = tmp_path / "refs.bib"
    proposed = answer_save_dialog(monkeypatch, out)
    dialog = open_dialog(qtbot, window)
    dialog.set_format("bibtex")
    dialog.set_scope("list", LIST_NAME)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert proposed == [default_file_name(LIST_NAME, "bibtex")]
    assert proposed[0].endswith(".bib") and "/" not in proposed[0] and ":" not in proposed[0]

    parsed = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks
    stored = [record.citation_key for record in library.get_many(ids, relations=False)]
    assert all(stored)  # issued and stored before writing
    assert [entry.key for entry in parsed.entries] == stored
    qtbot.waitUntil(lambda: window.exporter.export_dialog is None)
    assert str(out) in window.statusBar().currentMessage()
    assert f"{len(ids)} entries" in window.statusBar().currentMessage()


def test_export_a_reading_list_as_markdown_names_every_paper(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = make_list(library)
    out = tmp_path / "week3"  # no extension: the format's is added
    answer_save_dialog(monkeypatch, out)
    dialog = open_dialog(qtbot, window)
    dialog.set_scope("list", LIST_NAME)
    dialog.md_abstracts.setCurrentIndex(dialog.md_abstracts.findData("details"))
    assert dialog.export_format() == "markdown"
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    text = (tmp_path / "week3.md").read_text(encoding="utf-8")
    shown = plain_text(text)
    assert LIST_NAME in shown and "Papers for Thursday" in shown
    titles = [" ".join(r.title.split()) for r in library.get_many(ids, relations=False)]
    positions = [shown.find(title) for title in titles]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)  # the list's own order
    assert "<details>" in text


def test_preview_follows_the_format_and_options(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    make_list(library)
    dialog = open_dialog(qtbot, window)
    assert dialog.scope_kind() == "results"  # nothing selected, the sidebar shows all papers
    markdown = dialog.preview.toPlainText()
    assert markdown.startswith("# Reading list")
    assert dialog.preview.isReadOnly()
    qtbot.mouseClick(dialog.bibtex_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview.toPlainText().startswith("@misc{"))
    assert dialog.options.currentIndex() == 1
    without = dialog.preview.toPlainText()
    assert "abstract = {" not in without
    dialog.bib_abstracts.setChecked(True)
    assert "abstract = {" in dialog.preview.toPlainText()
    dialog.set_scope("list", LIST_NAME)
    assert dialog.preview.toPlainText().count("@misc{") == 7
    # The preview issues no keys: only Save… (or a copy) stores them.
    assert all(r.citation_key is None for r in library.get_many(library.search_ids("")))


def test_a_big_scope_previews_its_first_papers_and_says_so(
    qtbot: QtBot, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_dialog, "PREVIEW_PAPERS", 4)
    total = library.count()
    assert total > 4
    dialog = open_dialog(qtbot, window)
    dialog.set_format("bibtex")
    dialog.set_scope("results")
    assert dialog.preview.toPlainText().count("@misc{") == 4
    assert f"first 4 of {total:,} papers" in dialog.preview_label.text()
    dialog.set_scope("selection")
    assert dialog.preview.toPlainText() == ""
    assert dialog.preview_label.text() == "Preview: 0 papers."
    assert not dialog.save_button.isEnabled()


def test_a_failed_write_is_one_sentence_in_the_dialog(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_list(library)
    answer_save_dialog(monkeypatch, tmp_path / "no such folder" / "refs.md")
    dialog = open_dialog(qtbot, window)
    dialog.set_scope("list", LIST_NAME)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.error_label.isHidden())
    qtbot.waitUntil(lambda: dialog.task is None)
    message = dialog.error_label.text()
    assert message.startswith("Could not write refs.md")
    assert "\n" not in message and "Traceback" not in message
    assert window.exporter.export_dialog is dialog  # still open, Save… can be tried again
    assert dialog.save_button.isEnabled()
    dialog.reject()


def test_copy_as_bibtex_puts_the_selection_on_the_clipboard(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    qtbot.waitUntil(lambda: window.model.complete)
    chosen = list(window.model.ids[2:5])
    window.select_ids(chosen)
    QGuiApplication.clipboard().clear()
    window.table.setFocus()
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    text = QGuiApplication.clipboard().text()
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    keys = [r.citation_key for r in library.get_many(chosen, relations=False)]
    assert [entry.key for entry in parsed.entries] == keys
    assert len(keys) == 3 and all(keys)
    assert window.statusBar().currentMessage() == "Copied 3 papers as BibTeX"


def test_copy_as_markdown_and_nothing_selected(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    chosen = list(window.model.ids[:2])
    window.select_ids([])
    QGuiApplication.clipboard().setText("before")
    window.menus.copy_markdown_action.trigger()
    assert QGuiApplication.clipboard().text() == "before"
    assert "Select papers" in window.statusBar().currentMessage()
    window.select_ids(chosen)
    window.menus.copy_markdown_action.trigger()
    shown = plain_text(QGuiApplication.clipboard().text())
    for record in library.get_many(chosen, relations=False):
        assert " ".join(record.title.split()) in shown
    assert window.statusBar().currentMessage() == "Copied 2 papers as Markdown"
    assert window.menus.copy_markdown_action.shortcut().toString() == "Ctrl+Shift+M"
    assert window.menus.export_action.shortcut().toString() == "Ctrl+E"


def test_the_file_name_decides_the_format_and_the_dialog_remembers_it(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = make_list(library)
    dialog = open_dialog(qtbot, window)
    dialog.set_scope("list", LIST_NAME)
    assert dialog.export_format() == "markdown"
    # Markdown chosen, but the file is named .bib: BibTeX is written, and the window says so.
    out = tmp_path / "refs.bib"
    answer_save_dialog(monkeypatch, out)
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].format == "bibtex"
    parsed = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks and len(parsed.entries) == len(ids)
    qtbot.waitUntil(lambda: window.exporter.export_dialog is None)
    message = window.statusBar().currentMessage()
    assert "as BibTeX" in message and ".bib" in message

    # The next export starts in the format last written, also after a restart.
    again = open_dialog(qtbot, window)
    assert again.export_format() == "bibtex" and again.options.currentIndex() == 1
    again.reject()
    assert window.settings.export_format == "bibtex"

    # And the other way round: a .md name writes Markdown even with BibTeX chosen.
    markdown = tmp_path / "notes.md"
    answer_save_dialog(monkeypatch, markdown)
    dialog = open_dialog(qtbot, window)
    dialog.set_scope("list", LIST_NAME)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert markdown.read_text(encoding="utf-8").startswith(f"# {LIST_NAME}")
    assert "@misc{" not in markdown.read_text(encoding="utf-8")
