"""Bad files and queries on the command line, as a real process: one sentence naming the file
(and line) or the character, exit status 1, no traceback, no hang, and the library untouched."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.core.library import Library
from readinglist.core.query import MAX_NESTING, MAX_QUERY_CHARS, MAX_TERMS
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES
from tests.helpers import HEADER

# Long enough for any command here, short enough that a hang fails the test instead of the run.
TIMEOUT = 60


def run(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READINGLIST_LIBRARY": str(library), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "readinglist.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


def library_bytes(library: Path) -> dict[str, str]:
    """sha256 of the library file and of any write-ahead log beside it."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(library.parent.glob(library.name + "*"))
    }


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("bad") / "library.sqlite"
    done = run(library, "import", "--year", "2025", str(HF_TEXT_SAMPLES[0]))
    assert done.returncode == 0, done.stderr
    return library


@pytest.fixture
def untouched(filled: Path) -> Iterator[Path]:
    """The library, checked byte for byte after the test."""
    before = library_bytes(filled)
    yield filled
    assert library_bytes(filled) == before


def refused(done: subprocess.CompletedProcess[str], sentence: str) -> None:
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"readinglist: {sentence}\n"


# ------------------------------------------------------------------ files that are not files


def test_a_named_pipe_is_refused_at_once(untouched: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait forever
    refused(
        run(untouched, "import", str(fifo)), "page.txt: this is a named pipe, not a saved page file"
    )


def test_a_device_that_never_ends_is_refused_without_reading_it(untouched: Path) -> None:
    refused(run(untouched, "import", "/dev/zero"), "zero: this is a device, not a saved page file")


def test_a_socket_is_refused(untouched: Path, tmp_path: Path) -> None:
    path = tmp_path / "page.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert stat.S_ISSOCK(path.stat().st_mode)
        refused(
            run(untouched, "import", str(path)),
            "page.sock: this is a socket, not a saved page file",
        )


def test_a_dangling_link_and_a_link_loop_are_one_sentence(untouched: Path, tmp_path: Path) -> None:
    vanished = tmp_path / "vanished.txt"
    vanished.symlink_to(tmp_path / "deleted-before-import.txt")
    refused(run(untouched, "import", str(vanished)), "vanished.txt: no such file")
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    done = run(untouched, "import", str(tmp_path / "a.txt"))
    refused(done, "a.txt: cannot be read (Too many levels of symbolic links)")


# Root reads any file; without the two capabilities that let it, it is refused as anyone is.
_WITHOUT_OVERRIDE = "-dac_override,-dac_read_search"
AS_ANYONE = (
    ["setpriv", f"--bounding-set={_WITHOUT_OVERRIDE}", f"--inh-caps={_WITHOUT_OVERRIDE}"]
    if os.geteuid() == 0
    else []
)


@pytest.mark.skipif(
    bool(AS_ANYONE) and shutil.which("setpriv") is None, reason="root, and no setpriv"
)
def test_a_file_without_read_permission(untouched: Path, tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(HEADER + "Oct 9\n\nTitle\n\nAbstract.\n")
    path.chmod(0)
    locked = tmp_path / "locked"
    (locked / "page_files").mkdir(parents=True)  # looked at as a saved page's folder first
    locked.chmod(0)
    env = {**os.environ, "READINGLIST_LIBRARY": str(untouched)}
    try:
        for target, name in ((path, "secret.txt"), (locked / "page_files", "page_files")):
            done = subprocess.run(
                [*AS_ANYONE, sys.executable, "-m", "readinglist.cli", "import", str(target)],
                capture_output=True,
                text=True,
                env=env,
                timeout=TIMEOUT,
                check=False,
            )
            refused(done, f"{name}: permission denied")
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "page.txt: the file is empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "page.txt: this is a binary file, not a saved listing page",
        ),
        (
            (HEADER + "Oct 9\n\nCaf\xe9\n").encode("latin-1"),
            "page.txt, line 13: the text is not UTF-8 (byte 0xe9); save the page as UTF-8 and retry",
        ),
        (
            b"x" * 5_000_000,  # one huge line
            "page.txt: this does not look like a listing page ReadingList can read "
            "(Hugging Face papers pages, arXiv listings, or their text copies)",
        ),
    ],
    ids=["empty", "binary", "latin-1", "huge-line"],
)
def test_files_that_are_not_listings(
    untouched: Path, tmp_path: Path, content: bytes, sentence: str
) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    refused(run(untouched, "import", str(path)), sentence)


# ------------------------------------------------------------------ NUL bytes anywhere


def test_a_nul_byte_past_the_first_8_kb_is_refused_with_its_line(
    untouched: Path, tmp_path: Path
) -> None:
    text = HF_TEXT_SAMPLES[1].read_text(encoding="utf-8")
    lines = text.split("\n")
    number = next(n for n, line in enumerate(lines, 1) if len("\n".join(lines[:n])) > 9000)
    lines[number - 1] = lines[number - 1][:10] + "\x00" + lines[number - 1][10:]
    path = tmp_path / "damaged.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    done = run(untouched, "import", str(path))
    refused(
        done,
        f"damaged.txt, line {number}: this line holds a NUL byte, so the file is damaged or not a text page",
    )


