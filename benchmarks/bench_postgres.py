"""A shared library on PostgreSQL beside a file on SQLite, at 100,000 papers: import, and search
p95 for the typical queries (bench_core's list, and bench_queries' pasted and common words).

Both get the same synthetic papers (synthetic_library's generator), imported in batches of
10,000 as the window benchmark's library is. The server is BENCH_PG_URL (an empty database
the URL's role may create a schema in) or, without it, a private one started like the tests'
(tests/postgres.py: needs PostgreSQL's server programs). Every search asks for the first 100
results, as the window does. Run with `.venv/bin/python benchmarks/bench_postgres.py`
(BENCH_N sets the size, BENCH_RUNS the runs per query).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_core import QUERIES
from synthetic_library import papers

from readinglist.core.entries import ParseResult
from readinglist.core.library import Library
from readinglist.core.query import SortSpec

BATCH = 10_000


@contextmanager
def server_url() -> Iterator[str]:
    if url := os.environ.get("BENCH_PG_URL"):
        yield url
        return
    # The tests' private cluster, started the same way, but durable (fsync on) as a real
    # server is and as SQLite's commits are.
    from tests.postgres import running_server

    with running_server(durable=True) as server:
        yield server.url(server.member, server.create_database("bench"))


def import_all(library: Library, count: int) -> float:
    everything = papers(count)
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        library.import_result(
            ParseResult(format="synthetic", papers=everything[first : first + BATCH]),
            file_name=f"synthetic-{first // BATCH:02d}.txt",
            file_path=None,
            sha256=f"{count}-{first}",
        )
    return time.perf_counter() - start


def typical_queries(library: Library) -> list[tuple[str, str, SortSpec | None]]:
    words = Counter(
        word.strip(".,").lower()
        for paper_id in range(1, 201)
        for word in (library.get(paper_id).abstract or "").split()
    )
    common = [word for word, _ in words.most_common(10)]
    pasted = list(dict.fromkeys((library.get(7).abstract or "").lower().replace(".", "").split()))
    chosen = list(QUERIES)
    for label, source in (("pasted", pasted), ("most common", common)):
        for size in (1, 3, 10):
            query = " ".join(source[:size])
            chosen.append((f"{size} {label} words", query, None))
            chosen.append((f"{size} {label} words, by date", query, SortSpec("published", True)))
    return chosen


def p95_ms(library: Library, query: str, sort: SortSpec | None, runs: int) -> float:
    library.search_ids(query, sort, limit=100)  # warm: plans, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        library.search_ids(query, sort, limit=100)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def main() -> None:
    count = int(os.environ.get("BENCH_N", "100000"))
    runs = int(os.environ.get("BENCH_RUNS", "20"))
    with tempfile.TemporaryDirectory() as folder, server_url() as url:
        file_library = Library(Path(folder) / "library.sqlite")
        shared = Library(url)
        print(f"bench_postgres: N = {count:,} papers, {runs} runs a query (first 100 results)")
        sqlite_import = import_all(file_library, count)
        postgres_import = import_all(shared, count)
        print(
            f"  import           SQLite {sqlite_import:8.1f} s | PostgreSQL {postgres_import:8.1f} s"
        )
        print(f"  {'search p95':52} {'SQLite':>9} | {'PostgreSQL':>10}  same ids")
        worst = {"SQLite": 0.0, "PostgreSQL": 0.0}
        for label, query, sort in typical_queries(file_library):
            on_file = p95_ms(file_library, query, sort, runs)
            on_server = p95_ms(shared, query, sort, runs)
            worst["SQLite"] = max(worst["SQLite"], on_file)
            worst["PostgreSQL"] = max(worst["PostgreSQL"], on_server)
            same = file_library.search_ids(query, sort, limit=100) == shared.search_ids(
                query, sort, limit=100
            )
            shown = f"{label}: {query[:30]}"
            print(
                f"    {shown:50} {on_file:7.1f} ms | {on_server:7.1f} ms  {'yes' if same else 'NO'}"
            )
        print(
            f"  worst p95        SQLite {worst['SQLite']:.1f} ms | PostgreSQL {worst['PostgreSQL']:.1f} ms"
        )
        shared.close()
        file_library.close()


if __name__ == "__main__":
    main()
