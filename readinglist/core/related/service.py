"""Related papers for a library: "more like this", suggestions for a set of papers, and the
ranked ids behind the `like:` query word.

    related = RelatedPapers(library)
    related.refresh()                    # load the cached model, or build it; then catch up
    related.more_like(42, limit=10)      # [RelatedPaper(paper_id, score, words), ...]
    related.suggest(ids_of_a_list)       # Suggestions(papers, words)

The model is cached in the library file (tables related_*, see migrations.py) and reused across
starts. New papers are found by their ids (above the highest the model has seen); triggers log
every paper deleted, put back (undo) or whose title or abstract changed. `refresh()` applies
both (an import of 1,000 papers: well under a second) and rebuilds the frozen segment from
scratch once a fifth of the papers changed since it was built, so the document frequencies,
which only ever grow between builds, stay close. Every method may be
called from any thread; one lock serialises them (the window calls them off its GUI thread).
"""

from __future__ import annotations

import threading
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect

from readinglist.core.dialect import driver_cursor_sql, driver_sql, insert_or_ignore, is_postgres
from readinglist.core.errors import ImportCancelled, UserError
from readinglist.core.related.analyze import paper_text
from readinglist.core.related.index import (
    FEEDBACK_PAPERS,
    FEEDBACK_WEIGHT,
    InvertedIndex,
    Segment,
    TermStatistics,
    Vector,
    build_segment,
    chunked,
    combine,
    shared_terms,
    top,
)
from readinglist.core.related.index import (
    QUERY_TERMS as LIST_QUERY_TERMS,
)

if TYPE_CHECKING:
    from readinglist.core.library import Library

# Bump when the analysis or the weighting changes: a cached model of another version is rebuilt.
MODEL_VERSION = "1"
REBUILD_SHARE = 0.2  # changed papers, as a share of the segment's, that trigger a rebuild
REBUILD_MIN = 2000
REASON_WORDS = 3
LIKE_LIMIT = 500  # papers a `like:` word considers, best first
# How much of the index one question reads. Every term of the paper finds its neighbours
# (keeping only the heaviest 40 cost 0.04 of precision@5 on the samples); the expanded query
# keeps its 300 heaviest terms; of each term's papers only the 400 for which it weighs most are
# read (postings are stored heaviest first), which bounds the work at 100,000 papers: p95 from
# 146 ms to ~35 ms in bench_related.py, with no change on the samples.
FIRST_PASS_TERMS = 1000
QUERY_TERMS = 300
READ_LIMIT = 400
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RelatedPaper:
    paper_id: int
    score: float
    words: tuple[str, ...]  # the distinctive words it shares with the question, heaviest first


@dataclass(frozen=True)
class Suggestions:
    papers: list[RelatedPaper]
    words: tuple[str, ...]  # the words that drove the ranking, heaviest first


@dataclass
class _Model:
    statistics: TermStatistics
    index: InvertedIndex
    segment_papers: int  # papers in the segment when it was built
    changed_since_build: int
    max_paper_id: int  # papers above it are new to the model; lower ids stored anew are logged
    # Which stored model this one is: a write finding another stamp stored (another window,
    # command or member saved since) would mix two models' term ids, so it stops instead.
    stamp: str | None = None


class _StaleModel(Exception):
    """Another process stored the model since this one read it: read that one instead."""


def _stored(c: Connection, value: object) -> object:
    """A related_state value as the backend keeps it: PostgreSQL's bytea holds bytes only
    (_state_text reads them back); SQLite keeps text, numbers and bytes as they are."""
    if is_postgres(c) and not isinstance(value, bytes):
        return str(value).encode()
    return value


def _stored_stamp(c: Connection) -> str | None:
    value = driver_sql(c, "SELECT value FROM related_state WHERE key = 'stamp'").scalar()
    return None if value is None else str(_state_text(value))


def _store_stamp(c: Connection, model: _Model) -> None:
    stamp = uuid.uuid4().hex
    driver_sql(c, "DELETE FROM related_state WHERE key = 'stamp'")
    driver_sql(
        c,
        "INSERT INTO related_state (key, value) VALUES ('stamp', ?)",
        (_stored(c, stamp),),
    )
    model.stamp = stamp


def _texts(c: Connection, ids: Sequence[int] | None) -> Iterator[tuple[int, str, str | None]]:
    """(id, title, abstract) of the given papers (all papers when None)."""
    driver = c.connection.driver_connection
    assert driver is not None
    sql = "SELECT p.id, p.title, f.abstract FROM papers p JOIN papers_fts f ON f.rowid = p.id"
    if ids is None:
        yield from driver.execute(sql)
        return
    for chunk in chunked(list(ids)):
        marks = ",".join("?" for _ in chunk)
        yield from driver.execute(
            driver_cursor_sql(c, f"{sql} WHERE p.id IN ({marks})"), tuple(chunk)
        )


