"""The status bar's account of the last import: one line that fits (elided to the room it
has), every file's own summary in its tooltip."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget

from readinglist.core.summary import ImportSummary, Outcome
from readinglist.gui.widgets.elided_label import ElidedLabel

SHOWN_MS = 60_000


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def summary_line(summaries: Sequence[ImportSummary]) -> str:
    """One file: its headline. Several: the whole drop counted once, in one line."""
    if len(summaries) == 1:
        return summaries[0].headline()
    new = sum(s.count(Outcome.NEW) for s in summaries)
    present = sum(s.count(Outcome.PRESENT) + s.count(Outcome.ENRICHED) for s in summaries)
    parts = [f"{len(summaries)} files: added {_plural(new, 'new paper')}"]
    parts.append(f"{present:,} already in the library")
    duplicates = sum(len(s.possible_duplicates) for s in summaries)
    if duplicates:
        parts.append(_plural(duplicates, "possible duplicate"))
    warnings = sum(len(s.warnings) for s in summaries)
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return ", ".join(parts)


class ImportSummaryLabel(ElidedLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent, Qt.TextElideMode.ElideMiddle)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOWN_MS)
        self._timer.timeout.connect(self.clear_summary)
        self.hide()

    def show_text(self, line: str, tooltip: str) -> None:
        """`line` elided to the room there is; the tooltip has every file's own line, whole."""
        self.setText(line)
        self.setToolTip(tooltip)
        self.show()
        self._timer.start()

    def clear_summary(self) -> None:
        self.setText("")
        self.hide()
