"""`readinglist complete` over the shared samples against a local server, and what the completed
papers export to: BibTeX with ids and authors that bibtex, biber and JabRef read without a
warning. The command runs in this process, so the network guard of conftest.py watches it."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.cli import main
from readinglist.core.library import Library
from tests.completion_server import Fault, Services, generated_papers, serve
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file
from tests.test_export_latex import assert_clean_latex_log, document, latex, needs_tex, run


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    with serve(Services()) as running:
        monkeypatch.setenv("READINGLIST_HF_API", running.hf_url)
        monkeypatch.setenv("READINGLIST_ARXIV_API", running.arxiv_url)
        # The 3 s arXiv spacing is tested with a clock of its own (test_completion.py).
        monkeypatch.setenv("READINGLIST_ARXIV_SPACING", "0")
        monkeypatch.setenv("READINGLIST_HF_SPACING", "0")
        yield running


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three hf-text samples, imported once (copied by each test that changes them)."""
    path = tmp_path_factory.mktemp("samples") / "library.sqlite"
    library = Library(path)
    try:
        for sample in HF_TEXT_SAMPLES:
            import_file(library, sample, year=2025)
    finally:
        library.close()
    return path


def copy_library(imported: Path, tmp_path: Path) -> Path:
    target = tmp_path / "library.sqlite"
    shutil.copy(imported, target)
    return target


def answer_for_every_paper(library_path: Path, services: Services) -> int:
    library = Library(library_path)
    try:
        records = library.get_many(sorted(library.search_ids("", None)), relations=False)
    finally:
        library.close()
    services.add(
        *generated_papers(
            [(r.title, r.authors_count, r.published, str(r.published_precision)) for r in records]
        )
    )
    return len(records)


