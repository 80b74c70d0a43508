"""A deterministic synthetic library for the window benchmark, built through the real import path.

100,000 papers with ~12-word titles and ~1,500-character abstracts drawn from the core
benchmark's vocabulary (benchmarks/synthetic.py) by a Zipf-like law, as real abstracts are; unlike
that benchmark's text pages, they go straight to Library.import_result as ParsedPapers with dates,
authors, organizations, upvotes and comments. Cached under benchmarks/out/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sqlite3
from pathlib import Path

from synthetic import vocabulary  # the core benchmark's words: function words, topics, a tail

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.library import Library
from readinglist.core.migrations import MIGRATIONS

OUT = Path(__file__).resolve().parent / "out"
SEED = 20261123
_ORGS = [f"Lab {name}" for name in ("Alpha", "Beta", "Gamma", "Delta", "Orbit", "Nova", "Quark")]


def _word(vocab: list[str], rng: random.Random) -> str:
    # Rank r is drawn with probability ~ 1/r, as synthetic.entries (the core benchmark) does.
    return vocab[int(len(vocab) ** rng.random()) - 1]


def papers(count: int, seed: int = SEED) -> list[ParsedPaper]:
    rng = random.Random(seed)
    vocab = vocabulary(20000, rng)
    out: list[ParsedPaper] = []
    for number in range(count):
        title = " ".join(_word(vocab, rng) for _ in range(rng.randint(10, 14))).capitalize()
        words: list[str] = []
        length = 0
        while length < 1500:
            words.append(_word(vocab, rng))
            length += len(words[-1]) + 1
        published = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 8 * 365))
        n_authors = rng.randint(1, 12)
        out.append(
            ParsedPaper(
                title=f"{title} {number}",
                line=number + 1,
                abstract=" ".join(words).capitalize() + ".",
                arxiv_id=f"{published:%y%m}.{number:05d}",
                published=published,
                published_precision=DatePrecision.DAY,
                authors=[f"Author {rng.randint(1, 5000)}" for _ in range(n_authors)],
                organization=rng.choice(_ORGS) if rng.random() < 0.4 else None,
                upvotes=rng.randint(0, 500) if rng.random() < 0.8 else None,
                comments=rng.randint(0, 30) if rng.random() < 0.3 else None,
            )
        )
    return out


def build(count: int = 100_000, batch: int = 10_000) -> Path:
    """The cached library file, generated on first use."""
    # The schema's text is part of the name: a library built by an older schema is not reused.
    schema = hashlib.sha256("".join(MIGRATIONS).encode()).hexdigest()[:10]
    path = OUT / f"library-{count}-{schema}.sqlite"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in OUT.glob(partial.name + "*"):
        leftover.unlink()
    library = Library(partial)
    everything = papers(count)
    for start in range(0, count, batch):
        chunk = everything[start : start + batch]
        name = f"synthetic-{start // batch:02d}.txt"
        library.import_result(
            ParseResult(format="synthetic", papers=chunk),
            file_name=name,
            file_path=None,
            sha256=hashlib.sha256(name.encode()).hexdigest(),
        )
    library.close()
    # Fold the write-ahead log into the file before renaming it, so nothing stays behind.
    connection = sqlite3.connect(partial)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for suffix in ("-wal", "-shm"):
        leftover = Path(str(partial) + suffix)
        if leftover.exists() and leftover.stat().st_size == 0:
            leftover.unlink()
    partial.rename(path)
    return path


def build_related(path: Path) -> Path:
    """`path`, with its related-papers model built and cached in it (once)."""
    from readinglist.core.related import RelatedPapers

    library = Library(path)
    try:
        related = RelatedPapers(library)
        if not related.has_cached_model():
            related.refresh()
    finally:
        library.close()
    return path


if __name__ == "__main__":
    print(build())
