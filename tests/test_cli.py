"""The command line, end to end: a real process on a temporary library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import HF_TEXT_SAMPLES


def run(library: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READINGLIST_LIBRARY": str(library), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "readinglist.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("cli") / "library.sqlite"
    done = run(library, "import", "--year", "2025", *map(str, HF_TEXT_SAMPLES))
    assert done.returncode == 0, done.stderr
    assert "In all: added 311 new papers; library holds 311." in done.stdout
    return library


def test_import_summary_and_reimport(filled: Path) -> None:
    again = run(filled, "import", str(HF_TEXT_SAMPLES[1]))
    assert again.returncode == 0
    assert "added 0 new papers, 98 already in the library" in again.stdout
    assert "this file was imported before" in again.stdout


def test_dry_run_reports_without_storing(tmp_path: Path) -> None:
    library = tmp_path / "dry.sqlite"
    done = run(library, "import", "--dry-run", str(HF_TEXT_SAMPLES[0]))
    assert "would add 164 new papers" in done.stdout
    assert json.loads(run(library, "search", "--json").stdout) == []


def test_search_json_gives_the_right_papers_with_every_key(filled: Path) -> None:
    done = run(filled, "search", "training efficiency", "--json")
    assert done.returncode == 0, done.stderr
    papers = json.loads(done.stdout)
    assert papers, "expected matches"
    keys = [
        "id",
        "title",
        "abstract",
        "arxiv_id",
        "doi",
        "url",
        "published",
        "published_precision",
        "authors",
        "authors_count",
        "organization",
        "upvotes",
        "comments",
        "code_urls",
        "status",
        "rating",
        "notes",
        "tags",
        "lists",
        "sources",
    ]
    assert all(list(p) == keys for p in papers)
    for paper in papers:
        text = (paper["title"] + " " + paper["abstract"]).lower()
        assert "train" in text and "efficienc" in text
    top = papers[0]["title"]
    assert "Training" in top and "Efficien" in top
    c4 = next(p for p in papers if "C4" in p["title"])
    assert c4["authors_count"] == 25 and c4["published"] == "2024-06-06"
    assert c4["published_precision"] == "day" and c4["authors"] == []
    assert sorted(c4["sources"]) == [p.name for p in HF_TEXT_SAMPLES]  # on all three pages


def test_search_sort_and_limit(filled: Path) -> None:
    done = run(filled, "search", "has:code", "--sort", "published", "--limit", "5", "--json")
    dates = [p["published"] for p in json.loads(done.stdout)]
    assert len(dates) == 5 and dates == sorted(dates, reverse=True)
    done = run(filled, "search", "year:2023", "--sort", "published", "--reverse", "--json")
    dates = [p["published"] for p in json.loads(done.stdout)]
    assert dates == sorted(dates) and all(d.startswith("2023") for d in dates)


def test_status_tags_lists_show(filled: Path) -> None:
    ids = [str(p["id"]) for p in json.loads(run(filled, "search", "C4", "--json").stdout)][:2]
    assert run(filled, "status", *ids, "read").returncode == 0
    assert run(filled, "tag", *ids, "+systems", "+to-read").returncode == 0
    assert run(filled, "tag", ids[0], "-to-read").returncode == 0
    assert run(filled, "list", "create", "Group", "--description", "Monday").returncode == 0
    assert run(filled, "list", "add", "Group", ids[1], ids[0]).returncode == 0
    shown = json.loads(run(filled, "list", "show", "Group", "--json").stdout)
    assert [str(p["id"]) for p in shown] == [ids[1], ids[0]]
    assert shown[1]["tags"] == ["systems"] and shown[0]["tags"] == ["systems", "to-read"]
    assert shown[0]["status"] == "read" and shown[0]["lists"] == ["Group"]
    assert "Group (2) — Monday" in run(filled, "list").stdout
    assert run(filled, "list", "rename", "Group", "Reading group").returncode == 0
    text = run(filled, "show", ids[0]).stdout
    assert "status read" in text and "lists: Reading group" in text
    assert run(filled, "list", "delete", "Reading group").returncode == 0
    assert run(filled, "search", "list:group", "--json").stdout.strip() == "[]"


def test_sources(filled: Path) -> None:
    lines = run(filled, "sources").stdout.splitlines()
    assert (
        len(lines) == 3
        and "001_2bb66f07fc8616df.txt [hf-text] page 2025-10-09, 98 papers" in lines[1]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", '"unclosed'], "a quotation mark is not closed (at character 1)"),
        (["show", "999999"], "there is no paper with id 999999"),
        (["status", "999999", "read"], "there is no paper with id 999999"),
        (["list", "show", "nope"], "there is no reading list named 'nope'"),
        (["tag", "1", "plain"], "'plain' is neither a paper id nor +tag / -tag"),
        (["merge", "1", "1"], "a paper cannot be merged with itself"),
    ],
)
def test_user_errors_exit_1_with_one_sentence(filled: Path, args: list[str], message: str) -> None:
    done = run(filled, *args)
    assert done.returncode == 1
    assert done.stderr == f"readinglist: {message}\n"


def test_bad_files_exit_1_and_change_nothing(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    done = run(library, "import", str(binary), str(empty), str(tmp_path / "missing.txt"))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "readinglist: photo.txt: this is a binary file, not a saved listing page",
        "readinglist: empty.txt: the file is empty",
        "readinglist: missing.txt: no such file",
    ]
    assert "Traceback" not in done.stderr
    assert json.loads(run(library, "search", "--json").stdout) == []


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run(tmp_path / "l.sqlite", "frobnicate").returncode == 2
    assert run(tmp_path / "l.sqlite", "status", "1", "finished").returncode == 2


def test_version_and_newer_library(tmp_path: Path) -> None:
    assert run(tmp_path / "l.sqlite", "--version").stdout.startswith("ReadingList ")
    import sqlite3

    library = tmp_path / "future.sqlite"
    run(library, "sources")
    with sqlite3.connect(library) as connection:
        connection.execute("PRAGMA user_version = 99")
    done = run(library, "sources")
    assert done.returncode == 1 and "written by a newer ReadingList" in done.stderr


def test_a_webpage_complete_save_imports_the_page_and_skips_its_folder(tmp_path: Path) -> None:
    from tests.conftest import PAGE_SAMPLES

    page = tmp_path / "Daily Papers.html"
    page.write_bytes((PAGE_SAMPLES / "hf-papers-daily_2026-07-02.html").read_bytes())
    folder = tmp_path / "Daily Papers_files"
    folder.mkdir()
    (folder / "logo.svg").write_text("<svg/>")
    done = run(tmp_path / "lib.sqlite", "import", str(page), str(folder))
    assert done.returncode == 0, done.stderr
    assert "Daily Papers.html: added 31 new papers" in done.stdout
    assert "Daily Papers_files: skipped, the resources folder of a saved page" in done.stderr
    lonely = tmp_path / "just a folder"
    lonely.mkdir()
    done = run(tmp_path / "lib.sqlite", "import", str(lonely))
    assert done.returncode == 1 and "this is a folder, not a saved page" in done.stderr