def test_completing_the_samples_gives_ids_authors_and_dates_to_every_paper(
    imported: Path, tmp_path: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy_library(imported, tmp_path)
    total = answer_for_every_paper(path, services)
    assert total == 311
    assert main(["--library", str(path), "complete", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "would complete 311 of 311 papers" in err
    assert out.count("would fill arXiv id") == 311
    library = Library(path)
    assert library.search_ids("has:arxiv") == []  # a dry run stores nothing
    library.close()

    before = len(services.seen)
    assert main(["--library", str(path), "complete"]) == 0
    out, err = capsys.readouterr()
    assert "completed 311 of 311 papers" in err, err
    # Four requests to arXiv for 311 papers: with its 3 s spacing, seconds rather than minutes.
    arxiv = [s for s in services.seen[before:] if s.path == "/api/query"]
    assert [s.query["id_list"].count(",") + 1 for s in arxiv] == [
        100,
        100,
        100,
        11,
    ]
    library = Library(path)
    try:
        assert len(library.search_ids("has:arxiv has:authors has:date")) == 311
        assert library.search_ids("-has:arxiv") == []
    finally:
        library.close()
    # Again: nothing is incomplete any more, so nothing is asked.
    asked = len(services.seen)
    assert main(["--library", str(path), "complete"]) == 0
    assert "nothing to complete" in capsys.readouterr().err
    assert len(services.seen) == asked


def test_json_reports_each_outcome(
    tmp_path: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "library.sqlite"
    library = Library(path)
    import_file(library, HF_TEXT_SAMPLES[2], year=2025)
    first = library.get(sorted(library.search_ids("", None))[0])
    library.close()
    answer_for_every_paper(path, services)
    assert main(["--library", str(path), "complete", f'title:"{first.title}"', "--json"]) == 0
    [outcome] = json.loads(capsys.readouterr().out)
    assert outcome["id"] == first.id and outcome["outcome"] == "complete"
    assert outcome["applied"] is True
    fields = {c["field"]: c for c in outcome["changes"]}
    assert fields["arxiv_id"]["source"] == "huggingface"
    assert fields["authors"]["source"] == "arxiv"
    assert main(["--library", str(path), "show", str(first.id)]) == 0
    shown = capsys.readouterr().out
    assert re.search(r"^authors: from arXiv \(\d{4}\.\d{5}\), \d{4}-\d\d-\d\d", shown, re.M)


def test_no_network_is_one_sentence_and_changes_nothing(
    tmp_path: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "library.sqlite"
    library = Library(path)
    import_file(library, HF_TEXT_SAMPLES[2], year=2025)
    library.close()
    answer_for_every_paper(path, services)
    busy = Fault(status=503, headers={"Retry-After": "0"})
    services.fault("/api/query", *[busy for _ in range(4)])
    assert main(["--library", str(path), "complete"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("readinglist: could not reach 127.0.0.1: HTTP 503"), err
    assert err.rstrip().endswith("; nothing changed")
    assert err.count("\n") == 1
    library = Library(path)
    assert library.search_ids("has:arxiv") == []
    library.close()


def test_the_network_setting_forbids_it(
    tmp_path: Path,
    services: Services,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "library.sqlite"
    library = Library(path)
    import_file(library, HF_TEXT_SAMPLES[2], year=2025)
    library.close()
    monkeypatch.setenv("READINGLIST_NETWORK", "off")
    assert main(["--library", str(path), "complete"]) == 1
    assert "the network is turned off" in capsys.readouterr().err
    assert services.seen == []


# ----------------------------------------------------------------- the completed BibTeX
@pytest.fixture(scope="module")
def completed_bibtex(imported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("completed")
    path = copy_library(imported, folder)
    with pytest.MonkeyPatch.context() as patch, serve(Services()) as services:
        patch.setenv("READINGLIST_HF_API", services.hf_url)
        patch.setenv("READINGLIST_ARXIV_API", services.arxiv_url)
        patch.setenv("READINGLIST_ARXIV_SPACING", "0")
        patch.setenv("READINGLIST_HF_SPACING", "0")
        answer_for_every_paper(path, services)
        assert main(["--library", str(path), "complete"]) == 0
    bib = folder / "refs.bib"
    assert main(["--library", str(path), "export", "--format", "bibtex", "-o", str(bib)]) == 0
    return bib


def _keys(bib: Path) -> list[str]:
    return re.findall(r"^@misc\{([^,]+),$", bib.read_text(encoding="utf-8"), re.MULTILINE)


def test_completed_papers_export_with_eprint_authors_year_and_doi(completed_bibtex: Path) -> None:
    text = completed_bibtex.read_text(encoding="utf-8")
    entries = text.split("\n\n")
    assert len(entries) == 311
    for entry in entries:
        assert re.search(r"^  eprint = \{\d{4}\.\d{5}\},$", entry, re.M), entry
        assert "  archivePrefix = {arXiv}," in entry
        assert re.search(r"^  primaryClass = \{[a-z]+\.[A-Za-z]+\},$", entry, re.M), entry
        assert re.search(r"^  author = \{", entry, re.M), entry
        assert re.search(r"^  year = \{\d{4}\},$", entry, re.M), entry
        assert "  key = {" not in entry  # authors known: no sort key stand-in
    assert 50 < text.count("  doi = {10.48550/arXiv.") < 200


@needs_tex
def test_completed_bibtex_compiles_with_bibtex_without_a_warning(
    completed_bibtex: Path, tmp_path: Path
) -> None:
    shutil.copy(completed_bibtex, tmp_path / "refs.bib")
    keys = _keys(completed_bibtex)
    (tmp_path / "doc.tex").write_text(document(keys, biblatex=False), encoding="utf-8")
    latex(tmp_path)
    done = run(["bibtex", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="latin-1")
    assert done.returncode == 0, blg
    assert "Warning--" not in blg and "error message" not in blg, blg
    latex(tmp_path)
    assert_clean_latex_log(latex(tmp_path))
    assert (tmp_path / "doc.bbl").read_text(encoding="latin-1").count("\\bibitem{") == 311


@needs_tex
@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
def test_completed_bibtex_compiles_with_biber_without_a_warning(
    completed_bibtex: Path, tmp_path: Path
) -> None:
    if run(["kpsewhich", "biblatex.sty"], tmp_path).returncode != 0:
        pytest.skip("biblatex is not installed")
    shutil.copy(completed_bibtex, tmp_path / "refs.bib")
    (tmp_path / "doc.tex").write_text(
        document(_keys(completed_bibtex), biblatex=True), encoding="utf-8"
    )
    latex(tmp_path)
    done = run(["biber", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, blg
    assert not re.search(r"\b(WARN|ERROR)\b", blg), blg
    latex(tmp_path)
    assert_clean_latex_log(latex(tmp_path))


@pytest.mark.skipif(shutil.which("jabref") is None, reason="JabRef is not installed")
def test_completed_bibtex_opens_in_jabref_without_a_warning(
    completed_bibtex: Path, tmp_path: Path
) -> None:
    from tests.test_export_jabref import open_in_jabref

    bib = tmp_path / "refs.bib"
    shutil.copy(completed_bibtex, bib)
    log, xml = open_in_jabref(bib, tmp_path)
    assert "WARN" not in log and "ERROR" not in log, log
    assert xml.count("<entry id=") == 311


def test_a_failure_mid_run_keeps_the_papers_completed_before_it(
    imported: Path, tmp_path: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy_library(imported, tmp_path)
    answer_for_every_paper(path, services)
    busy = Fault(status=503, headers={"Retry-After": "0"})
    services.fault("/api/query", Fault(), *[busy for _ in range(4)])  # the second batch fails
    assert main(["--library", str(path), "complete"]) == 1
    out, err = capsys.readouterr()
    assert err == (
        "readinglist: could not reach 127.0.0.1: HTTP 503 for /api/query; "
        "the 100 papers completed before were kept\n"
    )
    assert out.count(": filled arXiv id") == 100
    library = Library(path)
    try:
        assert len(library.search_ids("has:arxiv")) == 100
    finally:
        library.close()
