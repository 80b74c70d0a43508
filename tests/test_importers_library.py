"""Importing saved pages into a real library: richer pages complete what text copies stored,
and importing a page again adds nothing."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.core.library import Library
from readinglist.core.summary import Outcome
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES
from tests.helpers import import_file

PAGES = sorted(p for p in PAGE_SAMPLES.iterdir() if p.suffix != ".tsv")
UNIXCODER = "UniXcoder: Unified Cross-Modal Pre-training for Code Representation"
SPARSE = "Sparse Iso-FLOP Transformations for Maximizing Training Efficiency"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


def _daily_page(path: Path, items: list[dict[str, object]]) -> Path:
    """A Hugging Face daily page as the server renders it: the papers in the HTML-escaped
    JSON of the DailyPapers component's props."""
    props = html.escape(json.dumps({"dateString": "2025-03-10", "dailyPapers": items}))
    path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>Daily Papers - Hugging Face</title></head><body>"
        f'<div data-target="DailyPapers" data-props="{props}"></div></body></html>',
        encoding="utf-8",
    )
    return path


def _item(arxiv_id: str, title: str, authors: list[str], upvotes: int) -> dict[str, object]:
    return {
        "paper": {
            "id": arxiv_id,
            "title": title,
            "authors": [{"name": name} for name in authors],
            "publishedAt": "2022-03-07T00:00:00.000Z",
            "upvotes": upvotes,
            "summary": "An abstract.",
        },
        "numComments": 0,
    }


def test_an_html_page_completes_papers_from_text_copies_without_new_rows(
    library: Library, tmp_path: Path
) -> None:
    for path in HF_TEXT_SAMPLES:
        import_file(library, path, year=2025)
    assert library.count() == 311
    page = _daily_page(
        tmp_path / "daily.html",
        [
            _item("2203.03850", UNIXCODER, ["Daya Guo", "Shuai Lu", "Nan Duan"], 3),
            _item("2303.11525", SPARSE, ["Shreyas Saxena", "Vithursan Thangarasa"], 1),
        ],
    )
    summary = import_file(library, page)
    assert library.count() == 311
    assert summary.count(Outcome.NEW) == 0
    assert summary.count(Outcome.ENRICHED) == 2
    assert "2 of them completed with new details" in summary.headline()
    papers = {library.get(i).title: library.get(i) for i in summary.paper_ids}
    assert papers[UNIXCODER].arxiv_id == "2203.03850"
    assert papers[UNIXCODER].authors == ["Daya Guo", "Shuai Lu", "Nan Duan"]
    assert papers[UNIXCODER].upvotes == 3
    assert papers[SPARSE].arxiv_id == "2303.11525"
    assert papers[SPARSE].authors == ["Shreyas Saxena", "Vithursan Thangarasa"]


def test_the_notebook_export_completes_the_two_papers_it_shares_with_the_text_copies(
    library: Library,
) -> None:
    for path in HF_TEXT_SAMPLES:
        import_file(library, path, year=2025)
    summary = import_file(library, PAGE_SAMPLES / "hf-papers-search_notebook-export.txt")
    assert summary.count(Outcome.NEW) == 105
    assert summary.count(Outcome.ENRICHED) == 2
    assert library.count() == 311 + 105
    ids = {
        library.get(e.paper_id).title: library.get(e.paper_id).arxiv_id
        for e in summary.entries
        if e.paper_id
    }
    assert ids[UNIXCODER] == "2203.03850"
    assert ids[SPARSE] == "2303.11525"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_importing_a_page_twice_adds_nothing(library: Library, page: Path) -> None:
    first = import_file(library, page)
    count = library.count()
    assert count == first.count(Outcome.NEW) > 0
    again = import_file(library, page)
    assert again.count(Outcome.NEW) == 0
    assert again.same_file_seen_before
    assert library.count() == count
