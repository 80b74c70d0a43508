"""Complete the shared hf-text samples (311 distinct papers) against a local server on 127.0.0.1
with the real spacing kept: one request every 3 s to arXiv, every 0.1 s to Hugging Face.

Run with `.venv/bin/python benchmarks/bench_complete.py`. Not a test: it prints figures. The
server answers at once, so what the run takes is the spacing plus our own work; against the real
services add their response times.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readinglist.core.completion.arxiv import ARXIV_SPACING, ArxivClient  # noqa: E402
from readinglist.core.completion.hf import HF_SPACING, HuggingFaceClient  # noqa: E402
from readinglist.core.completion.service import Completer, Outcome, incomplete_ids  # noqa: E402
from readinglist.core.library import Library  # noqa: E402
from tests.completion_server import Services, generated_papers, serve  # noqa: E402
from tests.conftest import HF_TEXT_SAMPLES  # noqa: E402
from tests.helpers import import_file  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "library.sqlite")
        for sample in HF_TEXT_SAMPLES:
            import_file(library, sample, year=2025)
        ids = incomplete_ids(library)
        records = library.get_many(ids, relations=False)
        with serve(Services()) as services:
            services.add(
                *generated_papers(
                    [
                        (r.title, r.authors_count, r.published, str(r.published_precision))
                        for r in records
                    ]
                )
            )
            hf = HuggingFaceClient(services.hf_url)
            arxiv = ArxivClient(services.arxiv_url)
            assert arxiv.http.limiter.spacing == ARXIV_SPACING  # the real spacing, kept
            completer = Completer(library, hugging_face=hf, arxiv=arxiv)
            started = time.perf_counter()
            applying = 0.0
            completed = 0
            for plan in completer.plan(ids):
                if plan.outcome is Outcome.COMPLETE:
                    before = time.perf_counter()
                    completed += completer.apply(plan).changed
                    applying += time.perf_counter() - before
            elapsed = time.perf_counter() - started
            arxiv_times = [s.at for s in services.seen if s.path == "/api/query"]
        library.close()
    gaps = [b - a for a, b in itertools.pairwise(arxiv_times)]
    hf_floor = HF_SPACING * (hf.http.requests - 1)
    arxiv_floor = ARXIV_SPACING * (len(arxiv_times) - 1)
    print(f"papers to complete:        {len(ids)}")
    print(f"completed:                 {completed}")
    print(f"arXiv requests:            {arxiv.http.requests} (ids 100 per request)")
    print(f"  gaps between them:       {', '.join(f'{g:.2f} s' for g in gaps)}")
    print(f"Hugging Face requests:     {hf.http.requests} (one title search per paper)")
    print(f"whole run:                 {elapsed:.1f} s")
    # The two hosts' spacings overlap: arXiv's 3 s pass while Hugging Face is searched.
    print(f"  Hugging Face's spacing:  {hf_floor:.1f} s, arXiv's: {arxiv_floor:.1f} s")
    print(f"  writing, one transaction per paper: {applying * 1000:.0f} ms in all")


if __name__ == "__main__":
    main()
