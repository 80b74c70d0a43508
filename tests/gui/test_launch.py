"""Start-up as the bundle and the desktop entry run it: smoke test, hand-off, window icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.gui import app as gui_app
from readinglist.gui.help_actions import add_help_actions, help_menu
from readinglist.gui.single_instance import SingleInstanceServer, send_to_running_instance
from tests.conftest import HF_TEXT_SAMPLES
from tests.gui.conftest import WindowFactory


@pytest.fixture(autouse=True)
def _private_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINGLIST_LOG_DIR", str(tmp_path / "logs"))


def test_smoke_test_opens_paints_and_closes(qapp: QApplication, tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    assert gui_app.main(["readinglist"], library_path=library, smoke_test=True) == 0
    assert library.exists()
    assert not qapp.windowIcon().isNull()
    assert [size.width() for size in qapp.windowIcon().availableSizes()][:3] == [16, 24, 32]
    assert "started" in (tmp_path / "logs" / "readinglist.log").read_text()


def test_second_launch_hands_over_and_returns(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    running = gui_app.hand_off_or_listen(library, [])
    assert running is not None
    try:
        with qtbot.waitSignal(running.filesReceived) as received:
            assert gui_app.main(["readinglist"], library_path=library, files=[Path("a.txt")]) == 0
        assert received.args == [[Path("a.txt").absolute()]]
        assert not library.exists()  # the second launch never opened the library
    finally:
        running.close()
        with qtbot.waitSignal(running.destroyed):
            running.deleteLater()


def test_handed_files_open_the_import_preview(
    qtbot: QtBot, make_window: WindowFactory, empty_library: object, tmp_path: Path
) -> None:
    from readinglist.core.library import Library

    assert isinstance(empty_library, Library)
    window = make_window(empty_library)
    server = SingleInstanceServer(f"readinglist-test-{tmp_path.name}")
    assert server.listen()
    server.filesReceived.connect(lambda paths: gui_app.receive_files(window, paths))
    try:
        with qtbot.waitSignal(server.filesReceived):
            assert send_to_running_instance(server.name, [HF_TEXT_SAMPLES[0]])
        qtbot.waitUntil(lambda: window.importer.preview_dialog is not None)
        assert window.isVisible()
    finally:
        if window.importer.preview_dialog is not None:
            window.importer.preview_dialog.reject()
        server.close()
        with qtbot.waitSignal(server.destroyed):
            server.deleteLater()


def test_files_handed_while_a_preview_is_open_join_it(
    qtbot: QtBot, make_window: WindowFactory, empty_library: object
) -> None:
    from readinglist.core.library import Library

    assert isinstance(empty_library, Library)
    window = make_window(empty_library)
    gui_app.receive_files(window, [HF_TEXT_SAMPLES[0]])
    first = window.importer.preview_dialog
    assert first is not None
    gui_app.receive_files(window, [HF_TEXT_SAMPLES[1], HF_TEXT_SAMPLES[0]])
    second = window.importer.preview_dialog
    assert second is not None and second is not first
    assert not first.isVisible()
    assert [listing.path for listing in second.listings] == HF_TEXT_SAMPLES[:2]
    gui_app.receive_files(window, [])  # a launch without files just raises the window
    assert window.importer.preview_dialog is second
    second.reject()


def test_help_menu_gains_library_folder_and_log(
    make_window: WindowFactory, empty_library: object
) -> None:
    from readinglist.core.library import Library

    assert isinstance(empty_library, Library)
    window = make_window(empty_library)
    folder, log = add_help_actions(window, empty_library.path)
    texts = [a.text() for a in help_menu(window).actions()]
    assert texts[:2] == ["Show &Library Folder", "Show &Log"]
    assert folder.objectName() == "showLibraryFolder" and log.objectName() == "showLog"


def test_empty_library_welcomes_and_says_where_the_file_is(
    make_window: WindowFactory, empty_library: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.core.library import Library
    from readinglist.gui import welcome

    assert isinstance(empty_library, Library)
    window = make_window(empty_library)
    assert welcome.install_welcome(window, empty_library.path)
    label = window.empty_label
    assert window.stack.currentWidget() is label
    text = label.text()
    assert "three ways" in text and "File ▸ Import" in text and "Paste Listing" in text
    assert str(empty_library.path) in text
    revealed: list[Path] = []
    monkeypatch.setattr(welcome, "reveal", revealed.append)
    label.linkActivated.emit(welcome.SHOW_FOLDER_LINK)
    assert revealed == [empty_library.path]
    assert "read-only" in welcome.welcome_html(empty_library.path, read_only=True)
