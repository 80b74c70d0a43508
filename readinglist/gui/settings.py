"""Everything the window remembers between sessions, as typed properties over one QSettings.

Tests pass their own file so they never read or write the user's real settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import QByteArray, QSettings


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._store = QSettings("ReadingList", "ReadingList")
        else:
            self._store = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._store.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _int(self, key: str, default: int) -> int:
        value = self._store.value(key, default)
        try:
            return int(str(value))
        except (TypeError, ValueError):
            return default

    def _ints(self, key: str) -> list[int]:
        value = self._store.value(key)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        try:
            return [int(v) for v in items]
        except (TypeError, ValueError):
            return []

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._store.setValue("window/state", value)

    @property
    def splitter_sizes(self) -> list[int]:
        return self._ints("window/splitter")

    @splitter_sizes.setter
    def splitter_sizes(self, value: list[int]) -> None:
        self._store.setValue("window/splitter", [int(v) for v in value])

    @property
    def header_state(self) -> QByteArray | None:
        """Column order, widths and visibility of the paper table."""
        return self._bytes("table/header")

    @header_state.setter
    def header_state(self, value: QByteArray) -> None:
        self._store.setValue("table/header", value)

    @property
    def sort_column(self) -> int:
        return self._int("table/sort_column", -1)

    @sort_column.setter
    def sort_column(self, value: int) -> None:
        self._store.setValue("table/sort_column", int(value))

    @property
    def sort_descending(self) -> bool:
        return bool(self._int("table/sort_descending", 1))

    @sort_descending.setter
    def sort_descending(self, value: bool) -> None:
        self._store.setValue("table/sort_descending", int(value))

    @property
    def sidebar_key(self) -> str:
        """The selected sidebar entry, e.g. "all", "status:read", "list:3"."""
        value = self._store.value("sidebar/selection", "all")
        return value if isinstance(value, str) else "all"

    @sidebar_key.setter
    def sidebar_key(self, value: str) -> None:
        self._store.setValue("sidebar/selection", value)

    @property
    def selected_ids(self) -> list[int]:
        return self._ints("table/selection")

    @selected_ids.setter
    def selected_ids(self, value: list[int]) -> None:
        self._store.setValue("table/selection", [int(v) for v in value])

    @property
    def query(self) -> str:
        value = self._store.value("filter/query", "")
        return value if isinstance(value, str) else ""

    @query.setter
    def query(self, value: str) -> None:
        self._store.setValue("filter/query", value)

    @property
    def recent_shared_libraries(self) -> list[str]:
        """postgresql:// URLs opened lately, newest first, never with a password."""
        value = self._store.value("shared/recent")
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        return [str(v) for v in items if isinstance(v, str) and v]

    @recent_shared_libraries.setter
    def recent_shared_libraries(self, value: list[str]) -> None:
        self._store.setValue("shared/recent", list(value))

    @property
    def network_allowed(self) -> bool:
        """Whether Paper ▸ Complete from arXiv… may use the network (nothing else does)."""
        return bool(self._int("network/allowed", 1))

    @network_allowed.setter
    def network_allowed(self, value: bool) -> None:
        self._store.setValue("network/allowed", int(value))

    @property
    def export_format(self) -> Literal["markdown", "bibtex"]:
        """The format of the last export."""
        return "bibtex" if self._store.value("export/format") == "bibtex" else "markdown"

    @export_format.setter
    def export_format(self, value: Literal["markdown", "bibtex"]) -> None:
        self._store.setValue("export/format", value)
