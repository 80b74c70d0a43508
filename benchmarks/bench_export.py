"""Export 10,000 generated papers to Markdown and BibTeX and print the times (target <= 1 s each).

Run with `make bench` or `.venv/bin/python benchmarks/bench_export.py [COUNT]`. Not a test: the
figures depend on the machine.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.exporters.bibtex import export_bibtex, make_citation_key
from readinglist.exporters.markdown import export_markdown

WORDS = [
    "efficient",
    "scalable",
    "training",
    "of",
    "large",
    "language",
    "models",
    "with",
    "sparse",
    "mixture",
    "experts",
    "for",
    "diffusion",
    "transformers",
    "via",
    "low-rank",
    "adaptation",
    "and",
    "reinforcement",
    "learning",
    "on",
    "GPUs",
]
SPICE = ["GPT-4", "ZeRO", "TÜLU", "PanGu-$α$", "S$^{2}$FT", "50%", "A&B", "x_y", "{braces}", "Σ"]
NAMES = ["Samyam Rajbhandari", "Jürgen Schmidhuber", "Łukasz Kaiser", "Wei Zhang", "Zoë D'Arcy"]
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def generate(count: int, seed: int = 5) -> list[PaperRecord]:
    rng = random.Random(seed)
    papers = []
    for paper_id in range(1, count + 1):
        words = [*rng.sample(WORDS, 8), rng.choice(SPICE)]
        rng.shuffle(words)
        title = " ".join(words).capitalize()
        # Abstracts are mostly plain prose; one word in fifty needs escaping.
        abstract = " ".join(
            rng.choice(SPICE) if rng.random() < 0.02 else rng.choice(WORDS) for _ in range(150)
        )
        named = rng.random() < 0.5
        papers.append(
            PaperRecord(
                id=paper_id,
                title=title,
                abstract=abstract,
                arxiv_id=f"24{rng.randint(1, 12):02d}.{paper_id:05d}" if named else None,
                url=None,
                published=dt.date(2024, rng.randint(1, 12), rng.randint(1, 28)),
                published_precision=rng.choice(list(DatePrecision)),
                authors=rng.sample(NAMES, 3) if named else None,
                authors_count=rng.randint(1, 40),
                organization=rng.choice([None, "Tencent", "Microsoft"]),
                upvotes=None,
                comments=None,
                code_urls=["https://github.com/org/repo"] if rng.random() < 0.3 else [],
                status=rng.choice(list(ReadingStatus)),
                rating=0,
                notes="Read *this* {again}" if rng.random() < 0.1 else "",
                tags=rng.sample(["nlp", "vision", "systems"], rng.randint(0, 2)),
                added_at=NOW,
                updated_at=NOW,
            )
        )
    return papers


def timed(label: str, action: object) -> float:
    assert callable(action)
    start = time.perf_counter()
    output = action()
    elapsed = time.perf_counter() - start
    size = f"{len(output) / 1e6:.1f} MB" if isinstance(output, str) else f"{len(output)} keys"
    print(f"{label:<42} {elapsed:6.3f} s  ({size})")
    return elapsed


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    papers = generate(count)
    print(f"exporting {count:,} generated papers")

    def keys() -> dict[int, str]:
        taken: set[str] = set()
        issued = {}
        for paper in papers:
            issued[paper.id] = make_citation_key(paper, taken)
            taken.add(issued[paper.id].lower())
        return issued

    issued = keys()
    results = [
        timed("citation keys (make_citation_key)", keys),
        timed(
            "BibTeX, with abstracts and notes",
            lambda: export_bibtex(papers, keys=issued, include_abstracts=True, include_notes=True),
        ),
        timed(
            "BibTeX, without abstracts",
            lambda: export_bibtex(
                papers, keys=issued, include_abstracts=False, include_notes=False
            ),
        ),
        timed(
            "Markdown, full abstracts and notes",
            lambda: export_markdown(papers, title="Bench", abstracts="full", include_notes=True),
        ),
        timed(
            "Markdown, <details> abstracts, by tag",
            lambda: export_markdown(papers, title="Bench", abstracts="details", group_by="tag"),
        ),
    ]
    print("target: <= 1 s per export;", "met" if max(results[1:]) <= 1.0 else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
