"""Bad files dropped on the window and bad queries typed in it: one message, nothing imported,
and the window never blocks (a named pipe used to freeze it for good)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from tests.conftest import HF_TEXT_SAMPLES
from tests.gui.conftest import WindowFactory
from tests.gui.test_window import drop_files


@pytest.fixture
def pipe(tmp_path: Path) -> Iterator[Path]:
    """A named pipe whose writer sends a line once something opens it for reading, so a reader
    that blocks gets its line and an end (the test fails instead of hanging)."""
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)

    def write_when_read() -> None:
        descriptor = os.open(fifo, os.O_WRONLY)  # waits for a reader
        with contextlib.suppress(BrokenPipeError):
            os.write(descriptor, b"not a saved page\n")
        os.close(descriptor)

    writer = threading.Thread(target=write_when_read, daemon=True)
    writer.start()
    yield fifo
    if writer.is_alive():  # nothing opened the pipe: open it, so the writer ends
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        writer.join(timeout=10)
        os.close(reader)
    assert not writer.is_alive()


def test_dropping_a_named_pipe_and_a_file_with_a_nul_says_so_and_imports_nothing(
    make_window: WindowFactory, empty_library: Library, pipe: Path, tmp_path: Path
) -> None:
    text = HF_TEXT_SAMPLES[0].read_text(encoding="utf-8")
    cut = text.index("\n", 9000)
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(text[:cut] + "\n\x00" + text[cut:], encoding="utf-8")
    line = text[:cut].count("\n") + 2
    window = make_window(empty_library)
    assert drop_files(window, [pipe, damaged])
    assert window.importer.preview_dialog is None
    assert window.message_box is not None
    assert window.message_box.text().split("\n") == [
        "page.txt: this is a named pipe, not a saved page file",
        f"damaged.txt, line {line}: this line holds a NUL byte, so the file is damaged or not "
        "a text page",
    ]
    assert empty_library.count() == 0


def test_a_query_nested_400_deep_shows_one_sentence_inline(
    qtbot: QtBot, make_window: WindowFactory, empty_library: Library
) -> None:
    window = make_window(empty_library)
    window.filter_bar.set_text("(" * 400 + "speech" + ")" * 400)
    qtbot.waitUntil(window.filter_bar.error_label.isVisible)
    assert window.filter_bar.error_label.text().startswith(
        "parentheses and NOT nest at most 20 deep"
    )
    assert window.message_box is None
