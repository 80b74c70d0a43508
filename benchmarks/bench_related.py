"""Related papers at 100,000 synthetic papers: the model's build, "more like this", suggestions
for a 50-paper list, the update after a 1,000-paper import, and the memory the model adds.

Targets on a 2-core machine: build <= 60 s (in the background), more like this p95 <= 50 ms warm,
list suggestions <= 500 ms, update after a 1,000-paper import <= 1 s. BENCH_N sets the size.
"""

from __future__ import annotations

import gc
import hashlib
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_library import build, papers

from readinglist.core.entries import ParseResult
from readinglist.core.library import Library
from readinglist.core.related import RelatedPapers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def rss_mb() -> float:
    """The process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def clocks() -> tuple[float, float]:
    """(wall, this thread's CPU) seconds: on a shared machine the CPU time says what the work
    cost, the wall time what a user waited."""
    return time.perf_counter(), time.thread_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def main() -> None:
    count = int(os.environ.get("BENCH_N", "100000"))
    print(f"bench_related: N = {count:,} synthetic papers (Python {sys.version.split()[0]})")
    print(f"  machine load (1, 5, 15 min): {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    source = build(count)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.sqlite"
        shutil.copy(source, path)
        library = Library(path)
        ids = library.search_ids("")
        rng = random.Random(5)

        gc.collect()
        before = rss_mb()
        start = clocks()
        related = RelatedPapers(library)
        related.refresh()
        build_s, build_cpu = since(start)
        gc.collect()
        print(
            f"  build from scratch: {build_s:.1f} s ({build_cpu:.1f} s of CPU) "
            "(target <= 60 s, in the background)"
        )
        print(
            f"  resident memory after the first build: +{rss_mb() - before:.0f} MB (with its garbage)"
        )

        tracemalloc.start()
        start = time.perf_counter()
        reloaded = RelatedPapers(library)
        reloaded.refresh()
        load_s = time.perf_counter() - start
        gc.collect()
        held, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  load the cached model (each next start): {load_s:.2f} s")
        print(f"  memory the loaded model holds: {held / 1e6:.0f} MB (target <= 100 MB)")
        del reloaded

        sample = rng.sample(ids, 60)
        related.more_like(sample[0])  # warm
        timings: list[float] = []
        cpu_timings: list[float] = []
        for paper_id in sample[10:]:
            start = clocks()
            related.more_like(paper_id, limit=10)
            wall, cpu = since(start)
            timings.append(wall)
            cpu_timings.append(cpu)
        print(
            f"  more like this, 50 papers: p50 {statistics.median(timings) * 1000:.1f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.1f} ms; CPU p50 "
            f"{statistics.median(cpu_timings) * 1000:.1f} ms, p95 "
            f"{percentile(cpu_timings, 0.95) * 1000:.1f} ms (target p95 <= 50 ms)"
        )
        list_timings: list[float] = []
        list_cpu: list[float] = []
        for _ in range(5):
            members = rng.sample(ids, 50)
            start = clocks()
            related.suggest(members, limit=20)
            wall, cpu = since(start)
            list_timings.append(wall)
            list_cpu.append(cpu)
        print(
            f"  suggestions for a 50-paper list: median {statistics.median(list_timings) * 1000:.0f} ms, "
            f"max {max(list_timings) * 1000:.0f} ms; CPU median "
            f"{statistics.median(list_cpu) * 1000:.0f} ms (target <= 500 ms)"
        )

        extra = papers(count + 1000, seed=99)[-1000:]
        for number, paper in enumerate(extra):
            paper.title = f"{paper.title} imported {number}"
            paper.arxiv_id = None
        name = "bench-import.txt"
        start = time.perf_counter()
        library.import_result(
            ParseResult(format="synthetic", papers=extra),
            file_name=name,
            file_path=None,
            sha256=hashlib.sha256(name.encode()).hexdigest(),
        )
        import_s = time.perf_counter() - start
        start = clocks()
        changed = related.refresh()
        update_s, update_cpu = since(start)
        print(
            f"  after importing 1,000 papers ({import_s:.1f} s): model update {update_s * 1000:.0f} ms "
            f"({update_cpu * 1000:.0f} ms of CPU) for {changed} papers (target <= 1 s)"
        )
        library.delete_papers(ids[:10])
        start = time.perf_counter()
        related.refresh()
        print(
            f"  after deleting 10 papers: model update {(time.perf_counter() - start) * 1000:.0f} ms"
        )
        print(f"  resident memory of the process now: {rss_mb():.0f} MB")
        print(f"  machine load (1, 5, 15 min): {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
        library.close()


if __name__ == "__main__":
    main()
