"""The Hugging Face text-copy importer, on hand-written fixtures and on the real samples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readinglist.core.entries import DatePrecision
from readinglist.core.errors import ListingError
from readinglist.importers import ParseOptions, detect, parse_listing, read_listing
from readinglist.importers.hf_text import HF_TEXT
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import HEADER, write_listing

ENTRY_AUTHORS = (
    "Boosting Training with C4: A Communication-Driven Approach\n\n"
    "We cut error-induced overhead by roughly 30\\% using $\\alpha$-scheduling in {\\name}. "
    "Code: https://github.com/example/c4.\n\n"
    "  • 25 authors\n·\nJun 6, 2024\n\n"
)
ENTRY_ORG = (
    "Parallel-R1: Towards Parallel Thinking\n\n"
    "Our model is open-source at https://github.com/zhengkid/Parallel-R1.\n\n"
    "tencent Tencent\n·\nSep 9 3\n\n"
)
ENTRY_BARE = "A Paper With No Metadata Block\n\nJust an abstract, nothing after it.\n\n"


def parse_text(
    tmp_path: Path,
    body: str,
    *,
    year: int | None = None,
    mtime: dt.datetime | None = None,
    name: str = "page.txt",
):  # type: ignore[no-untyped-def]
    path = write_listing(tmp_path / name, body, mtime=mtime or dt.datetime(2025, 10, 20, 12))
    return parse_listing(read_listing(path), ParseOptions(year=year))


def test_metadata_variants(tmp_path: Path) -> None:
    result = parse_text(tmp_path, HEADER + "Oct 9\n\n" + ENTRY_AUTHORS + ENTRY_ORG + ENTRY_BARE)
    assert result.format == "hf-text"
    assert result.page_date == dt.date(2025, 10, 9)
    first, second, third = result.papers
    assert first.title == "Boosting Training with C4: A Communication-Driven Approach"
    assert first.authors_count == 25 and first.authors is None
    assert first.published == dt.date(2024, 6, 6)
    assert first.published_precision is DatePrecision.DAY
    assert first.comments is None and first.upvotes is None
    # TeX stays verbatim; the link loses its trailing full stop.
    assert "30\\% using $\\alpha$-scheduling in {\\name}" in (first.abstract or "")
    assert first.code_urls == ["https://github.com/example/c4"]
    assert second.organization == "Tencent" and second.organization_handle == "tencent"
    assert second.authors_count is None
    assert second.published == dt.date(2025, 9, 9)
    assert second.published_precision is DatePrecision.YEAR_INFERRED
    assert second.comments == 3
    assert third.title == "A Paper With No Metadata Block"
    assert third.published is None and third.published_precision is DatePrecision.UNKNOWN
    assert third.authors_count is None and third.organization is None
    assert [p.line for p in result.papers] == [13, 21, 29]


def test_yearless_date_after_the_page_date_goes_to_the_previous_year(tmp_path: Path) -> None:
    body = HEADER + "Jan 5\n\nA Title\n\nAn abstract.\n\n  • 3 authors\n·\nDec 30 2\n"
    result = parse_text(tmp_path, body, year=2025)
    assert result.page_date == dt.date(2025, 1, 5)
    assert result.papers[0].published == dt.date(2024, 12, 30)
    assert result.papers[0].comments == 2
    assert any("2025 (given with --year)" in note for note in result.assumptions)
    assert any("went to 2024" in note for note in result.assumptions)


def test_year_comes_from_the_file_modification_time(tmp_path: Path) -> None:
    body = HEADER + "Mar 3\n\nA Title\n\nAn abstract.\n\n  • 3 authors\n·\nFeb 1\n"
    result = parse_text(tmp_path, body, mtime=dt.datetime(2023, 4, 1, 9))
    assert result.page_date == dt.date(2023, 3, 3)
    assert result.papers[0].published == dt.date(2023, 2, 1)
    assert "modification time" in result.assumptions[0]


def test_full_date_with_comment_count(tmp_path: Path) -> None:
    body = HEADER + "Nov 19\n\nA Title\n\nAn abstract.\n\n  • 1 authors\n·\nSep 20, 2024 2\n"
    paper = parse_text(tmp_path, body).papers[0]
    assert (paper.published, paper.comments, paper.authors_count) == (dt.date(2024, 9, 20), 2, 1)


def test_tolerates_crlf_bom_trailing_spaces_no_final_newline_and_wrapped_abstracts(
    tmp_path: Path,
) -> None:
    body = (
        HEADER + "Oct 9\n\nA Title   \n\nFirst half of the abstract\nsecond half.  \n\n"
        "  • 4 authors  \n·\nOct 1, 2024 5"
    )
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode())
    paper = parse_listing(read_listing(path)).papers[0]
    assert paper.title == "A Title"
    assert paper.abstract == "First half of the abstract second half."
    assert (paper.authors_count, paper.comments) == (4, 5)


def test_entries_without_blank_line_after_title_and_multi_paragraph_abstracts(
    tmp_path: Path,
) -> None:
    long_paragraph = "word " * 120
    body = (
        HEADER
        + "Oct 9\n\nTitle One\n\n"
        + long_paragraph
        + "\n\n"
        + long_paragraph
        + "\n\n  • 2 authors\n·\nOct 1, 2024\n\nTitle Two\n\nShort abstract.\n"
    )
    result = parse_text(tmp_path, body)
    assert [p.title for p in result.papers] == ["Title One", "Title Two"]
    assert (result.papers[0].abstract or "").count("\n\n") == 1


def test_truncated_last_entry_is_reported_not_stored(tmp_path: Path) -> None:
    body = HEADER + "Oct 9\n\n" + ENTRY_AUTHORS + "A Title Whose Abstract Was Cut\n"
    result = parse_text(tmp_path, body)
    assert len(result.papers) == 1
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert warning.line == 21 and "cut off" in warning.message


def test_truncated_metadata_block_is_reported_not_stored(tmp_path: Path) -> None:
    body = HEADER + "Oct 9\n\n" + ENTRY_AUTHORS + "Last Title\n\nIts abstract.\n\n  • 3 authors\n·"
    result = parse_text(tmp_path, body)
    assert [p.title for p in result.papers] == [ENTRY_AUTHORS.split("\n")[0]]
    assert "cut off inside its metadata" in result.warnings[0].message


def test_impossible_date_is_stored_as_unknown_with_a_warning(tmp_path: Path) -> None:
    body = HEADER + "Oct 9\n\nA Title\n\nAbstract.\n\n  • 3 authors\n·\nFeb 30, 2024\n"
    result = parse_text(tmp_path, body)
    assert result.papers[0].published is None
    assert "not a real date" in result.warnings[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Titel\n\nAbstrakt über Straße\n".encode("latin-1"), "not UTF-8"),
        (b"just one line of text that is not a listing", "does not look like a listing"),
    ],
)
def test_bad_files_get_one_clear_sentence_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    with pytest.raises(ListingError) as caught:
        parse_listing(read_listing(path))
    text = str(caught.value)
    assert text.startswith("broken.txt")
    assert message in text
    assert "\n" not in text


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes((HEADER + "Oct 9\n\nCafé\n").encode("latin-1"))
    with pytest.raises(ListingError, match=r"latin.txt, line 13: the text is not UTF-8"):
        read_listing(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ListingError, match="no such file"):
        read_listing(tmp_path / "nope.txt")
    with pytest.raises(ListingError, match="folder"):
        read_listing(tmp_path)


# Ground truth from tests/fixtures/samples/README.md: papers, with metadata, dated without a
# year, with a comment count, comments in all, organizations.
GROUND_TRUTH = {
    "000_b1094c3f7ed4a1c2.txt": (164, 0, 0, 0, 0, []),
    "001_2bb66f07fc8616df.txt": (98, 95, 33, 25, 69, ["tencent"]),
    "002_4517cd0d84a387da.txt": (72, 70, 13, 12, 29, []),
}


@pytest.mark.parametrize("path", HF_TEXT_SAMPLES, ids=lambda p: p.name)
def test_real_samples_match_their_ground_truth(path: Path) -> None:
    listing = read_listing(path)
    assert detect(listing) is HF_TEXT
    result = parse_listing(listing, ParseOptions(year=2025))
    papers = result.papers
    expected = GROUND_TRUTH[path.name]
    observed = (
        len(papers),
        sum(1 for p in papers if "metadata" in p.shown),
        sum(1 for p in papers if p.published_precision is DatePrecision.YEAR_INFERRED),
        sum(1 for p in papers if p.comments),
        sum(p.comments or 0 for p in papers),
        [p.organization_handle for p in papers if p.organization],
    )
    assert observed == expected
    assert result.warnings == []
    assert all(p.title and p.abstract for p in papers)
    assert all(p.arxiv_id is None and p.authors is None for p in papers)  # a text copy says neither


def test_sample_fields_checked_by_hand() -> None:
    path = next(p for p in HF_TEXT_SAMPLES if p.name.startswith("001_"))
    result = parse_listing(read_listing(path), ParseOptions(year=2025))
    by_title = {p.title: p for p in result.papers}
    c4 = by_title[
        "Boosting Large-scale Parallel Training Efficiency with C4: A Communication-Driven Approach"
    ]
    assert (c4.authors_count, c4.published, c4.comments) == (25, dt.date(2024, 6, 6), None)
    assert c4.abstract is not None and c4.abstract.startswith("The emergence of Large Language")
    r1 = next(p for p in result.papers if p.organization_handle == "tencent")
    assert r1.organization == "Tencent"
    assert r1.published == dt.date(2025, 9, 9) and r1.comments == 3
    assert "https://github.com/zhengkid/Parallel-R1" in r1.code_urls
    assert result.page_date == dt.date(2025, 10, 9)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(
        ListingError, match=r"huge.html: the file is 65 MB; listing pages are under 64 MB"
    ):
        read_listing(path)
