"""Several writers on one library, as real processes: nothing lost, nothing duplicated.

Each scenario starts its processes, waits until every one has imported everything and says
"ready", then releases them together, so their writes really overlap. READINGLIST_STRESS_ROUNDS
repeats each scenario (the README's figure is 50 rounds in a row); the suite runs 2.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from readinglist.core import database
from readinglist.core.library import Library
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file, sql_rows
from tests.processes.window_beside_command import NOTE

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("READINGLIST_STRESS_ROUNDS", "2"))
TIMEOUT = 300


class Together:
    """Processes started now and released at once by `go()`."""

    def __init__(self, commands: Sequence[Sequence[str]]) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", *command],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in commands
        ]

    def go(self) -> list[tuple[int, str, str]]:
        for process in self.processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready", process.communicate()[1]
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in self.processes:
            out, err = process.communicate(timeout=TIMEOUT)
            results.append((process.returncode, out, err))
        return results


def cli(library: Path, *args: str) -> list[str]:
    return ["tests.processes.gated", "--library", str(library), *args]


def assert_clean(results: list[tuple[int, str, str]]) -> None:
    for code, out, err in results:
        assert "Traceback" not in err, err
        assert code == 0, f"exit {code}: {err.strip()} {out[-300:]}"


def identities(path: Path) -> list[str]:
    """What makes each paper itself (its title key), one per paper, sorted."""
    return sorted(str(key) for (key,) in sql_rows(path, "SELECT title_key FROM papers"))


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The papers that importing every sample one after the other gives."""
    path = tmp_path_factory.mktemp("sequential") / "library.sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "--library", str(path), "import"]
        + [str(p) for p in HF_TEXT_SAMPLES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return identities(path)


@pytest.fixture
def rounds(tmp_path: Path) -> Iterator[Iterator[Path]]:
    def each() -> Iterator[Path]:
        for number in range(ROUNDS):
            folder = tmp_path / f"round{number}"
            folder.mkdir()
            yield folder / "library.sqlite"

    yield each()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library holding every hf-text sample, to copy for each round."""
    path = tmp_path_factory.mktemp("imported") / "library.sqlite"
    library = Library(path)
    for sample in HF_TEXT_SAMPLES:
        import_file(library, sample, year=2025)
    library.close()
    return path


def copy_library(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def test_overlapping_imports_at_once_add_each_paper_once(
    rounds: Iterator[Path], sequential: list[str]
) -> None:
    first, second, third = map(str, HF_TEXT_SAMPLES)
    for library in rounds:
        results = Together(
            [cli(library, "import", first, second), cli(library, "import", second, third)]
        ).go()
        assert_clean(results)
        assert identities(library) == sequential
        # Each file is one source, and each page's entries appear once per import of it.
        assert sql_rows(library, "SELECT count(*) FROM sources")[0][0] == 3


def test_the_same_page_imported_twice_at_once_adds_it_once(rounds: Iterator[Path]) -> None:
    page = str(HF_TEXT_SAMPLES[0])
    for library in rounds:
        results = Together([cli(library, "import", page), cli(library, "import", page)]).go()
        assert_clean(results)
        papers = identities(library)
        assert len(papers) == len(set(papers)) == 164  # the samples README's count


def test_read_then_write_from_two_processes_loses_no_update(
    rounds: Iterator[Path], imported: Path
) -> None:
    for library in rounds:
        copy_library(imported, library)
        before = sql_rows(library, "SELECT coalesce(upvotes, 0) FROM papers WHERE id = 1")[0][0]
        each = 150
        command = ["tests.processes.increment", str(library), "1", str(each)]
        assert_clean(Together([command, command]).go())
        after = sql_rows(library, "SELECT upvotes FROM papers WHERE id = 1")[0][0]
        assert after == before + 2 * each  # type: ignore[operator]


def test_tags_lists_and_keys_racing_end_consistent(rounds: Iterator[Path], imported: Path) -> None:
    for library in rounds:
        copy_library(imported, library)
        lib = Library(library)
        lib.create_list("Group")
        lib.close()
        ids = [str(i) for i in range(1, 41)]
        bib = [library.with_name(f"out{n}.bib") for n in range(3)]
        results = Together(
            [
                cli(library, "tag", *ids[:30], "+Shared", "+mine-a"),
                cli(library, "tag", *ids[10:], "+shared", "+mine-b"),
                cli(library, "list", "add", "Group", *ids[:25]),
                cli(library, "list", "add", "Group", *ids[15:]),
                cli(library, "export", "--format", "bibtex", "-o", str(bib[0])),
                cli(library, "export", "--format", "bibtex", "-o", str(bib[1])),
                cli(library, "export", "--format", "bibtex", "-o", str(bib[2])),
            ]
        ).go()
        assert_clean(results)
        # One tag, whatever the case each process typed, on every paper either named.
        tags = sql_rows(library, "SELECT name FROM tags WHERE lower(name) = 'shared'")
        assert len(tags) == 1
        tagged = sql_rows(
            library,
            "SELECT count(*) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE lower(t.name) = 'shared'",
        )[0][0]
        assert tagged == 40
        # Each paper once in the list, at its own position: 1..40, no tie, no gap.
        positions = sql_rows(
            library,
            "SELECT li.position, li.paper_id FROM list_items li JOIN reading_lists l "
            "ON l.id = li.list_id WHERE l.name = 'Group' ORDER BY li.position",
        )
        assert [p for p, _ in positions] == list(range(1, 41))
        assert sorted(int(str(i)) for _, i in positions) == list(range(1, 41))
        # Every export saw the same keys, and no two papers share one.
        keys = [str(key) for (key,) in sql_rows(library, "SELECT citation_key FROM papers")]
        assert all(key != "None" for key in keys)
        assert len({key.lower() for key in keys}) == len(keys)
        exported = [sorted(x for x in b.read_text().splitlines() if x.startswith("@")) for b in bib]
        assert exported[0] == exported[1] == exported[2]
        assert len(exported[0]) == len(keys)


def open_descriptors_deleted(pid: int) -> list[str]:
    """The files process `pid` still has open although they were deleted."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith(" (deleted)") and "library.sqlite" in target:
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_a_command_beside_the_window_loses_none_of_the_windows_edits(
    rounds: Iterator[Path], imported: Path
) -> None:
    for library in rounds:
        copy_library(imported, library)
        window = subprocess.Popen(
            [sys.executable, "-m", "tests.processes.window_beside_command", str(library)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        assert window.stdout is not None and window.stdin is not None
        assert window.stdout.readline().strip() == "dialog-done", window.communicate()[1]
        command = subprocess.run(
            [sys.executable, "-m", "readinglist.cli", "--library", str(library), "tag", "2", "+x"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert command.returncode == 0, command.stderr
        # The command must not have deleted the write-ahead log the window is using.
        assert open_descriptors_deleted(window.pid) == []
        window.stdin.write("edit\n")
        window.stdin.flush()
        assert window.stdout.readline().strip() == "edited"
        window.stdin.write("quit\n")
        window.stdin.flush()
        _out, err = window.communicate(timeout=TIMEOUT)
        assert window.returncode == 0, err
        assert "Traceback" not in err
        after = Library(library, create=False)
        try:
            assert after.get(1).notes == NOTE
            assert "x" in after.get(2).tags
        finally:
            after.close()
        assert sql_rows(library, "PRAGMA integrity_check") == [("ok",)]


def test_a_mistyped_library_path_is_an_error_not_a_new_library(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "library.sqlite"
    for args in (["search", "x"], ["show", "1"], ["list", "show", "x"], ["sources"]):
        done = subprocess.run(
            [sys.executable, "-m", "readinglist.cli", "--library", str(missing), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1
        assert done.stderr.strip() == f"readinglist: there is no library at {missing}"
        assert not missing.exists() and not missing.parent.exists()


def test_a_library_created_while_another_process_checks_it_is_not_called_foreign(
    tmp_path: Path,
) -> None:
    """The check of a file's version, id and tables is one read: if another process commits a
    new library between reading the id and the tables, the file looked foreign (CI saw it)."""
    path = tmp_path / "library.sqlite"
    creator = sqlite3.connect(path, isolation_level=None)
    creator.execute("PRAGMA journal_mode = WAL")
    creator.execute("BEGIN IMMEDIATE")
    creator.execute("CREATE TABLE papers (id INTEGER PRIMARY KEY)")
    creator.execute(f"PRAGMA application_id = {database.APPLICATION_ID}")
    creator.execute("PRAGMA user_version = 1")

    checker = sqlite3.connect(path)
    statements: list[str] = []

    def commit_before_the_third_statement(statement: str) -> None:
        statements.append(statement)
        if len(statements) == 3:
            creator.execute("COMMIT")

    checker.set_trace_callback(commit_before_the_third_statement)
    try:
        assert database._checked_version(checker, path) in (0, 1)
    finally:
        checker.close()
        if creator.in_transaction:
            creator.execute("COMMIT")
        creator.close()
