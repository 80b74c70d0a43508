"""The related-papers model in memory: tf-idf vectors with an inverted index, pure Python.

Each paper is a vector of terms weighted by sublinear tf-idf (1 + ln tf) * idf, of unit length.
The inverted index keeps, for each paper, only its `POSTINGS_PER_PAPER` heaviest terms that at
least one other paper shares: asking with a paper's whole vector then finds the papers whose
most distinctive terms it shares (an Elasticsearch-style "more like this" turned around), in a
few tens of thousands of additions instead of millions, and in ~50 MB at 100,000 papers.
Measured on the sample pages, this pruning also ranks better than full vectors (0.775 against
0.748 at precision@5): a paper is described by what is distinctive in it, not by every word.

"More like this" then adds one round of pseudo-relevance feedback (Rocchio): the query becomes
the paper plus the mean of its `FEEDBACK_PAPERS` nearest papers, which lifts precision@5 on the
sample pages from 0.763 to 0.793 (see tests/test_related_quality.py).

The index is a frozen segment (flat arrays, built in one pass) plus a small delta for papers
added or changed since, and the set of segment papers since dropped; `RelatedStore` keeps the
same three in the library file. Vectors themselves (term ids and counts) live in the library
file and are read for the few papers a question needs.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from readinglist.core.related.analyze import term_of, words

POSTINGS_PER_PAPER = 64
FEEDBACK_PAPERS = 10
FEEDBACK_WEIGHT = 1.0
# Terms kept from an expanded query (a paper and its neighbours, or a whole reading list):
# the lightest ones add many additions and almost nothing to the order.
QUERY_TERMS = 300
_WORD_CACHE = 1_000_000  # distinct words remembered with their term (bounded: odd input)


@dataclass(frozen=True)
class Vector:
    """A paper's terms (ids) and how often each occurs."""

    terms: array[int]
    counts: array[int]


@dataclass
class Segment:
    """Postings of many papers at once: term t's papers are docs[offsets[t]:offsets[t+1]]."""

    offsets: array[int] = field(default_factory=lambda: array("q", [0]))
    docs: array[int] = field(default_factory=lambda: array("i"))
    weights: array[float] = field(default_factory=lambda: array("f"))

    @property
    def term_count(self) -> int:
        return len(self.offsets) - 1

    def papers(self) -> set[int]:
        return set(self.docs)


def _second(item: tuple[int, float]) -> float:
    return item[1]


def idf(document_frequency: int, papers: int) -> float:
    """Smoothed inverse document frequency, as scikit-learn's TfidfVectorizer computes it."""
    return math.log((1 + papers) / (1 + document_frequency)) + 1.0


