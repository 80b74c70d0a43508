"""Which remote paper is this library paper? Never a guess.

A candidate fits when its title has the paper's identity key (README, "Identity") and, when
both sides name authors, the first authors' family names agree. One fitting arXiv id is a
match; several are "ambiguous" and none is "not found": both change nothing and report the
candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from readinglist.core.completion.remote import RemotePaper
from readinglist.core.normalize import title_key

_PARTICLES = frozenset({"da", "de", "del", "der", "di", "du", "la", "le", "van", "von", "dos"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


class MatchKind(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not found"


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    paper: RemotePaper | None = None  # the match, for FOUND
    # For AMBIGUOUS: the candidates that fit; for NOT_FOUND: what the service offered instead.
    candidates: list[RemotePaper] = field(default_factory=list)


def family_name(name: str) -> str:
    """The identity key of a person's family name: "Del Maestro, Adrian" and "Adrian Del
    Maestro" both give "maestro"; "J. Smith Jr." gives "smith"."""
    if "," in name:
        words = title_key(name.split(",", 1)[0]).split()
    else:
        words = title_key(name).split()
        while len(words) > 1 and words[-1] in _SUFFIXES:
            words.pop()
    words = [w for w in words if w not in _PARTICLES] or words
    return words[-1] if words else ""


def authors_agree(ours: Sequence[str] | None, theirs: Sequence[str] | None) -> bool:
    """True unless both sides name a first author and the family names differ."""
    if not ours or not theirs:
        return True
    return family_name(ours[0]) == family_name(theirs[0])


def match(title: str, authors: Sequence[str] | None, candidates: Sequence[RemotePaper]) -> Match:
    wanted = title_key(title)
    fitting: dict[str, RemotePaper] = {}
    for candidate in candidates:
        if title_key(candidate.title) != wanted:
            continue
        if not authors_agree(authors, candidate.authors):
            continue
        fitting.setdefault(candidate.arxiv_id, candidate)
    if len(fitting) == 1:
        return Match(MatchKind.FOUND, next(iter(fitting.values())))
    if len(fitting) > 1:
        return Match(MatchKind.AMBIGUOUS, candidates=list(fitting.values()))
    # What was offered, without repeats, for the report (a near title is shown, never taken).
    offered = list({c.arxiv_id: c for c in candidates}.values())
    return Match(MatchKind.NOT_FOUND, candidates=offered[:5])
