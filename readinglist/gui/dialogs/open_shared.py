"""File ▸ Open Shared Library…: where the group's library is (server, database, member).

Returns a typed `SharedLibraryChoice`. The password is typed unechoed and lives only in the
result: the recent URLs the dialog offers (and Settings keeps) never hold one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from readinglist.core.postgres import engine_url, url_without_password

DEFAULT_PORT = 5432
RECENT_LIMIT = 8


@dataclass(frozen=True)
class SharedLibraryChoice:
    server: str  # a host name, or a socket directory (starting with /)
    port: int
    database: str
    member: str
    password: str = ""

    def _url(self, password: str | None) -> URL:
        socket = self.server.startswith("/")
        return URL.create(
            "postgresql",
            username=self.member,
            password=password or None,
            host=None if socket else self.server or None,
            port=None if socket or self.port == DEFAULT_PORT else self.port,
            database=self.database,
            query={"host": self.server} if socket else {},
        )

    @property
    def url(self) -> str:
        """What the library is opened with (the password in it, if one was typed)."""
        return self._url(self.password).render_as_string(hide_password=False)

    @property
    def remembered_url(self) -> str:
        """The same without the password: what Settings keeps."""
        return self._url(None).render_as_string(hide_password=False)

    @classmethod
    def from_url(cls, url: str) -> SharedLibraryChoice | None:
        try:
            parsed = make_url(engine_url(url))
        except ArgumentError:
            return None
        socket = parsed.query.get("host")
        server = socket if isinstance(socket, str) else parsed.host or "localhost"
        return cls(
            server,
            parsed.port or DEFAULT_PORT,
            parsed.database or "",
            parsed.username or "",
            parsed.password if isinstance(parsed.password, str) else "",
        )


class OpenSharedLibraryDialog(QDialog):
    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("openSharedLibraryDialog")
        self.setWindowTitle("Open Shared Library")
        intro = QLabel(
            "A reading group's library on a PostgreSQL server. Your status and rating stay "
            "your own; papers, tags, notes and lists are the group's."
        )
        intro.setWordWrap(True)

        self.recent = QComboBox()
        self.recent.setObjectName("recentLibraries")
        self.recent.addItem("—")
        self.recent.addItems([url_without_password(u) for u in recent[:RECENT_LIMIT]])
        self.recent.setEnabled(bool(recent))
        self.recent.currentIndexChanged.connect(self._recent_chosen)
        self.server = QLineEdit("localhost")
        self.server.setObjectName("server")
        self.server.setPlaceholderText("db.example.org, or a socket directory")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setObjectName("database")
        self.database.setPlaceholderText("journal_club")
        self.member = QLineEdit()
        self.member.setObjectName("member")
        self.member.setPlaceholderText("your role on the server")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("not stored")

        form = QFormLayout()
        form.addRow("&Recent:", self.recent)
        form.addRow("&Server:", self.server)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&Member:", self.member)
        form.addRow("&Password:", self.password)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for field in (self.server, self.database, self.member):
            field.textChanged.connect(self._update_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        if recent:
            self.recent.setCurrentIndex(1)  # the last one opened
        self._update_button()
        (self.password if self.database.text() else self.database).setFocus()

    def _recent_chosen(self, index: int) -> None:
        if index <= 0:
            return
        chosen = SharedLibraryChoice.from_url(self.recent.itemText(index))
        if chosen is None:
            return
        self.server.setText(chosen.server)
        self.port.setValue(chosen.port)
        self.database.setText(chosen.database)
        self.member.setText(chosen.member)
        self.password.clear()

    def _update_button(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        ready = all(f.text().strip() for f in (self.server, self.database, self.member))
        if button is not None:
            button.setEnabled(ready)

    def choice(self) -> SharedLibraryChoice:
        """The typed result (meaningful once the dialog was accepted)."""
        return SharedLibraryChoice(
            self.server.text().strip(),
            self.port.value(),
            self.database.text().strip(),
            self.member.text().strip(),
            self.password.text(),
        )


def remember(recent: list[str], opened: str) -> list[str]:
    """The recent URLs with the one `opened` first (no password, no repeats, at most
    RECENT_LIMIT)."""
    chosen = SharedLibraryChoice.from_url(opened)
    url = chosen.remembered_url if chosen is not None else url_without_password(opened)
    return [url, *(u for u in recent if url_without_password(u) != url)][:RECENT_LIMIT]
