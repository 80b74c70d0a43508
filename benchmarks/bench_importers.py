"""Import timings for saved pages: the largest sample page, and 1,000 generated daily pages.

Run with `python benchmarks/bench_importers.py`; prints one line per measurement.
"""

from __future__ import annotations

import html
import json
import sys
import tempfile
import time
from pathlib import Path

from readinglist.core.library import Library
from readinglist.importers import parse_listing, read_listing

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "samples" / "pages"
PAPERS_PER_PAGE = 30


def _import(library: Library, path: Path) -> int:
    listing = read_listing(path)
    result = parse_listing(listing)
    library.import_result(
        result, file_name=listing.name, file_path=str(path), sha256=listing.sha256
    )
    return len(result.papers)


def _generated_page(path: Path, number: int) -> None:
    items = [
        {
            "paper": {
                "id": f"25{number % 12 + 1:02d}.{number * PAPERS_PER_PAGE + i:05d}",
                "title": f"Generated paper {number}-{i} on scaling laws",
                "authors": [{"name": f"Author {i} {j}"} for j in range(5)],
                "publishedAt": "2025-03-10T00:00:00.000Z",
                "summary": "We study scaling. " * 40,
                "upvotes": i,
            },
            "numComments": i % 3,
        }
        for i in range(PAPERS_PER_PAGE)
    ]
    props = html.escape(json.dumps({"dateString": "2025-03-10", "dailyPapers": items}))
    path.write_text(
        f'<!doctype html><html><body><div data-target="DailyPapers" data-props="{props}">'
        "</div></body></html>",
        encoding="utf-8",
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        largest = max(
            (p for p in SAMPLES.iterdir() if p.suffix != ".tsv"), key=lambda p: p.stat().st_size
        )
        library = Library(folder / "largest.sqlite")
        start = time.perf_counter()
        count = _import(library, largest)
        print(f"import {largest.name} ({count} papers): {time.perf_counter() - start:.3f} s")
        library.close()

        pages = folder / "pages"
        pages.mkdir()
        for number in range(1000):
            _generated_page(pages / f"daily-{number:04d}.html", number)
        library = Library(folder / "generated.sqlite")
        start = time.perf_counter()
        total = sum(_import(library, page) for page in sorted(pages.iterdir()))
        elapsed = time.perf_counter() - start
        print(f"import 1,000 generated pages ({total} papers): {elapsed:.2f} s")
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
