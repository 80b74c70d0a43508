"""Every real saved page imports with the count the samples' README gives and the fields a
person reads on the page (checked by hand against the files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.errors import ListingError
from readinglist.importers import detect, parse_listing, read_listing
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES

FORMATS = {
    "arxiv-list-new_cs.IT_2026-09-28.html": "arxiv-html",
    "arxiv-list-recent_cs.AI_2026-10.html": "arxiv-html",
    "arxiv-list-new-text_cs.IR_2024-07-23_legacy.txt": "arxiv-text",
    "hf-papers-search_firecrawl-markdown.md": "hf-markdown",
    "hf-papers-search_notebook-export.txt": "hf-linked-text",
    "hf-papers-search_terminal-capture.txt": "hf-terminal",
    "hf-papers-daily_2026-07-02.html": "hf-html",
    "hf-api-daily-papers_one-item.json": "hf-api-json",
}


def parse(name: str) -> ParseResult:
    path = PAGE_SAMPLES / name
    if not path.is_file():
        pytest.fail(f"the shared sample {name} is missing from {PAGE_SAMPLES}")
    return parse_listing(read_listing(path))


def by_id(result: ParseResult, arxiv_id: str) -> ParsedPaper:
    found = [p for p in result.papers if p.arxiv_id == arxiv_id]
    assert len(found) == 1, f"{arxiv_id} appears {len(found)} times"
    return found[0]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_sample_page_is_detected_as_its_format(name: str) -> None:
    assert detect(read_listing(PAGE_SAMPLES / name)).name == FORMATS[name]


@pytest.mark.parametrize("path", HF_TEXT_SAMPLES, ids=lambda p: p.name)
def test_plain_text_copies_still_go_to_the_text_importer(path: Path) -> None:
    assert detect(read_listing(path)).name == "hf-text"


def test_a_file_that_is_no_listing_gets_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.html"
    path.write_text("<html><body><p>My notes about <a href='/x'>a thing</a></p></body></html>")
    with pytest.raises(ListingError, match=r"notes\.html: this does not look like a listing"):
        detect(read_listing(path))


def test_hf_daily_page_reads_the_props_31_papers_with_ids_authors_and_counts() -> None:
    result = parse("hf-papers-daily_2026-07-02.html")
    assert len(result.papers) == 31
    assert all(p.arxiv_id and p.authors for p in result.papers)
    assert sum(1 for p in result.papers if p.organization) == 18
    assert sum(1 for p in result.papers if p.code_urls) == 17
    assert sum(p.upvotes or 0 for p in result.papers) == 258
    assert sum(p.comments or 0 for p in result.papers) == 33
    assert result.page_date == dt.date(2026, 7, 2)
    assert result.warnings == []

    first = by_id(result, "2606.28322")
    assert first.title == "PerceptionRubrics: Calibrating Multimodal Evaluation to Human Perception"
    assert first.authors is not None and len(first.authors) == 17
    assert first.authors[0] == "Yana Wei" and first.authors[-1] == "Vishal M. Patel"
    assert (first.published, first.published_precision) == (dt.date(2026, 6, 26), DatePrecision.DAY)
    assert (first.upvotes, first.comments) == (33, 2)
    assert (first.organization, first.organization_handle) == (
        "Johns Hopkins University",
        "JohnsHopkins",
    )
    assert first.code_urls == ["https://github.com/M1chaelPeng/PerceptionRubrics"]
    assert first.abstract is not None and first.abstract.startswith(
        "We introduce PerceptionRubrics"
    )
    assert first.ai_keywords is not None and "atomic auditing" in first.ai_keywords

    no_org = by_id(result, "2607.01071")
    assert no_org.title == "MemSyco-Bench: Benchmarking Sycophancy in Agent Memory"
    assert (no_org.upvotes, no_org.comments, no_org.organization) == (18, 1, None)
    assert no_org.authors is not None and len(no_org.authors) == 8


def test_hf_api_json_item_has_the_same_fields_as_the_props() -> None:
    result = parse("hf-api-daily-papers_one-item.json")
    assert len(result.papers) == 1
    paper = result.papers[0]
    assert paper.arxiv_id == "2602.23229"
    assert paper.title == "Large Multimodal Models as General In-Context Classifiers"
    assert paper.authors == [
        "Marco Garosi",
        "Matteo Farina",
        "Alessandro Conti",
        "Massimiliano Mancini",
        "Elisa Ricci",
    ]
    assert (paper.published, paper.published_precision) == (dt.date(2026, 2, 26), DatePrecision.DAY)
    assert (paper.upvotes, paper.comments) == (10, 1)
    assert paper.organization_handle == "MHUGLab"
    assert paper.organization == "Multimedia and Human Understanding Group"
    assert paper.code_urls == ["https://github.com/marco-garosi/CIRCLE"]
    assert paper.ai_summary is not None and paper.ai_summary.startswith("Large Multimodal Models")


def test_firecrawl_markdown_gives_120_papers_each_with_its_arxiv_id() -> None:
    result = parse("hf-papers-search_firecrawl-markdown.md")
    assert len(result.papers) == 120
    assert all(p.arxiv_id and p.abstract and p.published for p in result.papers)
    assert result.page_date == dt.date(2026, 10, 2)
    assert result.warnings == []

    first = result.papers[0]
    assert first.arxiv_id == "2606.00683"
    assert first.title == "OCC-RAG: Optimal Cognitive Core for Faithful Question Answering"
    assert (first.upvotes, first.comments) == (101, 6)
    assert (first.organization, first.organization_handle) == ("OCC", "occ-ai")
    # "May 29" on a page retrieved 2026-10-02 (the front matter says so).
    assert first.published == dt.date(2026, 5, 29)
    assert first.published_precision is DatePrecision.YEAR_INFERRED

    dashed = by_id(result, "2502.20581")
    assert dashed.title == (
        "The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past Research"
    )
    assert (dashed.upvotes, dashed.comments, dashed.authors_count) == (0, None, 3)
    assert (dashed.published, dashed.published_precision) == (
        dt.date(2025, 2, 27),
        DatePrecision.DAY,
    )
    assert dashed.abstract is not None and "\\" not in dashed.abstract  # line breaks undone

    tex = by_id(result, "2407.12861")
    assert tex.abstract is not None and "35.3\\%" in tex.abstract  # TeX kept verbatim
    assert by_id(result, "2402.03003").title.startswith("[Citation needed] Data usage")


def test_notebook_export_gives_107_papers_from_bare_url_lines() -> None:
    result = parse("hf-papers-search_notebook-export.txt")
    assert len(result.papers) == 107
    assert all(p.arxiv_id and p.abstract and p.published for p in result.papers)
    assert result.page_date == dt.date(2026, 3, 25)

    first = result.papers[0]
    assert first.arxiv_id == "2410.05434"
    assert (
        first.title == "Better than Your Teacher: LLM Agents that learn from Privileged AI Feedback"
    )
    assert (first.upvotes, first.authors_count, first.published) == (1, 2, dt.date(2024, 10, 7))

    arctic = by_id(result, "2409.02326")
    assert arctic.title == "Arctic-SnowCoder: Demystifying High-Quality Data in Code Pretraining"
    assert (arctic.upvotes, arctic.comments, arctic.authors_count) == (19, 2, 3)
    assert arctic.published == dt.date(2024, 9, 3)

    kyutai = by_id(result, "2510.20535")
    assert (kyutai.organization, kyutai.organization_handle) == ("Kyutai", "kyutai")
    assert (kyutai.upvotes, kyutai.comments, kyutai.published) == (8, 1, dt.date(2025, 10, 23))
    assert by_id(result, "2306.14898").upvotes == 0  # "[-] -"


def test_terminal_capture_imports_complete_entries_and_reports_the_cut_one() -> None:
    result = parse("hf-papers-search_terminal-capture.txt")
    # The README counts 36 lines starting with "###": two titles wrap onto a second "###"
    # line, so the capture shows 34 entries; the 34th is cut mid-abstract.
    assert len(result.papers) == 33
    assert [w.line for w in result.warnings] == [939]
    assert "Reducing Distraction in Long-Context Language Models" in result.warnings[0].message
    assert result.page_date == dt.date(2026, 6, 29)
    assert all(p.arxiv_id is None for p in result.papers)  # the reference list was not captured

    first = result.papers[0]
    assert first.title == "MURMUR: An Efficient Inference System for Long-Form ASR"
    assert (first.upvotes, first.authors_count, first.comments) == (0, 3, None)
    assert first.published == dt.date(2026, 5, 30)
    assert first.code_urls == ["https://github.com/uw-syfi/Murmur"]

    gemini = result.papers[1]
    assert gemini.title.startswith("Gemini 1.5: Unlocking multimodal understanding")
    assert (gemini.upvotes, gemini.authors_count, gemini.comments) == (65, 671, 6)
    assert (gemini.published, gemini.published_precision) == (
        dt.date(2024, 3, 8),
        DatePrecision.DAY,
    )

    wrapped = [p for p in result.papers if p.title.startswith("KV Cache Compression")]
    assert wrapped[0].title.endswith("Long Context Capable Approaches")
    idiap = result.papers[-1]
    assert (idiap.organization, idiap.organization_handle) == ("Idiap Research Institute", "Idiap")
    assert idiap.comments == 2


def test_arxiv_new_listing_has_three_sections_with_abstracts() -> None:
    result = parse("arxiv-list-new_cs.IT_2026-09-28.html")
    assert len(result.papers) == 31
    sections = [p.shown["section"] for p in result.papers]
    assert sections == ["new"] * 10 + ["cross"] * 6 + ["replacement"] * 15
    assert all(p.abstract for p in result.papers)
    assert result.page_date == dt.date(2026, 9, 28)

    first = by_id(result, "2609.30653")
    assert first.title == (
        "Fully 3GPP-Compatible Long-Range Sensing for LEO-ISAC: A Window-Grid Processing Framework"
    )
    assert first.authors == ["Yi Geng", "Xun Fan", "Chenfeng Xu", "Yu Zhao"]
    assert first.arxiv_comment == "Submitted for publication"
    assert (first.primary_class, first.subjects) == ("cs.IT", ["cs.IT"])
    # The listing's date is the announcement; the paper's month comes from its id.
    assert (first.published, first.published_precision) == (
        dt.date(2026, 9, 1),
        DatePrecision.MONTH,
    )

    cross = by_id(result, "2609.30338")
    assert (cross.primary_class, cross.subjects) == ("math.ST", ["math.ST", "cs.IT"])
    assert cross.shown["cross_list_from"] == "math.ST"
    assert cross.abstract is not None and "$p/n$ fixed" in cross.abstract

    assert by_id(result, "2609.30689").title == 'Comment on "Symmetric Pseudo-Random Matrices"'
    replaced = by_id(result, "2503.16677")
    assert replaced.authors == ["Jiewei Feng", "Ken R. Duffy", "Muriel Médard"]
    assert replaced.published == dt.date(2025, 3, 1)


def test_arxiv_recent_listing_gives_50_papers_without_abstracts() -> None:
    result = parse("arxiv-list-recent_cs.AI_2026-10.html")
    assert len(result.papers) == 50
    assert all(p.abstract is None and p.authors for p in result.papers)
    assert result.page_date == dt.date(2026, 10, 7)
    sherpa = result.papers[0]
    assert (sherpa.arxiv_id, sherpa.title) == (
        "2610.08778",
        "Sherpa: Teaching LLMs to Teach Adaptively",
    )
    assert sherpa.authors == [
        "Weixian Xu",
        "Yanzhe Zhang",
        "Zora Zhiruo Wang",
        "Changyu Chen",
        "Diyi Yang",
    ]
    assert sherpa.subjects == ["cs.AI", "cs.CL"]
    # arXiv shows "this https URL"; the comment keeps the address the link points to.
    assert sherpa.arxiv_comment == (
        "32 pages, 6 figures. Code and model are available at https://github.com/SALT-NLP/Sherpa"
    )
    assert sherpa.code_urls == ["https://github.com/SALT-NLP/Sherpa"]


def test_legacy_arxiv_text_copy_gives_its_two_entries_and_says_it_is_an_excerpt() -> None:
    result = parse("arxiv-list-new-text_cs.IR_2024-07-23_legacy.txt")
    assert [p.arxiv_id for p in result.papers] == ["2407.14741", "2407.14743"]
    assert result.page_date == dt.date(2024, 7, 23)
    first, second = result.papers
    assert first.title == (
        "Orthogonal Hyper-category Guided Multi-interest Elicitation for Micro-video Matching"
    )
    assert first.authors is None  # no Authors line survived the copy
    assert first.arxiv_comment == "6 pages, accepted by ICME 2024"
    assert (first.primary_class, first.subjects) == ("cs.IR", ["cs.IR", "cs.AI"])
    assert first.abstract is not None and first.abstract.startswith("Watching micro-videos")
    assert first.shown["section"] == "new"
    assert second.title == "Denoising Long- and Short-term Interests for Sequential Recommendation"
    assert second.abstract is None
    messages = " ".join(w.message for w in result.warnings)
    assert "28 entries" in messages and "cut" in messages