class TermStatistics:
    """The vocabulary (term <-> id) and each term's document frequency."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.df: array[int] = array("i")
        self.papers = 0  # papers with a vector
        self._idf: array[float] | None = None
        self._word_ids: dict[str, int] = {}

    def id_of(self, term: str, create: bool) -> int | None:
        term_id = self.ids.get(term)
        if term_id is None and create:
            term_id = len(self.words)
            self.ids[term] = term_id
            self.words.append(term)
            self.df.append(0)
        return term_id

    def vector(self, text: str, create: bool = True) -> Vector:
        """The terms of a text and their counts; unknown terms are added when `create`."""
        # Each distinct word is looked up once, straight to its term's id (-1: a stop word).
        word_ids = self._word_ids
        counts: dict[int, int] = {}
        get = counts.get
        for word, count in words(text).items():
            term_id = word_ids.get(word)
            if term_id is None:
                term = term_of(word)
                if term is None:
                    term_id = -1
                else:
                    found = self.id_of(term, create)
                    if found is None:
                        continue
                    term_id = found
                if len(word_ids) < _WORD_CACHE:
                    word_ids[word] = term_id
            if term_id >= 0:
                counts[term_id] = get(term_id, 0) + count
        return Vector(array("i", counts.keys()), array("i", counts.values()))

    def count_in(self, vector: Vector, sign: int) -> None:
        df = self.df
        for term_id in vector.terms:
            df[term_id] += sign
        self.papers += sign
        self._idf = None

    def changed(self) -> None:
        """Document frequencies or the paper count changed: weights are computed afresh."""
        self._idf = None

    def idf_table(self) -> array[float]:
        if self._idf is None or len(self._idf) != len(self.df):
            papers = max(self.papers, 1)
            self._idf = array("d", (idf(df, papers) for df in self.df))
        return self._idf

    def weights(self, vector: Vector) -> list[tuple[int, float]]:
        """The unit-length tf-idf weights of a vector, heaviest first."""
        table = self.idf_table()
        log = math.log
        weighted = [
            (term_id, (1.0 + log(count)) * table[term_id])
            for term_id, count in zip(vector.terms, vector.counts, strict=True)
        ]
        norm = math.sqrt(sum(w * w for _t, w in weighted)) or 1.0
        weighted.sort(key=_second, reverse=True)
        return [(term_id, w / norm) for term_id, w in weighted]

    def postings_of(self, vector: Vector) -> list[tuple[int, float]]:
        """The (term, weight) pairs a paper contributes to the inverted index."""
        df = self.df
        kept = [(t, w) for t, w in self.weights(vector) if df[t] >= 2]
        return kept[:POSTINGS_PER_PAPER]


def build_segment(statistics: TermStatistics, vectors: Iterable[tuple[int, Vector]]) -> Segment:
    """A segment holding the postings of `vectors` (whose counts `statistics` already has)."""
    # Two flat arrays per term while collecting: 8 bytes a posting (a tuple would take ~100).
    term_docs: dict[int, array[int]] = {}
    term_weights: dict[int, array[float]] = {}
    postings_of = statistics.postings_of
    for paper_id, vector in vectors:
        for term_id, weight in postings_of(vector):
            docs_of = term_docs.get(term_id)
            if docs_of is None:
                docs_of = term_docs[term_id] = array("i")
                term_weights[term_id] = array("f")
            docs_of.append(paper_id)
            term_weights[term_id].append(weight)
    offsets = array("q", [0]) * (len(statistics.words) + 1)
    docs = array("i")
    weights = array("f")
    for term_id in range(len(statistics.words)):
        if term_id in term_docs:
            # Heaviest first, so a question can read just the head of a long list.
            term_w = term_weights.pop(term_id)
            term_d = term_docs.pop(term_id)
            order = sorted(range(len(term_w)), key=term_w.__getitem__, reverse=True)
            docs.extend(term_d[i] for i in order)
            weights.extend(term_w[i] for i in order)
        offsets[term_id + 1] = len(docs)
    return Segment(offsets, docs, weights)


class InvertedIndex:
    """Segment + delta + dropped: what scoring reads."""

    def __init__(self, segment: Segment | None = None) -> None:
        self.segment = segment or Segment()
        self.dropped: set[int] = set()  # segment papers deleted or changed since it was built
        self.delta: dict[int, list[tuple[int, float]]] = {}  # paper -> its postings
        self._delta_postings: dict[int, list[tuple[int, float]]] | None = None

    def set_delta(self, paper_id: int, postings: list[tuple[int, float]] | None) -> None:
        """A paper added or changed (postings), or removed (None)."""
        self.dropped.add(paper_id)
        if postings is None:
            self.delta.pop(paper_id, None)
        else:
            self.delta[paper_id] = postings
        self._delta_postings = None

    def _by_term(self) -> dict[int, list[tuple[int, float]]]:
        if self._delta_postings is None:
            by_term: dict[int, list[tuple[int, float]]] = {}
            for paper_id, postings in self.delta.items():
                for term_id, weight in postings:
                    by_term.setdefault(term_id, []).append((paper_id, weight))
            self._delta_postings = by_term
        return self._delta_postings

    def scores(
        self, query: Sequence[tuple[int, float]], read_limit: int = 1 << 30
    ) -> dict[int, float]:
        """Dot products of the query with the papers sharing an indexed term with it; of a
        term's papers only the `read_limit` for which it weighs most."""
        segment = self.segment
        offsets, docs, weights = segment.offsets, segment.docs, segment.weights
        indexed = segment.term_count
        acc: dict[int, float] = {}
        get = acc.get
        for term_id, query_weight in query:
            if term_id >= indexed:
                continue
            low, high = offsets[term_id], offsets[term_id + 1]
            if low == high:
                continue
            high = min(high, low + read_limit)
            for paper_id, weight in zip(docs[low:high], weights[low:high], strict=True):
                acc[paper_id] = get(paper_id, 0.0) + query_weight * weight
        for paper_id in self.dropped:
            acc.pop(paper_id, None)
        if self.delta:
            by_term = self._by_term()
            for term_id, query_weight in query:
                for paper_id, weight in by_term.get(term_id, ()):
                    acc[paper_id] = get(paper_id, 0.0) + query_weight * weight
        return acc

    def papers(self) -> set[int]:
        return (self.segment.papers() - self.dropped) | set(self.delta)


def top(scores: dict[int, float], count: int, exclude: set[int] | frozenset[int]) -> list[int]:
    """The `count` best papers with a positive score, best first (ties: the lower id first)."""
    # (score, paper) pairs are made and compared in C; only the few winners are looked at.
    best = heapq.nlargest(count + len(exclude), zip(scores.values(), scores.keys(), strict=True))
    best.sort(key=lambda pair: (-pair[0], pair[1]))
    return [paper for score, paper in best if score > 0 and paper not in exclude][:count]


def combine(
    parts: Iterable[tuple[Sequence[tuple[int, float]], float]], keep: int = QUERY_TERMS
) -> list[tuple[int, float]]:
    """The weighted sum of several weight lists, its `keep` heaviest terms first."""
    total: dict[int, float] = {}
    for weights, factor in parts:
        for term_id, weight in weights:
            total[term_id] = total.get(term_id, 0.0) + factor * weight
    return heapq.nlargest(keep, total.items(), key=lambda item: item[1])


def shared_terms(
    query: Sequence[tuple[int, float]], other: Sequence[tuple[int, float]], count: int = 3
) -> list[int]:
    """The terms contributing most to the similarity of two weighted vectors."""
    theirs = dict(other)
    contributions = [(w * theirs[t], t) for t, w in query if t in theirs]
    return [t for _c, t in heapq.nlargest(count, contributions)]


def chunked(values: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
