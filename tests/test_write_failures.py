"""Writes that cannot happen: a full disk, a read-only file system, a damaged file, a library
another program keeps locked. Each is one sentence and exit 1, and the library keeps its last
committed state byte for byte.

The disk and file-system cases use a real, tiny tmpfs (root can write to a chmod 444 file,
so permissions prove nothing here); they skip with one line where mounting is not allowed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.core.library import Library
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file, sql_rows

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = HF_TEXT_SAMPLES[2]
WRITES = (
    ["import", str(HF_TEXT_SAMPLES[0])],
    ["note", "1", "a note that cannot be stored"],
    ["tag", "1", "2", "+new-tag"],
    ["list", "create", "New list"],
)
EXPORT = ["export", "--format", "bibtex"]  # issues citation keys and stores them


def run(
    library: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "--library", str(library), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def digest(folder: Path) -> str:
    """The library's committed state: the file's bytes, and no frame in its write-ahead log
    (an empty -wal and the -shm index are SQLite's scratch files, holding no data)."""
    wal = folder / "library.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL holds frames"
    return hashlib.sha256((folder / "library.sqlite").read_bytes()).hexdigest()


def small_library(path: Path) -> Path:
    library = Library(path)
    import_file(library, SAMPLE, year=2025)
    library.close()  # the last connection checkpoints and removes the WAL
    return path


def assert_one_sentence(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("readinglist: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_disk(folder: Path) -> None:
    """Take every free byte of the file system holding `folder`."""
    descriptor = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(descriptor)


def test_writes_to_a_full_disk_say_so_and_change_nothing(tmpfs: Path) -> None:
    library = small_library(tmpfs / "library.sqlite")
    before = digest(tmpfs)
    fill_disk(tmpfs)
    for args in (*WRITES, EXPORT):
        done = run(library, *args)
        assert_one_sentence(done, "library.sqlite", "full")
        assert digest(tmpfs) == before, args
    (tmpfs / "filler").unlink()
    assert run(library, "search", "--quiet", "").returncode == 0


def test_writes_to_a_read_only_file_system_say_so_and_change_nothing(tmpfs: Path) -> None:
    library = small_library(tmpfs / "library.sqlite")
    before = digest(tmpfs)
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True, text=True, check=False
    )
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only here ({remount.stderr.strip()})")
    for args in WRITES:
        done = run(library, *args)
        assert_one_sentence(done, "library.sqlite", "read-only")
        assert digest(tmpfs) == before, args
    # Reading still works, the library opened read-only; an export issues its keys for itself.
    done = run(library, "search", "--quiet", "")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 72  # the sample's papers
    exported = run(library, *EXPORT)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.count("@misc{") == 72
    assert digest(tmpfs) == before


def damage(path: Path) -> None:
    """Scribble over pages in the middle of the file, as a failing disk or a stray write would;
    the header stays, so SQLite opens the file and finds the damage when it reads there."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    pages = len(data) // page_size
    for page in range(2, pages):
        start = page * page_size
        data[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))


def test_writes_to_a_damaged_library_say_so_and_change_nothing(tmp_path: Path) -> None:
    library = small_library(tmp_path / "library.sqlite")
    damage(library)
    before = digest(tmp_path)
    for args in (*WRITES, EXPORT):
        done = run(library, *args)
        assert_one_sentence(done, "library.sqlite", "damaged")
        assert digest(tmp_path) == before, args


def test_a_write_behind_another_programs_lock_waits_then_says_so(tmp_path: Path) -> None:
    library = small_library(tmp_path / "library.sqlite")
    holder = sqlite3.connect(library, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = run(library, "note", "1", "waiting", env={"READINGLIST_BUSY_TIMEOUT": "0.5"})
        assert_one_sentence(done, "library.sqlite is busy", "0.5 s", "nothing changed")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run(library, "note", "1", "now it can").returncode == 0
    after = Library(library, create=False)
    try:
        assert after.get(1).notes == "now it can"
    finally:
        after.close()


def generated_page(path: Path, count: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import entries, hf_text_page

    path.write_text(hf_text_page(entries(count), page_date="Dec 31"), encoding="utf-8")
    return path


def test_a_killed_import_leaves_the_last_committed_state(tmp_path: Path) -> None:
    library = small_library(tmp_path / "library.sqlite")
    before = digest(tmp_path)
    page = generated_page(tmp_path / "big.txt", 3000)  # a bulk import: deferred checkpoint
    for stop_at, papers_after in (("halfway", 72), ("committed", 72 + 3000)):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.processes.import_until_told", str(library), str(page)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().strip() == "halfway"  # inside the transaction
        if stop_at == "committed":
            process.stdin.write("go on\n")
            process.stdin.flush()
            assert process.stdout.readline().strip() == "committed"
        process.kill()
        process.communicate(timeout=60)
        assert sql_rows(library, "PRAGMA integrity_check") == [("ok",)]
        assert sql_rows(library, "SELECT count(*) FROM papers") == [(papers_after,)]
        assert sql_rows(library, "SELECT count(*) FROM papers_fts") == [(papers_after,)]
        if stop_at == "halfway":
            assert digest(tmp_path) == before


def test_a_foreign_write_ahead_log_beside_the_library_is_refused_not_applied(
    tmp_path: Path,
) -> None:
    """A -wal left by another database (a copy, a sync tool) must not be checkpointed into the
    library: a read-write open would copy the other database over it when it closes."""
    library = small_library(tmp_path / "library.sqlite")
    before = digest(tmp_path)
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE unrelated (x)")
    connection.commit()
    foreign = (tmp_path / "other.sqlite-wal").read_bytes()
    connection.close()
    wal = tmp_path / "library.sqlite-wal"
    wal.write_bytes(foreign)
    for args in (["search", ""], ["note", "1", "x"]):
        done = run(library, *args)
        assert_one_sentence(done, "library.sqlite-wal", "another database", "nothing was changed")
        assert wal.read_bytes() == foreign
    wal.unlink()
    assert digest(tmp_path) == before
    assert len(run(library, "search", "--quiet", "").stdout.splitlines()) == 72
