"""Window fixtures: a temporary library (optionally filled from the samples), temporary settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.gui.dialogs.import_preview import ImportPreviewDialog
from readinglist.gui.main_window import MainWindow
from readinglist.gui.settings import Settings
from readinglist.gui.worker import wait_for_background_work
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path) -> Iterator[None]:
    # Anything that asks QSettings for its defaults lands in the test's folder, never the user's.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield
    wait_for_background_work()


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite"


@pytest.fixture
def empty_library(library_path: Path) -> Iterator[Library]:
    library = Library(library_path)
    yield library
    library.close()


@pytest.fixture
def library(empty_library: Library) -> Library:
    for path in HF_TEXT_SAMPLES:
        import_file(empty_library, path, year=2025)
    return empty_library


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


WindowFactory = Callable[[Library], MainWindow]


def wait_for_preview(qtbot: QtBot, window: MainWindow) -> ImportPreviewDialog:
    """The import preview, once the background read, parse and dry run have produced it."""
    qtbot.waitUntil(lambda: window.importer.preview_dialog is not None, timeout=20000)
    dialog = window.importer.preview_dialog
    assert dialog is not None
    return dialog


def wait_until_idle(qtbot: QtBot, window: MainWindow) -> None:
    """Every change asked for is done and the table shows the library as it now is."""
    qtbot.waitUntil(lambda: window.editor.idle and window.settled, timeout=20000)


@pytest.fixture
def make_window(qtbot: QtBot, settings_path: Path) -> Iterator[WindowFactory]:
    def make(library: Library) -> MainWindow:
        window = MainWindow(library, Settings(settings_path))
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        # Tests start from a settled table: the background query has delivered every id.
        qtbot.waitUntil(lambda: window.model.complete)
        return window

    yield make
    # Background queries finish before the windows they report to are closed.
    wait_for_background_work()


@pytest.fixture
def window(make_window: WindowFactory, library: Library) -> MainWindow:
    return make_window(library)
