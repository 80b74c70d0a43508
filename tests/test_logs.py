"""The rotating log file and the crash report."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist import logs


@pytest.fixture(autouse=True)
def _close_handlers() -> Iterator[None]:
    yield
    logs.shutdown_logging()


def test_log_dir_is_the_platform_folder_unless_overridden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(logs.LOG_DIR_ENV, raising=False)
    assert "ReadingList" in str(logs.log_dir())
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    assert logs.log_dir() == tmp_path / "logs"
    assert logs.log_file_path() == tmp_path / "logs" / "readinglist.log"


def test_setup_writes_to_the_file(tmp_path: Path) -> None:
    path = logs.setup_logging(directory=tmp_path / "logs")
    assert path == tmp_path / "logs" / "readinglist.log"
    logging.getLogger("readinglist.test").warning("hello from the test")
    for handler in logging.getLogger("readinglist").handlers:
        handler.flush()
    text = path.read_text()
    assert "ReadingList" in text and "started" in text
    assert "WARNING readinglist.test: hello from the test" in text


def test_setup_twice_keeps_one_handler(tmp_path: Path) -> None:
    logs.setup_logging(directory=tmp_path)
    logs.setup_logging(directory=tmp_path)
    own = [
        h for h in logging.getLogger("readinglist").handlers if h.get_name() == "readinglist-file"
    ]
    assert len(own) == 1


def test_the_file_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    path = logs.setup_logging(directory=tmp_path)
    assert path is not None
    logger = logging.getLogger("readinglist.test")
    for index in range(200):
        logger.info("line %d %s", index, "x" * 50)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[:2] == ["readinglist.log", "readinglist.log.1"]
    assert len(names) == 1 + logs.BACKUP_COUNT
    assert all(p.stat().st_size <= 2000 for p in tmp_path.iterdir())


def test_unwritable_folder_falls_back_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert logs.setup_logging(directory=blocker / "logs") is None
    logging.getLogger("readinglist.test").warning("still heard")
    err = capsys.readouterr().err
    assert "cannot write the log file" in err and "still heard" in err


def test_crash_report_names_version_and_traceback() -> None:
    try:
        raise RuntimeError("boom at the bottom")
    except RuntimeError:
        exc_type, exc, tb = sys.exc_info()
    assert exc_type is not None and exc is not None
    report = logs.crash_report(exc_type, exc, tb, extra={"qt": "6.x"})
    assert report.startswith("ReadingList ")
    assert "qt: 6.x" in report
    assert "Traceback (most recent call last)" in report
    assert "RuntimeError: boom at the bottom" in report
    assert "test_crash_report_names_version_and_traceback" in report
