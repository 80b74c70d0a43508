"""HTML importers say where each entry is in the saved file: its own line, and the column
when a page holds every entry on one long line."""

from __future__ import annotations

from pathlib import Path

from readinglist.importers import ParseOptions, parse_listing, read_listing
from tests.conftest import PAGE_SAMPLES


def _text_at(path: Path, line: int, column: int) -> str:
    text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    return text[column - 1 :]


def test_each_entry_of_a_one_line_hugging_face_page_has_its_own_place() -> None:
    path = PAGE_SAMPLES / "hf-papers-daily_2026-07-02.html"
    result = parse_listing(read_listing(path), ParseOptions())
    places = [(paper.line, paper.column) for paper in result.papers]
    assert len(places) == 31
    assert len(set(places)) == len(places)
    assert places == sorted(places)
    for paper in result.papers:
        assert paper.column is not None and paper.arxiv_id is not None
        # The place is the paper's card (its link), not the page's data block above it.
        assert _text_at(path, paper.line, paper.column).startswith(f'/papers/{paper.arxiv_id}"')


def test_arxiv_entries_have_their_own_lines() -> None:
    for name in ("arxiv-list-new_cs.IT_2026-09-28.html", "arxiv-list-recent_cs.AI_2026-10.html"):
        path = PAGE_SAMPLES / name
        result = parse_listing(read_listing(path), ParseOptions())
        lines = [paper.line for paper in result.papers]
        assert len(set(lines)) == len(lines) and lines == sorted(lines)
        for paper in result.papers:
            assert paper.column is not None and paper.arxiv_id is not None
            assert paper.arxiv_id in _text_at(path, paper.line, paper.column)[:40]
