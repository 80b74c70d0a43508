"""The command line with no command opens the window: file arguments, --smoke-test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readinglist import cli


@pytest.fixture
def window_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_main(argv: list[str], **kwargs: Any) -> int:
        calls.append(kwargs)
        return 0

    import readinglist.gui.app

    monkeypatch.setattr(readinglist.gui.app, "main", fake_main)
    return calls


def split(*argv: str) -> tuple[list[str], list[Path]]:
    return cli.split_window_files(cli.build_parser(), list(argv))


def test_files_without_a_command_go_to_the_window(tmp_path: Path) -> None:
    page = tmp_path / "daily.html"
    page.write_text("x")
    assert split(str(page)) == ([], [page])
    assert split("--library", "lib.sqlite", str(page), "other.txt") == (
        ["--library", "lib.sqlite"],
        [page, Path("other.txt")],
    )
    assert split("--", "-odd.html") == ([], [Path("-odd.html")])


def test_commands_and_typos_are_left_to_argparse(tmp_path: Path) -> None:
    assert split("import", "a.txt") == (["import", "a.txt"], [])
    assert split("--library", "x.sqlite", "search", "llm") == (
        ["--library", "x.sqlite", "search", "llm"],
        [],
    )
    assert split("serach", "llm") == (["serach", "llm"], [])
    assert split("--version") == (["--version"], [])
    assert split() == ([], [])


def test_main_opens_the_window_with_the_files(
    window_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    assert cli.main(["--library", str(tmp_path / "lib.sqlite"), str(page)]) == 0
    assert window_calls == [
        {"library_path": tmp_path / "lib.sqlite", "files": [page], "smoke_test": False}
    ]


def test_smoke_test_flag(window_calls: list[dict[str, Any]], tmp_path: Path) -> None:
    assert cli.main(["--smoke-test", "--library", str(tmp_path / "lib.sqlite")]) == 0
    assert window_calls[0]["smoke_test"] is True
    assert window_calls[0]["files"] == []


def test_a_typo_is_still_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["serach", "llm"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
