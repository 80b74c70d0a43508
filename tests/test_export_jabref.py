"""JabRef opens our BibTeX without a complaint (run when JabRef is installed: `apt-get install
jabref`; its command line loads the file and logs WARN for every entry it cannot parse)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_export_latex import records_bibliography

JABREF = shutil.which("jabref")
pytestmark = pytest.mark.skipif(JABREF is None, reason="JabRef is not installed")


def open_in_jabref(bib: Path, home: Path) -> tuple[str, str]:
    """JabRef's log and its BibTeXML export of every entry it read."""
    out = bib.with_suffix(".xml")
    done = subprocess.run(
        [str(JABREF), "-n", str(bib), "-o", f"{out},bibtexml"],
        capture_output=True, text=True, timeout=300, check=False,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    exported = out.read_text(encoding="utf-8") if out.exists() else ""
    return done.stdout + done.stderr, exported


def test_jabref_reads_every_entry_without_a_warning(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    text = records_bibliography(tmp_path)
    bib.write_text(text, encoding="utf-8")
    log, xml = open_in_jabref(bib, tmp_path)
    assert "WARN" not in log and "ERROR" not in log, log
    assert xml.count("<entry id=") == text.count("\n@misc{") + text.startswith("@misc{")


def test_the_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{a,\n  title = {Unbalanced {brace,\n  year = {2024}\n}\n")
    log, _xml = open_in_jabref(broken, tmp_path)
    assert "WARN" in log
