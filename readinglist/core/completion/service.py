"""Completing papers: plan what each paper would gain, then apply it one paper at a time.

    completer = Completer(library)
    for plan in completer.plan(ids, progress=..., cancelled=...):   # network, no writes
        applied = completer.apply(plan)                              # one write transaction

Planning asks Hugging Face for the arXiv id of each paper that lacks one (by title), then arXiv
for every id at once (100 per request), then arXiv by title for what Hugging Face did not find.
Only empty fields are filled, and a date only when it was missing or assumed; nothing the user
owns (status, rating, notes, tags, lists, key) is touched. Each completed field records its
source and time in `completed_fields`. An arXiv id another paper already has is reported as a
duplicate (merge them with `readinglist merge`), never stored twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, select, text, update

from readinglist.core.completion.arxiv import ArxivClient
from readinglist.core.completion.hf import HuggingFaceClient
from readinglist.core.completion.http import Cancelled, Clock
from readinglist.core.completion.matching import Match, MatchKind, match
from readinglist.core.completion.remote import ARXIV, HUGGING_FACE, SOURCE_LABELS, RemotePaper
from readinglist.core.dialect import driver_sql, texts_from_json
from readinglist.core.entries import DatePrecision
from readinglist.core.models import Paper
from readinglist.core.normalize import arxiv_abs_url

PAPERS = cast(Table, Paper.__table__)
PLAN_BATCH = 100  # papers planned together: one arXiv id_list request each
Progress = Callable[[int, int], None]

# What a paper lacks to be "incomplete" (the command line's default selection).
INCOMPLETE_SQL = (
    "p.arxiv_id IS NULL OR p.authors IS NULL OR p.published IS NULL "
    "OR p.published_precision = 'year_inferred'"
)

FIELD_LABELS = {
    "arxiv_id": "arXiv id",
    "url": "link",
    "authors": "authors",
    "authors_count": "author count",
    "published": "date",
    "published_precision": "date precision",
    "abstract": "abstract",
    "primary_class": "primary category",
    "subjects": "categories",
    "doi": "DOI",
    "journal_ref": "journal reference",
    "arxiv_comment": "arXiv comment",
    "code_urls": "code",
    "upvotes": "upvotes",
    "organization": "organization",
    "organization_handle": "organization handle",
    "ai_summary": "AI summary",
    "ai_keywords": "AI keywords",
}
# Fields taken from arXiv first (the record of the paper), then from Hugging Face.
_BIBLIOGRAPHIC = ("authors", "abstract", "primary_class", "subjects", "doi", "journal_ref",
                  "arxiv_comment")  # fmt: skip
# Fields only Hugging Face has.
_HUGGING_FACE_ONLY = ("code_urls", "upvotes", "organization", "organization_handle",
                      "ai_summary", "ai_keywords")  # fmt: skip


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class Outcome(StrEnum):
    COMPLETE = "complete"  # something to fill
    NOTHING_NEW = "nothing new"  # found, but the library already has all of it
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not found"
    DUPLICATE = "duplicate"  # its arXiv id belongs to another paper of the library


@dataclass(frozen=True)
class FieldChange:
    field: str  # a papers column, or "abstract"
    old: Any
    new: Any
    source: str  # ARXIV or HUGGING_FACE

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


@dataclass
class PaperPlan:
    """What completing one paper would do. Planning never writes."""

    paper_id: int
    title: str
    outcome: Outcome
    arxiv_id: str | None = None
    changes: list[FieldChange] = field(default_factory=list)
    candidates: list[RemotePaper] = field(default_factory=list)
    duplicate_of: int | None = None

    def describe(self, done: bool = False) -> str:
        """One line for the preview and the command line (`done`: after applying it)."""
        if self.outcome is Outcome.COMPLETE:
            shown = [c for c in self.changes if c.field not in {"published_precision", "url"}]
            verb = "filled " if done else "would fill "
            return verb + ", ".join(_change_text(c) for c in shown)
        if self.outcome is Outcome.NOTHING_NEW:
            return f"arXiv:{self.arxiv_id}, nothing to add"
        if self.outcome is Outcome.DUPLICATE:
            return (
                f"arXiv:{self.arxiv_id} is already paper #{self.duplicate_of}; "
                f"nothing changed (merge them: readinglist merge {self.duplicate_of} "
                f"{self.paper_id})"
            )
        names = "; ".join(f"arXiv:{c.arxiv_id} {c.title!r}" for c in self.candidates)
        if self.outcome is Outcome.AMBIGUOUS:
            return f"ambiguous, {len(self.candidates)} papers have this title: {names}"
        if not self.candidates and self.arxiv_id:
            return f"arXiv and Hugging Face do not know arXiv:{self.arxiv_id}"
        if not self.candidates:
            return "not found"
        return f"not found; the closest titles were {names}"


def _change_text(change: FieldChange) -> str:
    new = change.new
    if change.field == "authors" and isinstance(new, list):
        value = ", ".join(new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else "")
    elif change.field == "abstract":
        value = f"{len(str(new))} characters"
    elif isinstance(new, list):
        value = ", ".join(str(v) for v in new)
    else:
        value = str(new)
    if change.field == "published" and change.old:
        return f"date {value} (was {change.old}, year assumed)"
    return f"{change.label} {value}"


@dataclass
class AppliedCompletion:
    """What one paper's completion changed: enough to undo and redo it exactly."""

    paper_id: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # field: (src, id)
    previous_sources: list[dict[str, Any]] = field(default_factory=list)
    completed_at: str = ""
    duplicate_of: int | None = None  # set when the id was taken meanwhile; nothing changed

    @property
    def changed(self) -> bool:
        return bool(self.after)


