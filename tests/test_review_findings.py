"""What a review of the write path found, each pinned down: the file on disk, real locks."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from readinglist.core.errors import ImportCancelled, UserError
from readinglist.core.library import Library
from readinglist.importers import parse_listing, read_listing
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file
from tests.test_write_failures import assert_one_sentence, digest, run, small_library


def test_a_read_only_library_file_in_a_writable_folder_still_exports(tmp_path: Path) -> None:
    library = small_library(tmp_path / "library.sqlite")
    bind = subprocess.run(["mount", "--bind", str(library), str(library)], check=False)
    if bind.returncode != 0:
        pytest.skip("cannot bind-mount here (not root)")
    try:
        remount = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(library)], capture_output=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip("cannot remount read-only here")
        before = digest(tmp_path)
        exported = run(library, "export", "--format", "bibtex")
        assert exported.returncode == 0, exported.stderr
        assert exported.stdout.count("@misc{") == 72
        assert_one_sentence(run(library, "note", "1", "x"), "library.sqlite", "read-only")
        assert digest(tmp_path) == before
    finally:
        subprocess.run(["umount", "-l", str(library)], check=False)


def test_cancel_ends_the_wait_for_another_writer(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite")
    listing = read_listing(HF_TEXT_SAMPLES[2])
    holder = sqlite3.connect(library.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ImportCancelled):
            library.import_result(
                parse_listing(listing),
                file_name=listing.name,
                file_path=None,
                sha256=listing.sha256,
                cancelled=lambda: True,
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert library.count() == 0
    library.close()


def test_a_write_inside_a_write_on_one_thread_is_refused_not_a_wait_for_itself(
    tmp_path: Path,
) -> None:
    library = Library(tmp_path / "library.sqlite")
    with library._write(), pytest.raises(RuntimeError, match="already open"):
        library.create_list("inner")
    library.create_list("after")  # the flag is down again
    assert [entry.name for entry in library.lists()] == ["after"]
    library.close()


def test_undoing_a_delete_after_the_paper_was_imported_again_says_so(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite")
    import_file(library, HF_TEXT_SAMPLES[2], year=2025)
    library.set_notes(1, "mine")
    snapshot = library.delete_papers([1])
    import_file(library, HF_TEXT_SAMPLES[2], year=2025)  # another process, say, re-imports it
    count = library.count()
    with pytest.raises(UserError, match=r"cannot come back.*nothing changed"):
        library.restore(snapshot)
    assert library.count() == count
    library.close()


def test_a_zero_length_file_is_no_library_for_reading_commands(tmp_path: Path) -> None:
    empty = tmp_path / "library.sqlite"
    empty.touch()
    done = run(empty, "search", "x")
    assert_one_sentence(done, f"there is no library at {empty}")
    assert empty.stat().st_size == 0
