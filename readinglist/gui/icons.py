"""Icons from qtawesome, built once per name (building one renders a font glyph)."""

from __future__ import annotations

from functools import cache

import qtawesome
from PySide6.QtGui import QIcon


@cache
def icon(name: str) -> QIcon:
    """A Material Design icon, e.g. "mdi6.import"; cached for the life of the process."""
    result: QIcon = qtawesome.icon(name)
    return result