def _state_text(value: Any) -> Any:
    """A related_state value as SQLite holds it (PostgreSQL's bytea gives bytes back)."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode()
    return value


class RelatedPapers:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._lock = threading.RLock()
        self._model: _Model | None = None
        # A read-only library cannot keep the model: it is built in memory, and stays as built.
        self._persist = not library.read_only

    # ------------------------------------------------------------------ keeping up
    @property
    def ready(self) -> bool:
        return self._model is not None

    def _has_tables(self, c: Connection) -> bool:
        """Whether the file has the model's tables: a library opened read-only is not upgraded,
        and one from before them is answered from a model built in memory."""
        found = inspect(c).has_table("related_state")
        if not found:
            self._persist = False
        return bool(found)

    def has_cached_model(self) -> bool:
        """Whether the library file holds a model of this version (else refresh() builds one)."""
        with self.library._read() as c:
            if not self._has_tables(c):
                return False
            version = driver_sql(
                c, "SELECT value FROM related_state WHERE key = 'version'"
            ).scalar()
        return bool(_state_text(version) == MODEL_VERSION)

    def refresh(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> int:
        """Bring the model up to date with the library; the number of papers it (re)read."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            if self._model is None:
                self._model = self._build(progress, cancelled)
                return self._model.segment_papers
            if not self._persist:
                return 0
            try:
                changed = self._apply_changes(self._model)
            except _StaleModel:  # another process moved the stored model on: take it up
                self._model = self._load() or self._build(progress, cancelled)
                return self.refresh(progress, cancelled)
            model = self._model
            if model.changed_since_build > max(REBUILD_MIN, REBUILD_SHARE * model.segment_papers):
                self._model = self._build(progress, cancelled)
            return changed

    def rebuild(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> None:
        with self._lock:
            self._model = self._build(progress, cancelled)

    def _require(self) -> _Model:
        if self._model is None:
            self.refresh()
        assert self._model is not None
        return self._model

    def _build(self, progress: Progress | None, cancelled: Callable[[], bool] | None) -> _Model:
        """The model from every paper's text: counts first, then each paper's postings."""
        library = self.library
        statistics = TermStatistics()
        with library._read() as c:
            last_change = 0
            seen_stamp = None
            if self._has_tables(c):
                seen_stamp = _stored_stamp(c)
                last_change = int(
                    driver_sql(c, "SELECT coalesce(max(seq), 0) FROM related_changes").scalar_one()
                )
            total = int(driver_sql(c, "SELECT count(*) FROM papers").scalar_one())
            max_paper_id = int(
                driver_sql(c, "SELECT coalesce(max(id), 0) FROM papers").scalar_one()
            )
            # Read after the log's end and the highest id: any later change is applied again by refresh(), which
            # is harmless (a paper's postings are replaced, not added twice).
            for done, (_id, title, abstract) in enumerate(_texts(c, None)):
                if done % 2048 == 0:
                    if cancelled is not None and cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(done // 2, total)
                statistics.count_in(statistics.vector(paper_text(title, abstract)), 1)

            def vectors() -> Iterator[tuple[int, Vector]]:
                for done, (paper_id, title, abstract) in enumerate(_texts(c, None)):
                    if done % 2048 == 0:
                        if cancelled is not None and cancelled():
                            raise ImportCancelled()
                        if progress is not None:
                            progress((total + done) // 2, total)
                    yield paper_id, statistics.vector(paper_text(title, abstract), create=False)

            segment = build_segment(statistics, vectors())
        model = _Model(statistics, InvertedIndex(segment), statistics.papers, 0, max_paper_id)
        if self._persist:
            try:
                self._save(model, last_change, seen_stamp)
            except _StaleModel:  # another process stored a newer model meanwhile: use it
                model = self._load() or model
        if progress is not None:
            progress(total, total)
        return model

    def _save(self, model: _Model, last_change: int, seen_stamp: str | None) -> None:
        statistics, segment = model.statistics, model.index.segment
        with self.library._write() as c:
            if _stored_stamp(c) != seen_stamp:
                raise _StaleModel()
            for table in ("related_terms", "related_state", "related_delta"):
                driver_sql(c, f"DELETE FROM {table}")
            driver_sql(
                c,
                "INSERT INTO related_terms (id, term, df) VALUES (?, ?, ?)",
                list(
                    zip(range(len(statistics.words)), statistics.words, statistics.df, strict=True)
                ),
            )
            state = {
                "version": MODEL_VERSION,
                "papers": str(statistics.papers),
                "segment_papers": str(model.segment_papers),
                "segment_offsets": segment.offsets.tobytes(),
                "segment_docs": segment.docs.tobytes(),
                "segment_weights": segment.weights.tobytes(),
                # An integer: the insert trigger compares ids with it (see migrations.py).
                "max_paper_id": model.max_paper_id,
            }
            driver_sql(
                c,
                "INSERT INTO related_state (key, value) VALUES (?, ?)",
                [(key, _stored(c, value)) for key, value in state.items()],
            )
            _store_stamp(c, model)
            driver_sql(c, "DELETE FROM related_changes WHERE seq <= ?", (last_change,))

    def _load(self) -> _Model | None:
        """The cached model, or None when there is none (or one of another version)."""
        with self.library._read() as c:
            if not self._has_tables(c):
                return None
            state: dict[str, Any] = dict(
                driver_sql(c, "SELECT key, value FROM related_state").all()
            )
            if _state_text(state.get("version")) != MODEL_VERSION:
                return None
            statistics = TermStatistics()
            for term_id, term, df in driver_sql(
                c, "SELECT id, term, df FROM related_terms ORDER BY id"
            ):
                assert term_id == len(statistics.words)
                statistics.ids[term] = term_id
                statistics.words.append(term)
                statistics.df.append(df)
            statistics.papers = int(state["papers"])
            segment = Segment(array("q"), array("i"), array("f"))
            segment.offsets.frombytes(state["segment_offsets"])
            segment.docs.frombytes(state["segment_docs"])
            segment.weights.frombytes(state["segment_weights"])
            index = InvertedIndex(segment)
            delta = [row[0] for row in driver_sql(c, "SELECT paper_id FROM related_delta")]
            index.dropped.update(delta)
            for paper_id, title, abstract in _texts(c, delta):
                vector = statistics.vector(paper_text(title, abstract), create=False)
                index.delta[paper_id] = statistics.postings_of(vector)
        stamp = state.get("stamp")
        return _Model(
            statistics,
            index,
            int(state["segment_papers"]),
            len(delta),
            int(state["max_paper_id"]),
            None if stamp is None else str(_state_text(stamp)),
        )

    def _apply_changes(self, model: _Model) -> int:
        """Apply the change log: new and changed papers get new postings, deleted ones go."""
        library = self.library
        statistics, index = model.statistics, model.index
        with library._read() as c:
            rows = driver_sql(c, "SELECT seq, paper_id FROM related_changes ORDER BY seq").all()
            # New papers are the ones above the highest id seen; the log has the rest.
            new = [
                row[0]
                for row in driver_sql(
                    c, "SELECT id FROM papers WHERE id > ? ORDER BY id", (model.max_paper_id,)
                )
            ]
            if not rows and not new:
                return 0
            last_change = rows[-1][0] if rows else 0
            ids = list(dict.fromkeys([*(paper_id for _seq, paper_id in rows), *new]))
            texts = {paper_id: (title, abstract) for paper_id, title, abstract in _texts(c, ids)}
            paper_count = int(driver_sql(c, "SELECT count(*) FROM papers").scalar_one())
        new_terms_from = len(statistics.words)
        touched: set[int] = set()
        vectors: dict[int, Vector] = {}
        for paper_id in ids:
            text = texts.get(paper_id)
            if text is not None:
                vector = statistics.vector(paper_text(*text))
                vectors[paper_id] = vector
                # A changed paper's old terms stay counted until the next build (see above).
                for term_id in vector.terms:
                    statistics.df[term_id] += 1
                touched.update(vector.terms)
        statistics.papers = paper_count
        statistics.changed()
        for paper_id in ids:
            vector_or_none = vectors.get(paper_id)
            postings = None if vector_or_none is None else statistics.postings_of(vector_or_none)
            index.set_delta(paper_id, postings)
        model.changed_since_build += len(ids)
        if new:
            model.max_paper_id = max(model.max_paper_id, new[-1])
        with library._write() as c:
            if _stored_stamp(c) != model.stamp:
                raise _StaleModel()
            _store_stamp(c, model)
            words, df = statistics.words, statistics.df
            # (An empty list of parameters would be taken for none at all.)
            new_terms = [(t, words[t], df[t]) for t in range(new_terms_from, len(words))]
            if new_terms:
                driver_sql(
                    c, "INSERT INTO related_terms (id, term, df) VALUES (?, ?, ?)", new_terms
                )
            counts = [(df[t], t) for t in touched if t < new_terms_from]
            if counts:
                driver_sql(c, "UPDATE related_terms SET df = ? WHERE id = ?", counts)
            driver_sql(
                c,
                insert_or_ignore(c, "related_delta (paper_id)", "VALUES (?)"),
                [(i,) for i in ids],
            )
            driver_sql(
                c,
                "UPDATE related_state SET value = ? WHERE key = 'papers'",
                (_stored(c, str(statistics.papers)),),
            )
            driver_sql(
                c,
                "UPDATE related_state SET value = ? WHERE key = 'max_paper_id'",
                (_stored(c, model.max_paper_id),),
            )
            driver_sql(c, "DELETE FROM related_changes WHERE seq <= ?", (last_change,))
        return len(ids)

    # ------------------------------------------------------------------ asking
    def _weights(self, model: _Model, ids: Iterable[int]) -> dict[int, list[tuple[int, float]]]:
        statistics = model.statistics
        with self.library._read() as c:
            return {
                paper_id: statistics.weights(
                    statistics.vector(paper_text(title, abstract), create=False)
                )
                for paper_id, title, abstract in _texts(c, list(ids))
            }

    def _words(self, model: _Model, term_ids: Iterable[int]) -> tuple[str, ...]:
        return tuple(model.statistics.words[t] for t in term_ids)

    def _ranked(self, paper_id: int) -> tuple[_Model, list[tuple[int, float]], dict[int, float]]:
        model = self._require()
        own = self._weights(model, [paper_id]).get(paper_id)
        if own is None:
            raise UserError(f"there is no paper with id {paper_id}")
        first = model.index.scores(own[:FIRST_PASS_TERMS], READ_LIMIT)
        neighbours = top(first, FEEDBACK_PAPERS, {paper_id})
        if not neighbours:
            return model, own, first
        theirs = self._weights(model, neighbours)
        share = FEEDBACK_WEIGHT / len(neighbours)
        query = combine(
            [(own, 1.0), *((theirs[n], share) for n in neighbours if n in theirs)], QUERY_TERMS
        )
        return model, query, model.index.scores(query, READ_LIMIT)

    def more_like(self, paper_id: int, limit: int = 10) -> list[RelatedPaper]:
        """The papers most like one paper, best first, itself excluded; UserError if unknown."""
        with self._lock:
            model, query, scores = self._ranked(paper_id)
            best = top(scores, limit, {paper_id})
            return self._explained(model, query, best, scores)

    def similar_ids(self, paper_id: int, limit: int = LIKE_LIMIT) -> list[int]:
        """Ids of the papers most like one paper, best first (what `like:ID` searches)."""
        with self._lock:
            _model, _query, scores = self._ranked(paper_id)
            return top(scores, limit, {paper_id})

    def similar_ids_now(self, paper_id: int, limit: int = LIKE_LIMIT) -> list[int] | None:
        """`similar_ids`, or None at once when the model is not loaded or is busy (a build or
        an update holds it): for a caller that must not wait, such as the window's thread."""
        if self._model is None or not self._lock.acquire(blocking=False):
            return None
        try:
            return self.similar_ids(paper_id, limit)
        finally:
            self._lock.release()

    def suggest(self, member_ids: Sequence[int], limit: int = 20) -> Suggestions:
        """Papers outside `member_ids` that fit them best: the members' mean vector (Rocchio)
        plus one round of feedback from the best outsiders, with the words weighing most.

        Measured against arxiv-sanity's per-tag linear SVM (tests/test_related_quality.py):
        precision@20 0.763 against 0.819 on the samples; the SVM needs every paper's full
        vector in memory and a solver, which the bundle and memory budgets rule out."""
        with self._lock:
            model = self._require()
            members = set(member_ids)
            if not members:
                return Suggestions([], ())
            weights = self._weights(model, members)
            share = 1.0 / max(len(weights), 1)
            query = combine(((w, share) for w in weights.values()), LIST_QUERY_TERMS)
            scores = model.index.scores(query, READ_LIMIT)
            outsiders = top(scores, FEEDBACK_PAPERS, members)
            if outsiders:
                theirs = self._weights(model, outsiders)
                share = FEEDBACK_WEIGHT / len(outsiders)
                query = combine(
                    [(query, 1.0), *((theirs[n], share) for n in outsiders if n in theirs)],
                    LIST_QUERY_TERMS,
                )
                scores = model.index.scores(query, READ_LIMIT)
            best = top(scores, limit, members)
            return Suggestions(
                self._explained(model, query, best, scores),
                self._words(model, (t for t, _w in query[:8])),
            )

    def _explained(
        self,
        model: _Model,
        query: Sequence[tuple[int, float]],
        best: list[int],
        scores: dict[int, float],
    ) -> list[RelatedPaper]:
        theirs = self._weights(model, best)
        return [
            RelatedPaper(
                paper_id,
                scores[paper_id],
                self._words(model, shared_terms(query, theirs.get(paper_id, []), REASON_WORDS)),
            )
            for paper_id in best
        ]
