"""A second launch hands its files to the running window (pytest-qt, both ends in-process,
plus one real second process)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from readinglist.gui.single_instance import (
    SingleInstanceServer,
    decode_message,
    encode_message,
    hand_off_or_listen,
    send_to_running_instance,
    server_name,
)


@pytest.fixture
def name() -> str:
    return f"readinglist-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def server(qtbot: QtBot, name: str) -> Iterator[SingleInstanceServer]:
    running = SingleInstanceServer(name)
    assert running.listen()
    yield running
    dispose(qtbot, running)


def dispose(qtbot: QtBot, server: SingleInstanceServer) -> None:
    """Close and delete in Qt's order (see SingleInstanceServer.close)."""
    server.close()
    with qtbot.waitSignal(server.destroyed):
        server.deleteLater()


def test_server_name_is_per_library_and_stable(tmp_path: Path) -> None:
    a = server_name(tmp_path / "a.sqlite")
    assert a == server_name(tmp_path / "." / "a.sqlite")
    assert a != server_name(tmp_path / "b.sqlite")
    assert a.startswith("readinglist-") and len(a) < 40


def test_messages_round_trip(tmp_path: Path) -> None:
    data = encode_message(["page.html", tmp_path / "x.txt"], cwd=tmp_path)
    assert data.endswith(b"\n")
    assert decode_message(data.strip()) == [tmp_path / "page.html", tmp_path / "x.txt"]
    assert decode_message(b"not json") is None
    assert decode_message(b'{"protocol": "other", "files": []}') is None
    assert decode_message(b'{"protocol": "readinglist-1", "files": [1]}') is None


def test_second_launch_hands_over_its_files(
    qtbot: QtBot, server: SingleInstanceServer, name: str, tmp_path: Path
) -> None:
    files = [tmp_path / "daily.html", tmp_path / "list.txt"]
    with qtbot.waitSignal(server.filesReceived, timeout=5000) as received:
        assert send_to_running_instance(name, files) is True
    assert received.args == [files]


def test_launch_without_files_still_hands_over(
    qtbot: QtBot, server: SingleInstanceServer, name: str
) -> None:
    with qtbot.waitSignal(server.filesReceived, timeout=5000) as received:
        assert send_to_running_instance(name, []) is True
    assert received.args == [[]]


def test_a_real_second_process_hands_over(
    qtbot: QtBot, server: SingleInstanceServer, name: str, tmp_path: Path
) -> None:
    code = (
        "import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]); "
        "from readinglist.gui.single_instance import send_to_running_instance as send; "
        "sys.exit(0 if send(sys.argv[1], sys.argv[2:]) else 3)"
    )
    second = subprocess.Popen([sys.executable, "-c", code, name, "saved page.html"], cwd=tmp_path)
    with qtbot.waitSignal(server.filesReceived, timeout=15000) as received:
        pass
    assert received.args == [[tmp_path / "saved page.html"]]
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=15000)
    assert second.returncode == 0


@pytest.mark.usefixtures("qapp")
def test_nobody_listening(name: str) -> None:
    assert send_to_running_instance(name, ["x.html"], timeout_ms=200) is False


def test_a_server_that_never_answers(qtbot: QtBot, name: str) -> None:
    silent = QLocalServer()
    assert silent.listen(name)
    try:
        assert send_to_running_instance(name, ["x.html"], timeout_ms=300) is False
        # A busy instance keeps its name: the late launch does not take it over.
        late = SingleInstanceServer(name)
        assert late.listen() is False
        assert silent.isListening()
        late.deleteLater()
    finally:
        silent.close()


def test_foreign_messages_are_ignored(
    qtbot: QtBot, server: SingleInstanceServer, name: str
) -> None:
    received: list[object] = []
    server.filesReceived.connect(received.append)
    socket = QLocalSocket()
    socket.connectToServer(name)
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.ConnectedState)
    with qtbot.waitSignal(socket.readyRead, timeout=5000):
        socket.write(b"GET / HTTP/1.0\n")
    assert bytes(socket.readAll().data()) == b"error\n"
    socket.disconnectFromServer()
    assert received == []


@pytest.mark.usefixtures("qapp")
def test_stale_socket_from_a_crash_is_replaced(name: str) -> None:
    stale = Path(QDir.tempPath()) / name
    stale.write_text("")  # what a crashed instance leaves behind on Unix
    try:
        server = SingleInstanceServer(name)
        assert server.listen()
        assert server.is_listening()
        server.close()
        server.deleteLater()
    finally:
        stale.unlink(missing_ok=True)


def test_hand_off_or_listen(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / f"{uuid.uuid4().hex}.sqlite"
    first = hand_off_or_listen(library, [])
    assert first is not None and first.is_listening()
    try:
        with qtbot.waitSignal(first.filesReceived, timeout=5000) as received:
            assert hand_off_or_listen(library, [tmp_path / "a.md"]) is None  # second one exits
        assert received.args == [[tmp_path / "a.md"]]
    finally:
        dispose(qtbot, first)
