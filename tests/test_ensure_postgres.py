"""scripts/ensure-postgres.sh, which `make`'s setup runs: PostgreSQL's server programs for the
tests' private server. Found: silent. Missing and not installable: one line, and success (the
PostgreSQL tests then skip)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-postgres.sh"


def run_script(tmp_path: Path, programs: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the script with a PATH holding only `id` and stand-ins for `programs`."""
    path = tmp_path / "bin"
    path.mkdir()
    os.symlink(shutil.which("id") or "/usr/bin/id", path / "id")
    for name in programs:
        (path / name).write_text("#!/bin/sh\n")
        (path / name).chmod(0o755)
    environment = {
        "PATH": str(path),
        "READINGLIST_APT": "0",
        "READINGLIST_PG_LIBDIR": str(tmp_path / "nothing-here"),
    }
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60
    )


def test_the_server_programs_in_path_are_enough(tmp_path: Path) -> None:
    result = run_script(tmp_path, ["initdb", "pg_ctl", "postgres"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_without_them_it_says_so_in_one_line_and_succeeds(tmp_path: Path) -> None:
    result = run_script(tmp_path, ["initdb"])  # a client-only install has no postgres
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Note: no PostgreSQL server programs (initdb, pg_ctl, postgres); the PostgreSQL tests "
        "will be skipped. To run them: sudo apt-get install postgresql"
    ]
