"""Reading values out of JSON that services and saved pages wrote: the wrong type is unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any


def json_int(value: Any) -> int | None:
    # bool is an int subclass; a flag is never a count.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def json_date(value: Any) -> dt.date | None:
    """The date an ISO date or timestamp starts with."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