def test_a_nul_byte_in_a_utf16_page_is_refused_too(untouched: Path, tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes((HEADER + "Oct 9\n\nTitle\x00\n\nAbstract.\n").encode("utf-16"))
    done = run(untouched, "import", str(path))
    refused(
        done,
        "wide.txt, line 13: this line holds a NUL byte, so the file is damaged or not a text page",
    )


# ------------------------------------------------------------------ queries


def test_a_query_nested_400_deep_is_one_sentence(untouched: Path) -> None:
    query = "(" * 400 + "training" + ")" * 400
    done = run(untouched, "search", query)
    refused(
        done,
        f"parentheses and NOT nest at most {MAX_NESTING} deep (at character {MAX_NESTING + 1})",
    )
    done = run(untouched, "search", "NOT (" * 30 + "x" + ")" * 30)
    assert done.returncode == 1 and "nest at most" in done.stderr


def test_an_8000_word_query_finishes_with_one_sentence(untouched: Path) -> None:
    words = HF_TEXT_SAMPLES[0].read_text(encoding="utf-8").split()[:8000]
    assert len(words) == 8000
    done = run(untouched, "search", " ".join(words))
    length = len(" ".join(words))
    refused(
        done,
        f"a query is at most {MAX_QUERY_CHARS:,} characters; this one has {length:,} "
        f"(at character {MAX_QUERY_CHARS + 1})",
    )


def test_a_query_of_too_many_words_says_where_the_first_extra_one_starts(untouched: Path) -> None:
    done = run(untouched, "search", " ".join(["w"] * (MAX_TERMS + 1)))
    refused(
        done,
        f"a query holds at most {MAX_TERMS} words and terms (at character {2 * MAX_TERMS + 1})",
    )


def test_a_query_starting_with_minus_works_as_the_readme_shows(untouched: Path) -> None:
    everything = json.loads(run(untouched, "search", "--json").stdout)
    without = run(untouched, "search", "-quantization", "--json")
    assert without.returncode == 0, without.stderr
    kept = json.loads(without.stdout)
    assert kept and len(kept) < len(everything)
    assert all("quantiz" not in (p["title"] + (p["abstract"] or "")).lower() for p in kept)
    same = run(untouched, "search", "NOT", "quantization", "--json")
    assert json.loads(same.stdout) == kept
    # Options still work around it, a lone -q stays the option, and -- keeps its meaning.
    quiet = run(untouched, "search", "-q", "-quantization", "--limit", "3")
    assert quiet.returncode == 0 and quiet.stderr == "" and len(quiet.stdout.splitlines()) == 3
    assert run(untouched, "search", "--json", "--", "-quantization").stdout == without.stdout
    exported = run(untouched, "export", "--format", "markdown", "-quantization")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("# Papers matching -quantization\n\n")
    assert f"{len(kept)} papers." in exported.stdout
    # An unknown --option is still a usage error, not a query.
    assert run(untouched, "search", "--quantizations").returncode == 2


# ------------------------------------------------------------------ a text copy mentioning links


def test_a_text_copy_whose_abstracts_mention_paper_links_is_still_a_text_copy(
    tmp_path: Path,
) -> None:
    entry = (
        "Linking Papers\n\n"
        "See https://huggingface.co/papers/2401.00001 and the [demo](https://x.org) for "
        "arxiv.org/abs/2401.00001 results.\n\n"
        "  • 3 authors\n·\nJun 6, 2024\n\n"
    )
    path = tmp_path / "copy.txt"
    path.write_text(HEADER + "Oct 9\n\n" + entry + HF_TEXT_SAMPLES[1].read_text()[400:])
    library = tmp_path / "library.sqlite"
    done = run(library, "import", "--year", "2025", str(path))
    assert done.returncode == 0, done.stderr
    assert "[Hugging Face text copy]" in done.stdout
    found = json.loads(run(library, "search", "title:linking", "--json").stdout)
    assert [p["title"] for p in found] == ["Linking Papers"]
    assert found[0]["authors_count"] == 3


def test_the_last_import_of_a_refused_file_left_nothing_behind(tmp_path: Path) -> None:
    """A refused file in a batch is reported and the others are imported (one transaction each)."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    library = tmp_path / "library.sqlite"
    done = run(
        library, "import", str(fifo), str(PAGE_SAMPLES / "hf-api-daily-papers_one-item.json")
    )
    assert done.returncode == 1
    assert done.stderr == "readinglist: pipe.txt: this is a named pipe, not a saved page file\n"
    assert "hf-api-daily-papers_one-item.json: added 1 new paper" in done.stdout
    check = Library.open(library)
    try:
        assert check.count() == 1
    finally:
        check.close()
    assert re.search(r"In all: added 1 new papers?; library holds 1\.", done.stdout)


# ------------------------------------------------------------------ text that is not UTF-8


def test_arguments_and_notes_that_are_not_utf8_get_one_sentence(untouched: Path) -> None:
    env = {**os.environ, "READINGLIST_LIBRARY": str(untouched)}

    def run_bytes(*args: bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable.encode(), b"-m", b"readinglist.cli", *args]
        return subprocess.run(command, input=stdin, capture_output=True, env=env, timeout=TIMEOUT)

    for args in (
        [b"search", b"caf\xe9"],
        [b"tag", b"1", b"+caf\xe9"],
        [b"list", b"create", b"\xff"],
    ):
        done = run_bytes(*args)
        assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(b"readinglist: the argument '")
        assert done.stderr.endswith(b"' is not UTF-8 text\n")
    done = run_bytes(b"note", b"1", b"-", stdin=b"fine\nnot \xff fine\n")
    assert done.stderr == (
        b"readinglist: the notes on standard input, line 2: not UTF-8 text (byte 0xff)\n"
    )
    done = run_bytes(b"note", b"1", b"-", stdin=b"a\n\x00b")
    assert done.stderr == (
        b"readinglist: the notes on standard input, line 2: a NUL byte, which text never has\n"
    )
    assert done.returncode == 1


def test_a_year_out_of_range_is_bad_usage_not_a_traceback(untouched: Path) -> None:
    for year in ("0", "99999", "-5", "twenty"):
        done = run(untouched, "import", "--year", year, str(HF_TEXT_SAMPLES[1]))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "argument --year:" in done.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    "args",
    [
        ["show", "99999999999999999999"],
        ["status", "1", "99999999999999999999", "read"],
        ["list", "add", "Mine", "99999999999999999999"],
        ["merge", "1", "99999999999999999999"],
        ["show", "²"],
        ["search", "--limit", "99999999999999999999", "x"],
        ["search", "--limit", "-1", "x"],
    ],
)
def test_ids_and_counts_sqlite_cannot_hold_are_bad_usage(untouched: Path, args: list[str]) -> None:
    done = run(untouched, *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.search(r"error: argument .*: '.*' is not a (paper id|number of papers)$", done.stderr)


def test_tag_with_an_id_sqlite_cannot_hold_is_one_sentence(untouched: Path) -> None:
    refused(
        run(untouched, "tag", "99999999999999999999", "+x"),
        "'99999999999999999999' is not a paper id",
    )
    refused(run(untouched, "tag", "²", "+x"), "'²' is not a paper id")


@pytest.mark.parametrize("codec", ["rot13", "base64", "undefined"])
def test_a_page_declaring_a_codec_that_is_not_a_text_encoding(
    untouched: Path, tmp_path: Path, codec: str
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(f'<html><head><meta charset="{codec}"></head><body>caf\xe9'.encode("latin-1"))
    refused(
        run(untouched, "import", str(page)),
        "page.html, line 1: the text is not UTF-8 (byte 0xe9); save the page as UTF-8 and retry",
    )
    archive = tmp_path / "page.mhtml"
    archive.write_bytes(
        b'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b"\n\n--b\n'
        + f'Content-Type: text/html; charset="{codec}"\n\n<html>caf\xe9</html>\n--b--\n'.encode(
            "latin-1"
        )
    )
    refused(
        run(untouched, "import", str(archive)),
        f"page.mhtml: the HTML page inside this web archive is not valid {codec} text",
    )


def test_json_nested_past_pythons_limit_is_one_sentence(untouched: Path, tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(
        '{"paper": 1, "upvotes": 1, "publishedAt": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    refused(
        run(untouched, "import", str(path)),
        "api.json: the JSON nests deeper than Python reads; no API response does",
    )


def test_counts_no_page_can_show_are_stored_as_unknown_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    item = {
        "paper": {"id": "2401.00001", "title": "Counts", "upvotes": 10**23, "publishedAt": None},
        "numComments": -5,
        "title": "Counts",
    }
    path.write_text(json.dumps([item]))
    text = tmp_path / "copy.txt"
    text.write_text(
        HEADER + "Oct 9\n\nMany Authors\n\nAn abstract.\n\n" + f"{10**20} authors\n·\nJun 6, 2024\n"
    )
    library = tmp_path / "library.sqlite"
    done = run(library, "import", "--year", "2025", str(path), str(text))
    assert done.returncode == 0, done.stderr
    assert (
        f"warning: line 1: the upvote count {10**23} is impossible; stored as unknown"
        in done.stdout
    )
    assert "warning: line 1: the comment count -5 is impossible; stored as unknown" in done.stdout
    assert (
        f"warning: line 13: the author count {10**20} is impossible; stored as unknown"
        in done.stdout
    )
    papers = {p["title"]: p for p in json.loads(run(library, "search", "--json").stdout)}
    assert (papers["Counts"]["upvotes"], papers["Counts"]["comments"]) == (None, None)
    assert papers["Many Authors"]["authors_count"] is None
