"""Sorting library-open failures and the ways out (Qt-free half of the open dialog)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from readinglist.core.errors import LibraryOpenError
from readinglist.core.library import Library
from readinglist.exporters.bibtex import export_bibtex
from readinglist.recovery import (
    FailureKind,
    ReadOnlyLibrary,
    Remedy,
    check_writable,
    classify,
    find_backups,
    restore_backup,
)
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import corrupt, import_file, make_library, make_newer


def failure_of(path: Path) -> LibraryOpenError:
    with pytest.raises(LibraryOpenError) as caught:
        Library(path)
    return caught.value


def test_corrupt_file_offers_the_backup(tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    failure = classify(path, failure_of(path))
    assert failure.kind is FailureKind.CORRUPT
    assert failure.backup is None
    assert failure.remedies == (Remedy.CHOOSE_OTHER, Remedy.QUIT)
    backup = make_library(tmp_path / "library.sqlite.backup-20260101-120000")
    failure = classify(path, failure_of(path))
    assert failure.backup == backup
    assert failure.remedies == (Remedy.RESTORE_BACKUP, Remedy.CHOOSE_OTHER, Remedy.QUIT)


def test_newer_version_never_offers_to_open_it(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    make_newer(path)
    failure = classify(path, failure_of(path))
    assert failure.kind is FailureKind.NEWER
    assert "update ReadingList" in failure.message
    assert failure.remedies == (Remedy.CHOOSE_OTHER, Remedy.QUIT)


def test_foreign_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("hello")
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE x (a)")
    connection.commit()
    connection.close()
    for path in (text, other):
        assert classify(path, failure_of(path)).kind is FailureKind.FOREIGN


def test_locked_and_read_only_messages() -> None:
    path = Path("library.sqlite")
    locked = classify(path, LibraryOpenError("library.sqlite is locked by another program"))
    assert locked.kind is FailureKind.LOCKED
    assert locked.remedies == (
        Remedy.RETRY,
        Remedy.OPEN_READ_ONLY,
        Remedy.CHOOSE_OTHER,
        Remedy.QUIT,
    )
    for message in (
        "library.sqlite is read-only and needs an upgrade",
        "library.sqlite cannot be read: permission denied",
        "library.sqlite is read-only",
    ):
        failure = classify(path, LibraryOpenError(message))
        assert failure.kind is FailureKind.READ_ONLY
        assert failure.remedies[0] is Remedy.OPEN_READ_ONLY
    again = classify(path, LibraryOpenError("library.sqlite is read-only"), read_only_failed=True)
    assert Remedy.OPEN_READ_ONLY not in again.remedies


def test_backups_newest_first_and_only_ours(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    for name in (
        "library.sqlite.backup-20250101-000000",
        "library.sqlite.backup-20260301-101010",
        "library.sqlite.backup-20260301-090000",
        "library.sqlite.backup-junk",
        "other.sqlite.backup-20270101-000000",
    ):
        (tmp_path / name).write_text("x")
    assert [p.name for p in find_backups(path)] == [
        "library.sqlite.backup-20260301-101010",
        "library.sqlite.backup-20260301-090000",
        "library.sqlite.backup-20250101-000000",
    ]


def test_restore_keeps_the_damaged_file(tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    damaged = path.read_bytes()
    (tmp_path / "library.sqlite-wal").write_bytes(b"stale")
    backup = make_library(tmp_path / "library.sqlite.backup-20260101-120000", lists=("Kept",))
    aside = restore_backup(path, backup, now=dt.datetime(2026, 5, 6, 7, 8, 9))
    assert aside == tmp_path / "library.sqlite.damaged-20260506-070809"
    assert aside.read_bytes() == damaged
    assert (tmp_path / "library.sqlite.damaged-20260506-070809-wal").read_bytes() == b"stale"
    assert not (tmp_path / "library.sqlite-wal").exists()
    assert backup.exists()
    library = Library(path)
    assert [item.name for item in library.lists()] == ["Kept"]
    library.close()


def test_read_only_library_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = make_library(tmp_path / "library.sqlite", lists=("Mine",))
    before = path.read_bytes()
    library = ReadOnlyLibrary(path)
    assert library.read_only
    assert library.count() == 0
    assert [item.name for item in library.lists()] == ["Mine"]
    with pytest.raises(Exception, match=r"readonly|read-only"):
        library.create_list("Other")
    library.close()
    assert path.read_bytes() == before


def test_read_only_library_of_a_missing_or_damaged_file(tmp_path: Path) -> None:
    with pytest.raises(LibraryOpenError, match="does not exist"):
        ReadOnlyLibrary(tmp_path / "nothing.sqlite")
    path = make_library(tmp_path / "library.sqlite")
    corrupt(path)
    with pytest.raises(LibraryOpenError, match="cannot be read either"):
        ReadOnlyLibrary(path)


def test_check_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.sqlite"
    check_writable(path)  # a new file in a writable folder
    path.write_text("")
    check_writable(path)
    real_access = os.access

    def no_write(target: object, mode: int) -> bool:
        return False if mode & os.W_OK else real_access(target, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", no_write)
    with pytest.raises(LibraryOpenError, match="is read-only"):
        check_writable(path)
    with pytest.raises(LibraryOpenError, match=r"folder .* is read-only"):
        check_writable(tmp_path / "deeper" / "new.sqlite")


def test_a_read_only_library_exports_bibtex_without_storing_keys(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    writable = Library(path)
    import_file(writable, HF_TEXT_SAMPLES[1], year=2025)
    ids = writable.search_ids("sort:title")[:3]
    kept = writable.issue_citation_keys(ids[:1])  # one paper already has its key
    writable.close()
    before = path.read_bytes()

    library = ReadOnlyLibrary(path)
    keys = library.issue_citation_keys(ids)
    assert keys[ids[0]] == kept[ids[0]]
    assert len(set(keys.values())) == 3 and all(keys.values())
    bibtex = export_bibtex(
        library.get_many(ids), keys=keys, include_abstracts=False, include_notes=False
    )
    assert all(f"{{{key}," in bibtex for key in keys.values())
    library.close()
    assert path.read_bytes() == before  # nothing was stored

    # The same keys once the library can be written again: nothing was taken meanwhile.
    writable = Library(path)
    assert writable.issue_citation_keys(ids) == keys
    writable.close()
