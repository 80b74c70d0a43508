"""A real LaTeX build: a document citing every exported entry compiles without a single warning,
with classic bibtex (plain.bst, 8-bit) and with biber (biblatex). Skipped without a TeX install."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.core.citekeys import make_citation_key
from readinglist.core.entries import DatePrecision
from readinglist.core.library import Library
from readinglist.core.records import PaperRecord
from readinglist.exporters.bibtex import export_bibtex
from readinglist.importers import parse_listing, read_listing
from tests.export_support import HF_TEXT_SAMPLES, record, sample_records

needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
    reason="pdflatex and bibtex are not installed",
)
_LATEX_PROBLEM = re.compile(r"^!|Warning:|Missing character", re.MULTILINE)


def hard_cases() -> list[PaperRecord]:
    """What breaks BibTeX exports in the wild, on top of the shared samples."""
    return [
        record(
            9001,
            r"50% of $5 & #1 items_x {braces} ~tilde ^caret \back <lt> >gt |bar `tick -- x",
            authors=["Jürgen Schmidhuber", "Łukasz Kaiser", "Ludwig van Beethoven"],
            authors_count=3,
            abstract="Unbalanced } brace, { another, a lone $ and 100% of {it}.",
            notes="Read {twice} $ & %",
            url="https://example.org/a_b/c%20d#frag",
            published=dt.date(2024, 6, 6),
            published_precision=DatePrecision.MONTH,
        ),
        record(
            9002,
            "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training",
            authors=["Nathan Lambert", "Zoë D'Arcy"],
            authors_count=5,
        ),
        record(9003, "PanGu-$α$ and S$^{2}$FT with $\\mathcal{O}(n)$ Attention: Straße – Über"),
        record(
            9004,
            "PixArt-Σ: Weak-to-Strong Training of Diffusion Transformer",
            arxiv_id="2403.04692",
            primary_class="cs.CV",
            published=dt.date(2024, 3, 7),
            published_precision=DatePrecision.DAY,
            authors=["Junsong Chen", "Chongjian Ge"],
        ),
        record(
            9005,
            "An Old-Style Id",
            arxiv_id="hep-th/9901001",
            authors=["A. N. Author"],
            published=dt.date(1999, 1, 1),
            published_precision=DatePrecision.YEAR,
        ),
    ]


def records_bibliography(tmp_path: Path) -> str:
    """The samples as the importer read them, plus the hard cases, through export_bibtex."""
    papers = sample_records() + hard_cases()
    taken: set[str] = set()
    keys: dict[int, str] = {}
    for paper in papers:
        keys[paper.id] = make_citation_key(paper, taken)
        taken.add(keys[paper.id].lower())
    return export_bibtex(papers, keys=keys, include_abstracts=True, include_notes=True)


def cli_bibliography(tmp_path: Path) -> str:
    """What the issue's "done when" runs: `readinglist export --format bibtex --list NAME`."""
    library_path = tmp_path / "library.sqlite"
    library = Library.open(library_path)
    try:
        for sample in HF_TEXT_SAMPLES:
            listing = read_listing(sample)
            library.import_result(
                parse_listing(listing),
                file_name=sample.name,
                file_path=str(sample),
                sha256=listing.sha256,
                list_name="Samples",
            )
    finally:
        library.close()
    out = tmp_path / "refs.bib"
    done = subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "--library", str(library_path), "export",
         "--format", "bibtex", "--list", "Samples", "--abstracts", "full", "-o", str(out)],
        capture_output=True, text=True, env={**os.environ}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


SOURCES = {"records": records_bibliography, "cli": cli_bibliography}


def write_bibliography(tmp_path: Path, source: str) -> list[str]:
    text = SOURCES[source](tmp_path)
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    return re.findall(r"^@misc\{([^,]+),$", text, re.MULTILINE)


def document(keys: list[str], biblatex: bool) -> str:
    cites = "\n".join(f"\\cite{{{key}}}" for key in keys)
    preamble = (
        "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n" if biblatex else ""
    )
    end = (
        "\\printbibliography\n"
        if biblatex
        else "\\bibliographystyle{plain}\n\\bibliography{refs}\n"
    )
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        f"\\usepackage{{url}}\n{preamble}\\begin{{document}}\n{cites}\n{end}\\end{{document}}\n"
    )


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=600
    )


def latex(cwd: Path) -> str:
    done = run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd)
    log = (cwd / "doc.log").read_text(encoding="latin-1")
    assert done.returncode == 0, log[-3000:]
    return log


def assert_clean_latex_log(log: str) -> None:
    problems = [line for line in log.splitlines() if _LATEX_PROBLEM.search(line)]
    assert problems == []


@needs_tex
@pytest.mark.parametrize("source", SOURCES)
def test_bibtex_build_has_no_warning(tmp_path: Path, source: str) -> None:
    keys = write_bibliography(tmp_path, source)
    assert len(keys) > 300
    (tmp_path / "doc.tex").write_text(document(keys, biblatex=False), encoding="utf-8")
    latex(tmp_path)
    done = run(["bibtex", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="latin-1")
    assert done.returncode == 0, blg
    assert "Warning--" not in blg and "error message" not in blg, blg
    latex(tmp_path)
    log = latex(tmp_path)
    assert_clean_latex_log(log)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="latin-1")
    assert bbl.count("\\bibitem{") == len(keys)
    assert bbl.isascii()  # 8-bit bibtex saw only ASCII: accents went as {\"U}
    assert "{ZeRO}" in bbl  # the capitals survived plain.bst's lower-casing


@needs_tex
@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
@pytest.mark.parametrize("source", SOURCES)
def test_biber_build_has_no_warning(tmp_path: Path, source: str) -> None:
    if run(["kpsewhich", "biblatex.sty"], tmp_path).returncode != 0:
        pytest.skip("biblatex is not installed")
    keys = write_bibliography(tmp_path, source)
    (tmp_path / "doc.tex").write_text(document(keys, biblatex=True), encoding="utf-8")
    latex(tmp_path)
    done = run(["biber", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, blg
    assert not re.search(r"\b(WARN|ERROR)\b", blg), blg
    latex(tmp_path)
    log = latex(tmp_path)
    assert_clean_latex_log(log)
