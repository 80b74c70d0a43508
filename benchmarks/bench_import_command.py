"""The import a person runs: `readinglist import` of four 37 MB pages (100,000 papers) into a
new library, as a process, timed from start to exit (checkpoint included).

With BASELINE=/path/to/an/older/checkout it times that tree's command too, interleaved with this
one (old, new, old, new, …) so that the VM's drifting speed falls on both alike, and prints both
medians. `BENCH_N` (default 100,000) and `BENCH_RUNS` (default 3) set the size and the repeats.

    git worktree add /tmp/baseline <commit>
    BASELINE=/tmp/baseline .venv/bin/python benchmarks/bench_import_command.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import entries, hf_text_page

ROOT = Path(__file__).resolve().parents[1]
PAGES = 4


def make_pages(folder: Path, total: int) -> list[Path]:
    items = entries(total)
    per_page = -(-total // PAGES)
    paths = []
    for number in range(PAGES):
        path = folder / f"page{number + 1}.txt"
        chunk = items[number * per_page : (number + 1) * per_page]
        path.write_text(hf_text_page(chunk, page_date="Dec 31"), encoding="utf-8")
        paths.append(path)
    return paths


def run_import(tree: Path, library: Path, pages: list[Path]) -> float:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "--library", str(library), "import"]
        + [str(p) for p in pages]
        + ["--year", "2025"],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"import failed in {tree}: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    total = int(os.environ.get("BENCH_N", "100000"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    baseline = os.environ.get("BASELINE")
    trees = {"this tree": ROOT}
    if baseline:
        trees = {"baseline": Path(baseline).resolve(), **trees}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        pages = make_pages(folder, total)
        size = sum(p.stat().st_size for p in pages) / 1e6
        print(f"{PAGES} pages, {total:,} papers, {size:.0f} MB in all; {runs} runs each")
        times: dict[str, list[float]] = {name: [] for name in trees}
        for run in range(runs):
            for name, tree in trees.items():
                library = folder / f"{name.replace(' ', '-')}-{run}.sqlite"
                times[name].append(run_import(tree, library, pages))
                for side in folder.glob(f"{library.name}*"):
                    side.unlink()
        for name, values in times.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(
                f"{name:>10}: import of {total:,} papers as a command, median "
                f"{statistics.median(values):.2f} s ({shown})"
            )


if __name__ == "__main__":
    main()
