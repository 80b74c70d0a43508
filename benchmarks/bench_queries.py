"""Long queries at 100,000 papers: the cost grows with the number of words, one index scan each.

Every word is a prefix, and FTS5 answers a prefix by merging the entries of every indexed word
it begins: 5 to 50 ms a word here, the most for the most common words.
So the query language takes at most 50 words and terms (and 2,000 characters); this prints what
queries at and beyond that bound cost, on the window benchmark's cached synthetic library.
Run with `.venv/bin/python benchmarks/bench_queries.py` (BENCH_N sets the size).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_library import build

from readinglist.core.errors import QueryError
from readinglist.core.library import Library
from readinglist.core.query import MAX_TERMS, SortSpec


def median_ms(library: Library, query: str, sort: SortSpec | None, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        library.search_ids(query, sort, limit=100)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    count = int(os.environ.get("BENCH_N", "100000"))
    library = Library.open(build(count))
    print(f"bench_queries: N = {library.count():,} papers (Python {sys.version.split()[0]})")
    words = Counter(
        word.strip(".,").lower()
        for paper_id in range(1, 201)
        for word in (library.get(paper_id).abstract or "").split()
    )
    common = [word for word, _ in words.most_common(MAX_TERMS)]
    # A sentence pasted from an abstract: its distinct words in order, common and rare alike.
    pasted = list(dict.fromkeys((library.get(7).abstract or "").lower().replace(".", "").split()))
    print("  by relevance | by date (median of 5, first 100 results)")
    for label, chosen in (("pasted", pasted), ("most common", common)):
        for size in (1, 10, 25, MAX_TERMS):
            query = " ".join(chosen[:size])
            relevance = median_ms(library, query, None)
            by_date = median_ms(library, query, SortSpec("published", True))
            print(
                f"    {size:>3} {label + ' words':18} {relevance:8.1f} ms | {by_date:8.1f} ms"
                f"  ({by_date / size:5.1f} ms a word by date)"
            )
    nested = "".join(f"({w} OR tag:x OR " for w in common[:10]) + "model" + ")" * 10
    negated = "model " + " ".join(f"-{w}" for w in common[1:MAX_TERMS])
    for label, query in (("20 levels of nesting", nested), ("1 word, 49 negated", negated)):
        print(f"    {label:24} {median_ms(library, query, None):8.1f} ms")
    page = " ".join(library.get(n).abstract or "" for n in range(1, 60)).split()[:8000]
    start = time.perf_counter()
    try:
        library.search_ids(" ".join(page))
    except QueryError as refused:
        elapsed = (time.perf_counter() - start) * 1000
        print(f"  an {len(page):,}-word query: refused in {elapsed:.2f} ms: {refused}")
    library.close()


if __name__ == "__main__":
    main()
