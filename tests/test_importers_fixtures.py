"""Variants and broken pages, on small fixtures written for this project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readinglist.core.entries import DatePrecision
from readinglist.core.errors import ListingError
from readinglist.importers import detect, listing_from_text, parse_listing, read_listing

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


# Every page kept in the tests, with the format it is read as (or None: not a listing).
DETECTED = {
    "arxiv_legacy_new.html": "arxiv-html",
    "arxiv_search.html": "arxiv-html",
    "hf_no_papers.html": "hf-html",
    "hf_props_not_json.html": "hf-html",
    "hf_search_base64.mhtml": "hf-html",
    "hf_search_cards.html": "hf-html",
    "hf_search_qp.mhtml": "hf-html",
    "not_a_listing.txt": None,
    "samples/hf-text/000_b1094c3f7ed4a1c2.txt": "hf-text",
    "samples/hf-text/001_2bb66f07fc8616df.txt": "hf-text",
    "samples/hf-text/002_4517cd0d84a387da.txt": "hf-text",
    "samples/pages/arxiv-list-new-text_cs.IR_2024-07-23_legacy.txt": "arxiv-text",
    "samples/pages/arxiv-list-new_cs.IT_2026-09-28.html": "arxiv-html",
    "samples/pages/arxiv-list-recent_cs.AI_2026-10.html": "arxiv-html",
    "samples/pages/hf-api-daily-papers_one-item.json": "hf-api-json",
    "samples/pages/hf-papers-daily_2026-07-02.html": "hf-html",
    "samples/pages/hf-papers-search_firecrawl-markdown.md": "hf-markdown",
    "samples/pages/hf-papers-search_notebook-export.txt": "hf-linked-text",
    "samples/pages/hf-papers-search_terminal-capture.txt": "hf-terminal",
}


def test_every_kept_page_is_detected_as_its_format() -> None:
    pages = {
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.rglob("*")
        if path.suffix in (".html", ".mhtml", ".txt", ".md", ".json") and path.name != "README.md"
    }
    assert pages == set(DETECTED)  # a new page joins this table
    for name, expected in DETECTED.items():
        listing = read_listing(FIXTURES / name)
        if expected is None:
            with pytest.raises(ListingError, match="does not look like a listing page"):
                detect(listing)
        else:
            assert detect(listing).name == expected, name


def test_a_text_copy_mentioning_links_in_its_first_20_kb_is_a_text_copy(tmp_path: Path) -> None:
    sample = (FIXTURES / "samples" / "hf-text" / "000_b1094c3f7ed4a1c2.txt").read_text()
    first = sample.index("Attention encoder-decoder")
    mention = (
        "Pages: https://huggingface.co/papers/2401.00001, [code](https://github.com/x/y) and "
        "arxiv.org/abs/2401.00001. "
    )
    path = tmp_path / "copy.txt"
    path.write_text(sample[:first] + mention + sample[first:], encoding="utf-8")
    listing = read_listing(path)
    assert detect(listing).name == "hf-text"
    result = parse_listing(listing)
    assert len(result.papers) == 164 and result.papers[0].abstract is not None
    assert result.papers[0].abstract.startswith("Pages: https://huggingface.co/papers/")
    # A Markdown copy with the same abstracts is still Markdown, not a text copy.
    markdown = FIXTURES / "samples" / "pages" / "hf-papers-search_firecrawl-markdown.md"
    assert detect(read_listing(markdown)).name == "hf-markdown"


def test_pasted_text_holding_a_nul_is_refused_with_its_line() -> None:
    with pytest.raises(ListingError, match=r"^pasted text, line 3: this line holds a NUL byte"):
        listing_from_text("new\r\nDaily Papers\r\nTitle\x00\n")


def test_pasted_text_larger_than_any_page_is_refused() -> None:
    with pytest.raises(
        ListingError, match=r"^pasted text: it is 65 MB; listing pages are under 64 MB$"
    ):
        listing_from_text("new\n" + "x" * (65 * 1024 * 1024))
