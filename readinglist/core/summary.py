"""What an import did (or, for a dry run or preview, would do), paper by paper."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from readinglist.core.entries import ParseWarning


class Outcome(StrEnum):
    NEW = "new"
    PRESENT = "present"  # already in the library (or earlier in the same file)
    ENRICHED = "enriched"  # already present, and this page filled fields it lacked


@dataclass(frozen=True)
class PossibleDuplicate:
    """A new paper whose title is nearly that of another one: reported, never merged."""

    title: str
    line: int
    other_id: int | None  # None when the other one is new in the same import
    other_title: str


@dataclass(frozen=True)
class EntryOutcome:
    title: str
    line: int
    outcome: Outcome
    paper_id: int | None  # None in a dry run for new papers


@dataclass
class ImportSummary:
    file_name: str
    format: str
    entries: list[EntryOutcome] = field(default_factory=list)
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    source_id: int | None = None
    same_file_seen_before: bool = False
    dry_run: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for entry in self.entries if entry.outcome is outcome)

    @property
    def new_ids(self) -> list[int]:
        return [e.paper_id for e in self.entries if e.outcome is Outcome.NEW and e.paper_id]

    @property
    def paper_ids(self) -> list[int]:
        """Every paper this import touched, in page order, without repeats."""
        seen: dict[int, None] = {}
        for entry in self.entries:
            if entry.paper_id is not None:
                seen.setdefault(entry.paper_id, None)
        return list(seen)

    def headline(self) -> str:
        """One line for a status bar or a terminal."""
        new = self.count(Outcome.NEW)
        enriched = self.count(Outcome.ENRICHED)
        present = self.count(Outcome.PRESENT) + enriched
        verb = "would add" if self.dry_run else "added"
        parts = [f"{self.file_name}: {verb} {_plural(new, 'new paper')}"]
        parts.append(f"{present} already in the library")
        if enriched:
            parts.append(f"{enriched} of them completed with new details")
        if self.possible_duplicates:
            parts.append(_plural(len(self.possible_duplicates), "possible duplicate"))
        if self.warnings:
            parts.append(_plural(len(self.warnings), "warning"))
        return ", ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
