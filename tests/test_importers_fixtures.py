"""Variants and broken pages, on small fixtures written for this project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readinglist.core.entries import DatePrecision
from readinglist.core.errors import ListingError
from readinglist.importers import detect, parse_listing, read_listing

FIXTURES = Path(__file__).parent / "fixtures"
DAILY = FIXTURES / "samples" / "pages"


@pytest.mark.parametrize(
    "name", ["hf_search_cards.html", "hf_search_qp.mhtml", "hf_search_base64.mhtml"]
)
def test_search_page_cards_read_by_links_once_each_also_inside_web_archives(name: str) -> None:
    listing = read_listing(FIXTURES / name)
    assert detect(listing).name == "hf-html"
    result = parse_listing(listing)
    assert [p.arxiv_id for p in result.papers] == ["2409.02326", "2306.14898"]  # not 4
    arctic, intercode = result.papers
    assert (
        arctic.title == "Arctic-SnowCoder: Demystifying $\\alpha$-Quality Data in Code Pretraining"
    )
    assert arctic.abstract is not None and 'T\\"ULU' in arctic.abstract
    assert (arctic.organization, arctic.organization_handle) == ("Snowflake Inc.", "Snowflake")
    assert (arctic.upvotes, arctic.comments, arctic.authors_count) == (19, 2, None)
    assert (arctic.published, arctic.published_precision) == (
        dt.date(2024, 9, 3),
        DatePrecision.DAY,
    )
    assert (intercode.upvotes, intercode.comments, intercode.organization) == (0, None, None)
    assert intercode.authors_count == 4
    # "Mar 7" on a page dated 2026-03-25 by its props: that year, and said so.
    assert intercode.published == dt.date(2026, 3, 7)
    assert intercode.published_precision is DatePrecision.YEAR_INFERRED
    assert result.assumptions


def test_props_that_are_not_json_fall_back_to_the_cards_with_a_warning() -> None:
    result = parse_listing(read_listing(FIXTURES / "hf_props_not_json.html"))
    assert [p.arxiv_id for p in result.papers] == ["2607.01071"]
    paper = result.papers[0]
    assert (paper.upvotes, paper.comments, paper.authors_count) == (18, 1, 8)
    assert len(result.warnings) == 1 and "not valid JSON" in result.warnings[0].message


def test_a_hugging_face_page_with_no_papers_is_an_error_naming_the_file() -> None:
    with pytest.raises(ListingError, match=r"hf_no_papers\.html: no papers found"):
        parse_listing(read_listing(FIXTURES / "hf_no_papers.html"))


def test_daily_page_cut_inside_its_paper_data_is_a_clear_error(tmp_path: Path) -> None:
    text = (DAILY / "hf-papers-daily_2026-07-02.html").read_text(encoding="utf-8")
    start = text.index('data-target="DailyPapers"')
    cut = text[: text.index("&quot;dailyPapers&quot;", start) + 40]
    path = tmp_path / "cut.html"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(ListingError, match="no papers found"):
        parse_listing(read_listing(path))


def test_truncated_arxiv_listing_imports_what_it_kept_and_warns(tmp_path: Path) -> None:
    text = (DAILY / "arxiv-list-new_cs.IT_2026-09-28.html").read_text(encoding="utf-8")
    path = tmp_path / "cut.html"
    path.write_text(text[: text.index("arXiv:2609.30825") + 20], encoding="utf-8")
    result = parse_listing(read_listing(path))
    assert [p.arxiv_id for p in result.papers] == ["2609.30653", "2609.30690"]
    assert any("cut off" in w.message for w in result.warnings)


def test_legacy_arxiv_layout_in_a_declared_windows_1252_charset() -> None:
    listing = read_listing(FIXTURES / "arxiv_legacy_new.html")
    result = parse_listing(listing)
    assert [p.shown["section"] for p in result.papers] == ["new", "cross", "replacement"]
    assert result.page_date == dt.date(2024, 7, 23)
    first, cross, replaced = result.papers
    assert first.title == "Soft Output for GRAND with $\\ell_1$ Costs"
    assert first.authors == ["Jiewei Feng", "Muriel Médard"]
    assert first.journal_ref == "IEEE Trans. Inf. Theory 70 (2024) 1-6"
    assert first.arxiv_comment == "6 pages, code at https://github.com/example/grand"
    assert (first.primary_class, first.subjects) == ("cs.IT", ["cs.IT", "eess.SP"])
    assert first.abstract == "We study soft output in Médard's framework for $n\\to\\infty$."
    assert cross.arxiv_id == "math/0601001"
    assert (cross.published, cross.published_precision) == (
        dt.date(2006, 1, 1),
        DatePrecision.MONTH,
    )
    assert replaced.abstract is None and replaced.shown["replaced"] is True


def test_arxiv_search_results_keep_the_full_abstract_not_the_short_one() -> None:
    result = parse_listing(read_listing(FIXTURES / "arxiv_search.html"))
    assert len(result.papers) == 1
    paper = result.papers[0]
    assert paper.arxiv_id == "2409.01234"
    assert paper.title == "Long-Context ASR at $10^6$ Tokens"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.abstract == (
        "We scale speech recognition to a million tokens of context with $\\mathcal{O}(n)$ memory."
    )
    assert (paper.primary_class, paper.subjects) == ("cs.CL", ["cs.CL", "cs.AI"])
    assert (paper.arxiv_comment, paper.journal_ref) == ("12 pages", "Proc. Interspeech 2025")
    assert (paper.published, paper.published_precision) == (
        dt.date(2024, 9, 1),
        DatePrecision.MONTH,
    )


def test_api_json_that_is_cut_off_is_an_error_with_its_line(tmp_path: Path) -> None:
    text = (DAILY / "hf-api-daily-papers_one-item.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ListingError, match=r"cut\.json, line \d+: the JSON is not valid"):
        parse_listing(read_listing(path))


def test_markdown_capture_cut_mid_entry_imports_the_complete_ones(tmp_path: Path) -> None:
    text = (DAILY / "hf-papers-search_firecrawl-markdown.md").read_text(encoding="utf-8")
    cut_at = text.index("### [Source or It Didn't Happen")
    path = tmp_path / "cut.md"
    path.write_text(text[: cut_at + 200], encoding="utf-8")
    result = parse_listing(read_listing(path))
    assert [p.arxiv_id for p in result.papers] == ["2606.00683", "2609.11115", "2502.20581"]
    assert len(result.warnings) == 1 and "Source or It Didn't Happen" in result.warnings[0].message
    assert result.warnings[0].line == text[:cut_at].count("\n") + 1


def test_a_file_that_is_not_a_listing_is_refused_by_name() -> None:
    with pytest.raises(ListingError, match=r"not_a_listing\.txt: this does not look like"):
        parse_listing(read_listing(FIXTURES / "not_a_listing.txt"))


def test_a_web_archive_without_an_html_part_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.mhtml"
    path.write_bytes(
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n--b--\r\n"
    )
    with pytest.raises(ListingError, match=r"empty\.mhtml: this web archive holds no HTML page"):
        read_listing(path)
