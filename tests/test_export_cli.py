"""Citation keys kept by the library, and `readinglist export` run as a subprocess."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from markdown_it import MarkdownIt

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.importers import parse_listing, read_listing
from tests.export_support import HF_TEXT_SAMPLES, html_text


def import_papers(library: Library, papers: list[ParsedPaper], list_name: str | None) -> None:
    result = ParseResult(format="test", papers=papers)
    library.import_result(
        result, file_name="t", file_path=None, sha256=str(len(papers)), list_name=list_name
    )


def zero(title: str = "ZeRO: Memory Optimizations Toward Training", line: int = 1) -> ParsedPaper:
    return ParsedPaper(
        title=title,
        line=line,
        authors=["Samyam Rajbhandari", "Jeff Rasley"],
        published=dt.date(2019, 10, 4),
        published_precision=DatePrecision.DAY,
    )


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "library.sqlite")
    yield lib  # type: ignore[misc]
    lib.close()


@pytest.fixture
def samples_library(tmp_path: Path) -> Path:
    path = tmp_path / "samples.sqlite"
    lib = Library.open(path)
    try:
        for sample in HF_TEXT_SAMPLES:
            listing = read_listing(sample)
            lib.import_result(
                parse_listing(listing),
                file_name=sample.name,
                file_path=str(sample),
                sha256=listing.sha256,
                list_name="Samples",
            )
        lib.rename_list("Samples", "Samples", description="Papers *from* the shared samples.")
    finally:
        lib.close()
    return path


# ----------------------------------------------------------------- keys in the library


def test_keys_are_issued_once_and_never_change(library: Library) -> None:
    import_papers(library, [zero()], None)
    (first_id,) = library.search_ids("")
    assert library.issue_citation_keys([first_id]) == {first_id: "rajbhandari2019zero"}
    assert library.get(first_id).citation_key == "rajbhandari2019zero"
    # A later paper that would collide gets the suffix; the first keeps its key.
    import_papers(library, [zero("ZeRO++: Extremely Efficient Collective Communication")], None)
    second_id = next(i for i in library.search_ids("") if i != first_id)
    keys = library.issue_citation_keys([second_id, first_id])
    assert keys == {second_id: "rajbhandari2019zeroa", first_id: "rajbhandari2019zero"}
    assert list(keys) == [second_id, first_id]
    assert library.issue_citation_keys([first_id, second_id]) == {
        first_id: "rajbhandari2019zero",
        second_id: "rajbhandari2019zeroa",
    }


def test_keys_are_unique_across_the_library_ignoring_case(library: Library) -> None:
    import_papers(library, [zero(), zero("ZeRO Again Please", 2)], None)
    first_id, second_id = library.search_ids("", limit=None)[:2]
    library.set_citation_key(first_id, "Rajbhandari2019Zero")
    keys = library.issue_citation_keys([second_id])
    assert keys[second_id] == "rajbhandari2019zeroa"


def test_set_citation_key_validates_and_refuses_duplicates(library: Library) -> None:
    import_papers(library, [zero(), zero("Another Title", 2)], None)
    first_id, second_id = library.search_ids("")[:2]
    library.set_citation_key(first_id, " mine2019 ")
    assert library.get(first_id).citation_key == "mine2019"
    with pytest.raises(UserError, match="already used by paper"):
        library.set_citation_key(second_id, "MINE2019")
    with pytest.raises(UserError, match="cannot contain"):
        library.set_citation_key(second_id, "bad,key")
    with pytest.raises(UserError, match="no paper with id"):
        library.set_citation_key(999, "fine")
    library.set_citation_key(first_id, "mine2019")  # its own key again is fine


def test_issue_keys_for_unknown_paper_is_a_user_error(library: Library) -> None:
    with pytest.raises(UserError):
        library.issue_citation_keys([12345])


# ----------------------------------------------------------------- the command line


def run_cli(
    library_path: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READINGLIST_LIBRARY": str(library_path), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "readinglist.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_export_bibtex_list_to_file(samples_library: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    done = run_cli(
        samples_library,
        "export",
        "--format",
        "bibtex",
        "--list",
        "samples",
        "-o",
        str(out),
        "--abstracts",
        "full",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    text = out.read_text(encoding="utf-8")
    keys = list(pybtex.database.parse_string(text, "bibtex").entries)
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    assert [e.key for e in parsed.entries] == keys
    lib = Library.open(samples_library)
    try:
        ids = lib.list_paper_ids("Samples")
        records = lib.get_many(ids)
    finally:
        lib.close()
    assert keys == [r.citation_key for r in records]  # the list's order, keys now stored
    assert "abstract = {" in text
    again = run_cli(samples_library, "export", "--format", "bibtex", "--list", "Samples")
    assert again.returncode == 0
    assert "abstract = {" not in again.stdout
    assert list(pybtex.database.parse_string(again.stdout, "bibtex").entries) == keys


def test_export_markdown_to_stdout(samples_library: Path) -> None:
    done = run_cli(
        samples_library,
        "export",
        "--format",
        "markdown",
        "--list",
        "Samples",
        "--abstracts",
        "details",
        "--group-by",
        "status",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Samples\n\nPapers \\*from\\* the shared samples.\n")
    assert "<details>" in done.stdout
    parsed = html_text(MarkdownIt("commonmark").render(done.stdout))
    assert parsed.tags.get("em", 0) == 0
    assert parsed.headings[:2] == ["Samples", "Unread"]


def test_export_query_and_whole_library(samples_library: Path) -> None:
    everything = run_cli(samples_library, "export", "--format", "bibtex")
    some = run_cli(samples_library, "export", "--format", "bibtex", "parallel")
    assert everything.returncode == 0 and some.returncode == 0, some.stderr
    count_all = everything.stdout.count("@misc{")
    count_some = some.stdout.count("@misc{")
    assert 0 < count_some < count_all


def test_export_errors_are_one_line(samples_library: Path, tmp_path: Path) -> None:
    missing = run_cli(samples_library, "export", "--format", "bibtex", "--list", "Nope")
    assert missing.returncode == 1
    assert missing.stderr == "readinglist: there is no reading list named 'Nope'\n"
    both = run_cli(samples_library, "export", "--format", "markdown", "--list", "Samples", "x")
    assert both.returncode == 1 and "not both" in both.stderr
    unwritable = run_cli(
        samples_library,
        "export",
        "--format",
        "markdown",
        "-o",
        str(tmp_path / "no" / "such" / "dir.md"),
    )
    assert unwritable.returncode == 1
    assert unwritable.stderr.startswith("readinglist: cannot write ")
    assert "Traceback" not in unwritable.stderr