@dataclass(frozen=True)
class FieldSource:
    """Where a completed field came from (shown in the reading pane and `show`)."""

    field: str
    source: str
    reference: str | None
    completed_at: dt.datetime

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


class _Store(Protocol):
    """The two ways into a library this module uses (Library's, kept by its rewrite)."""

    def _write(self) -> AbstractContextManager[Connection]: ...

    def _read(self) -> AbstractContextManager[Connection]: ...


def incomplete_ids(library: _Store) -> list[int]:
    """Every paper lacking an arXiv id, authors or a date (an assumed year counts as lacking)."""
    with library._read() as c:
        rows = driver_sql(c, f"SELECT p.id FROM papers p WHERE {INCOMPLETE_SQL} ORDER BY p.id")
        return [int(row[0]) for row in rows]


def field_sources(library: _Store, paper_id: int) -> list[FieldSource]:
    with library._read() as c:
        rows = c.execute(
            text(
                "SELECT field, source, reference, completed_at FROM completed_fields "
                "WHERE paper_id = :p ORDER BY completed_at, field"
            ),
            {"p": paper_id},
        )
        return [FieldSource(r[0], r[1], r[2], dt.datetime.fromisoformat(r[3])) for r in rows.all()]


def _rows(c: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    found = {
        int(row["id"]): dict(row)
        for row in c.execute(select(PAPERS).where(PAPERS.c.id.in_(list(ids)))).mappings()
    }
    return [found[i] for i in ids if i in found]


class Completer:
    """Plans and applies completions for one library, with one pair of service clients."""

    def __init__(
        self,
        library: _Store,
        *,
        hugging_face: HuggingFaceClient | None = None,
        arxiv: ArxivClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.library = library
        self.hugging_face = hugging_face or HuggingFaceClient(clock=clock)
        self.arxiv = arxiv or ArxivClient(clock=clock)

    # ----------------------------------------------------------------- planning (network)
    def plan(
        self,
        ids: Sequence[int],
        *,
        progress: Progress | None = None,
        cancelled: Cancelled = lambda: False,
    ) -> Iterator[PaperPlan]:
        """Each paper's plan, batch by batch (so a caller can commit as plans arrive).
        Raises NetworkError or ServiceFormatError when a service fails, CompletionCancelled on
        Cancel; the plans yielded before stay valid."""
        ids = list(dict.fromkeys(ids))
        total = len(ids)
        claimed: dict[str, int] = {}  # arXiv ids given to a paper earlier in this run
        done = 0
        for start in range(0, total, PLAN_BATCH):
            with self.library._read() as c:
                rows = _rows(c, ids[start : start + PLAN_BATCH])
                abstracts = self._has_abstract(c, rows)
            plans = self._plan_batch(rows, abstracts, claimed, cancelled, done, total, progress)
            yield from plans
            done = min(start + PLAN_BATCH, total)
            if progress is not None:
                progress(done, total)

    @staticmethod
    def _has_abstract(c: Connection, rows: list[dict[str, Any]]) -> set[int]:
        return {int(r["id"]) for r in rows if r["has_abstract"]}

    def _plan_batch(
        self,
        rows: list[dict[str, Any]],
        with_abstract: set[int],
        claimed: dict[str, int],
        cancelled: Cancelled,
        done: int,
        total: int,
        progress: Progress | None,
    ) -> list[PaperPlan]:
        from_hf: dict[int, RemotePaper] = {}
        verdicts: dict[int, Match] = {}
        # 1. Hugging Face finds the arXiv id of a paper that lacks one, by its title.
        for index, row in enumerate(rows):
            if row["arxiv_id"] is None:
                found = match(
                    row["title"], row["authors"], self.hugging_face.search(row["title"], cancelled)
                )
                verdicts[row["id"]] = found
                if found.kind is MatchKind.FOUND and found.paper is not None:
                    from_hf[row["id"]] = found.paper
            if progress is not None:
                progress(done + index, total)
        # 2. arXiv by title for what Hugging Face did not find (one request each, 3 s apart).
        from_arxiv_title: dict[int, RemotePaper] = {}
        for row in rows:
            verdict = verdicts.get(row["id"])
            if verdict is None or verdict.kind is not MatchKind.NOT_FOUND:
                continue
            again = match(
                row["title"], row["authors"], self.arxiv.search_title(row["title"], cancelled)
            )
            if again.kind is MatchKind.NOT_FOUND:
                # Report what either service offered, Hugging Face's first.
                offered = {c.arxiv_id: c for c in [*verdict.candidates, *again.candidates]}
                again = Match(MatchKind.NOT_FOUND, candidates=list(offered.values())[:5])
            verdicts[row["id"]] = again
            if again.kind is MatchKind.FOUND and again.paper is not None:
                from_arxiv_title[row["id"]] = again.paper
        # 3. arXiv by id for every paper with an id, 100 per request.
        wanted: dict[int, str] = {}
        for row in rows:
            arxiv_id = row["arxiv_id"]
            if arxiv_id is None and row["id"] in from_hf:
                arxiv_id = from_hf[row["id"]].arxiv_id
            if arxiv_id is not None and row["id"] not in from_arxiv_title:
                wanted[row["id"]] = arxiv_id
        by_id = self.arxiv.by_ids(list(dict.fromkeys(wanted.values())), cancelled)
        # 4. Hugging Face's details for papers it has not described yet.
        plans: list[PaperPlan] = []
        for row in rows:
            paper_id = int(row["id"])
            verdict = verdicts.get(paper_id)
            if verdict is not None and verdict.kind is not MatchKind.FOUND:
                kind = (
                    Outcome.AMBIGUOUS if verdict.kind is MatchKind.AMBIGUOUS else Outcome.NOT_FOUND
                )
                plans.append(PaperPlan(paper_id, row["title"], kind, candidates=verdict.candidates))
                continue
            arxiv_paper = from_arxiv_title.get(paper_id) or by_id.get(wanted.get(paper_id, ""))
            hf_paper = from_hf.get(paper_id)
            known = arxiv_paper or hf_paper
            arxiv_id = row["arxiv_id"] or (known.arxiv_id if known is not None else None)
            if arxiv_paper is None and hf_paper is None and row["arxiv_id"] is not None:
                hf_paper = self._hf_details(row, cancelled)
            elif hf_paper is None and arxiv_id is not None and _lacks_hf_details(row):
                hf_paper = self._hf_details({**row, "arxiv_id": arxiv_id}, cancelled)
            if arxiv_paper is None and hf_paper is None:
                plans.append(
                    PaperPlan(paper_id, row["title"], Outcome.NOT_FOUND, arxiv_id=arxiv_id)
                )
                continue
            if arxiv_id is None:  # cannot happen: a FOUND verdict always names an id
                plans.append(PaperPlan(paper_id, row["title"], Outcome.NOT_FOUND))
                continue
            plans.append(
                self._changes(
                    row, paper_id in with_abstract, arxiv_id, arxiv_paper, hf_paper, claimed
                )
            )
        return plans

    def _hf_details(self, row: dict[str, Any], cancelled: Cancelled) -> RemotePaper | None:
        return self.hugging_face.paper(str(row["arxiv_id"]), cancelled)

    def _changes(
        self,
        row: dict[str, Any],
        has_abstract: bool,
        arxiv_id: str,
        arxiv_paper: RemotePaper | None,
        hf_paper: RemotePaper | None,
        claimed: dict[str, int],
    ) -> PaperPlan:
        paper_id = int(row["id"])
        plan = PaperPlan(paper_id, row["title"], Outcome.COMPLETE, arxiv_id=arxiv_id)
        changes: list[FieldChange] = []
        if row["arxiv_id"] is None:
            owner = self._owner(arxiv_id, claimed)
            if owner is not None and owner != paper_id:
                plan.outcome = Outcome.DUPLICATE
                plan.duplicate_of = owner
                return plan
            claimed[arxiv_id] = paper_id
            source = ARXIV if arxiv_paper is not None and hf_paper is None else HUGGING_FACE
            changes.append(FieldChange("arxiv_id", None, arxiv_id, source))
            if _empty(row["url"]):
                changes.append(FieldChange("url", row["url"], arxiv_abs_url(arxiv_id), source))
        stored = {**row, "abstract": "x" if has_abstract else None}
        for name in _BIBLIOGRAPHIC:
            for remote in (arxiv_paper, hf_paper):
                value = getattr(remote, name) if remote is not None else None
                if not _empty(value) and _empty(stored[name]):
                    changes.append(FieldChange(name, None, value, cast(RemotePaper, remote).source))
                    break
        authors = next((c for c in changes if c.field == "authors"), None)
        if authors is not None and row["authors_count"] != len(authors.new):
            changes.append(
                FieldChange("authors_count", row["authors_count"], len(authors.new), authors.source)
            )
        for remote in (arxiv_paper, hf_paper):
            if remote is not None and remote.published is not None:
                precision = DatePrecision(row["published_precision"] or "unknown")
                if row["published"] is None or precision is not DatePrecision.DAY:
                    new = remote.published.isoformat()
                    changes.append(FieldChange("published", row["published"], new, remote.source))
                    changes.append(
                        FieldChange("published_precision", str(precision), "day", remote.source)
                    )
                break
        if hf_paper is not None:
            for name in _HUGGING_FACE_ONLY:
                value = getattr(hf_paper, name)
                if not _empty(value) and _empty(row[name]):
                    changes.append(FieldChange(name, row[name], value, HUGGING_FACE))
        plan.changes = changes
        if not changes:
            plan.outcome = Outcome.NOTHING_NEW
        return plan

    def _owner(self, arxiv_id: str, claimed: dict[str, int]) -> int | None:
        if arxiv_id in claimed:
            return claimed[arxiv_id]
        with self.library._read() as c:
            owner = c.execute(
                select(PAPERS.c.id).where(PAPERS.c.arxiv_id == arxiv_id)
            ).scalar_one_or_none()
        return int(owner) if owner is not None else None

    # ----------------------------------------------------------------- applying (disk)
    def apply(self, plan: PaperPlan) -> AppliedCompletion:
        """Fill the paper as planned, in one write transaction; fields that stopped being
        empty meanwhile are left alone."""
        applied = AppliedCompletion(plan.paper_id, completed_at=_now())
        if plan.outcome is not Outcome.COMPLETE:
            return applied
        with self.library._write() as c:
            rows = _rows(c, [plan.paper_id])
            if not rows:
                return applied  # deleted since the plan was made
            row = rows[0]
            has_abstract = bool(row["has_abstract"])
            for change in plan.changes:
                current: Any = row.get(change.field)
                if change.field == "abstract":
                    current = "x" if has_abstract else None
                if change.field in {"published", "published_precision"}:
                    precision = DatePrecision(row["published_precision"] or "unknown")
                    if row["published"] is not None and precision is DatePrecision.DAY:
                        continue
                elif change.field == "authors_count":
                    if "authors" not in applied.after:
                        continue
                elif not _empty(current):
                    continue
                if change.field == "arxiv_id":
                    owner = c.execute(
                        select(PAPERS.c.id).where(PAPERS.c.arxiv_id == change.new)
                    ).scalar_one_or_none()
                    if owner is not None and owner != plan.paper_id:
                        applied.duplicate_of = int(owner)
                        return AppliedCompletion(
                            plan.paper_id, completed_at=applied.completed_at, duplicate_of=owner
                        )
                applied.before[change.field] = None if change.field == "abstract" else current
                applied.after[change.field] = change.new
                applied.sources[change.field] = (change.source, plan.arxiv_id)
            if applied.after:
                applied.previous_sources = _sources_rows(c, plan.paper_id, list(applied.after))
                _store(c, plan.paper_id, applied.after, applied.completed_at)
                _record_sources(c, plan.paper_id, applied.sources, applied.completed_at)
        return applied

    def revert(self, done: Sequence[AppliedCompletion]) -> None:
        """Undo completions (one write transaction): the fields and their sources as they
        were. Papers deleted since are skipped."""
        with self.library._write() as c:
            for applied in reversed(done):
                if applied.changed and _rows(c, [applied.paper_id]):
                    _revert_one(c, applied)

    def reapply(self, done: Sequence[AppliedCompletion]) -> None:
        """Redo completions exactly as they were first applied (one write transaction)."""
        with self.library._write() as c:
            for applied in done:
                if applied.changed and _rows(c, [applied.paper_id]):
                    _store(c, applied.paper_id, applied.after, _now())
                    _record_sources(c, applied.paper_id, applied.sources, applied.completed_at)


# A field completed again replaces where it came from (SQLite and PostgreSQL both say so).
_REPLACING = (
    " ON CONFLICT (paper_id, field) DO UPDATE SET source = excluded.source, "
    "reference = excluded.reference, completed_at = excluded.completed_at"
)


def _revert_one(c: Connection, applied: AppliedCompletion) -> None:
    _store(c, applied.paper_id, applied.before, _now())
    c.execute(
        text(
            "DELETE FROM completed_fields WHERE paper_id = :p AND field IN "
            + texts_from_json(c, "f")
        ),
        {"p": applied.paper_id, "f": json.dumps(list(applied.after))},
    )
    for old in applied.previous_sources:
        c.execute(
            text(
                "INSERT INTO completed_fields "
                "(paper_id, field, source, reference, completed_at) "
                "VALUES (:paper_id, :field, :source, :reference, :completed_at)" + _REPLACING
            ),
            old,
        )


def _lacks_hf_details(row: dict[str, Any]) -> bool:
    return row["upvotes"] is None and row["organization"] is None and not row["code_urls"]


def _store(c: Connection, paper_id: int, values: dict[str, Any], now: str) -> None:
    columns = {k: v for k, v in values.items() if k != "abstract"}
    if "abstract" in values:
        columns["has_abstract"] = bool(values["abstract"])
        driver_sql(
            c, "UPDATE papers_fts SET abstract = ? WHERE rowid = ?", (values["abstract"], paper_id)
        )
    columns["updated_at"] = now
    c.execute(update(PAPERS).where(PAPERS.c.id == paper_id).values(**columns))


def _sources_rows(c: Connection, paper_id: int, fields: list[str]) -> list[dict[str, Any]]:
    rows = c.execute(
        text(
            "SELECT paper_id, field, source, reference, completed_at FROM completed_fields "
            "WHERE paper_id = :p AND field IN " + texts_from_json(c, "f")
        ),
        {"p": paper_id, "f": json.dumps(fields)},
    ).mappings()
    return [dict(r) for r in rows]


def _record_sources(
    c: Connection, paper_id: int, sources: dict[str, tuple[str, str | None]], when: str
) -> None:
    c.execute(
        text(
            "INSERT INTO completed_fields "
            "(paper_id, field, source, reference, completed_at) VALUES (:p, :f, :s, :r, :w)"
            + _REPLACING
        ),
        [
            {"p": paper_id, "f": name, "s": source, "r": reference, "w": when}
            for name, (source, reference) in sources.items()
        ],
    )
