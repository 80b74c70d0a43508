"""One window per library: a second launch hands its files to the running one and exits.

The running window listens on a QLocalServer whose name is derived from the library path (and
the user), so two different libraries can each have a window. A second launch connects with
`send_to_running_instance()`; when that succeeds, the running window receives `filesReceived`
(absolute paths; the list may be empty, meaning "just come to the front") and the second launch
exits. The message is one line of JSON; the server answers "ok" once it has taken it.

`send_to_running_instance` waits in a local event loop, so it is meant for start-up, before the
window exists.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from readinglist.core.postgres import engine_url, url_without_password

log = logging.getLogger(__name__)

PROTOCOL = "readinglist-1"
REPLY_TIMEOUT_MS = 3000
_MAX_MESSAGE = 1_000_000


def server_name(library_path: Path | str) -> str:
    """A short, stable name for the library's local server (a socket file on Unix): a file's
    resolved path, or a shared library's URL (a second launch on the same URL hands over too)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    key = f"{user}\0{_canonical(library_path)}".encode()
    return f"readinglist-{hashlib.sha256(key).hexdigest()[:16]}"


def _canonical(path: Path | str) -> str:
    if isinstance(path, str):  # a postgresql:// URL: the same member on the same database
        return url_without_password(engine_url(path))
    resolved = os.path.abspath(os.path.expanduser(path))
    with contextlib.suppress(OSError):
        resolved = str(Path(resolved).resolve())
    return os.path.normcase(resolved)


def encode_message(files: Sequence[Path | str], cwd: Path | None = None) -> bytes:
    base = cwd or Path.cwd()
    absolute = [str((base / Path(f)).absolute()) for f in files]
    return json.dumps({"protocol": PROTOCOL, "files": absolute}).encode() + b"\n"


def decode_message(data: bytes) -> list[Path] | None:
    """The files in a message, or None when it is not one of ours."""
    try:
        message = json.loads(data.decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(message, dict) or message.get("protocol") != PROTOCOL:
        return None
    files = message.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return [Path(f) for f in files]


def send_to_running_instance(
    name: str, files: Sequence[Path | str], *, timeout_ms: int = REPLY_TIMEOUT_MS
) -> bool:
    """Hand `files` to the window listening on `name`; True when it took them.

    Runs a local event loop until the answer (or `timeout_ms`), so it needs a QCoreApplication
    but no running event loop, and works even when both ends live in one thread (tests).
    """
    socket = QLocalSocket()
    loop = QEventLoop()
    reply = bytearray()
    finished = False

    def finish() -> None:
        nonlocal finished
        finished = True
        loop.quit()

    def on_ready_read() -> None:
        reply.extend(bytes(socket.readAll().data()))
        if b"\n" in reply:
            finish()

    socket.connected.connect(lambda: socket.write(encode_message(files)))
    socket.readyRead.connect(on_ready_read)
    socket.errorOccurred.connect(lambda _error: finish())
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(finish)
    socket.connectToServer(name)
    if not finished and socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        timer.start(timeout_ms)
        loop.exec()
    timer.stop()
    answered = bytes(reply).split(b"\n", 1)[0] == b"ok"
    if socket.state() == QLocalSocket.LocalSocketState.ConnectedState and not answered:
        log.warning("the running ReadingList did not answer within %d ms", timeout_ms)
    socket.abort()
    return answered


class SingleInstanceServer(QObject):
    """Listens for later launches on the same library and emits what they hand over."""

    filesReceived = Signal(list)  # list[Path]

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        # No socket options: with any, Qt binds by renaming over an existing socket and would
        # silently take the name from a running instance. The default fails with AddressInUse.
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening; a socket left behind by a crashed instance is removed first."""
        if self._server.listen(self.name):
            return True
        if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            if _accepts_connections(self.name):
                # A running ReadingList that did not answer in time (busy): leave it its name.
                log.warning("another ReadingList on this library is running but not answering")
                return False
            QLocalServer.removeServer(self.name)  # left behind by a crash
            if self._server.listen(self.name):
                return True
        log.warning("cannot listen for other launches: %s", self._server.errorString())
        return False

    def is_listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        """Stop listening. Dispose of the object with deleteLater(), not by dropping the last
        Python reference: a socket still waiting for its own deferred deletion outlives a
        parent deleted from Python and crashes the next event loop (PySide6 6.11)."""
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            # A C++ slot: safe even while the server (the socket's parent) is being destroyed.
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer.extend(bytes(socket.readAll().data()))
        if len(buffer) > _MAX_MESSAGE:
            socket.abort()
            return
        while b"\n" in buffer:
            line, _, rest = bytes(buffer).partition(b"\n")
            buffer[:] = rest
            files = decode_message(line)
            if files is None:
                log.warning("ignored a message that is not from ReadingList")
                socket.write(b"error\n")
                continue
            socket.write(b"ok\n")
            socket.flush()
            log.info("another launch handed over %d file(s)", len(files))
            self.filesReceived.emit(files)


def _accepts_connections(name: str) -> bool:
    """True when something listens on `name` (the kernel accepts for it even while it is busy)."""
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(200)
    probe.abort()
    return alive


def hand_off_or_listen(
    library_path: Path | str, files: Sequence[Path | str], parent: QObject | None = None
) -> SingleInstanceServer | None:
    """At start-up: None when a running window took `files` (this launch should exit), else a
    listening server for this window (connect its `filesReceived`)."""
    name = server_name(library_path)
    if send_to_running_instance(name, files):
        log.info("handed %d file(s) to the running ReadingList", len(files))
        return None
    server = SingleInstanceServer(name, parent)
    server.listen()
    return server


def bring_to_front(window: QWidget) -> None:
    """Show `window` un-minimised and ask the window manager to raise and focus it."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):  # they cannot raise
        window.raise_()
        window.activateWindow()
