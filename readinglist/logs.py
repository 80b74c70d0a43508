"""A rotating log file in the platform's log folder, and the crash report written to it.

`setup_logging()` is called once at start-up by the window and the command line; it is safe to
call again (it replaces its own handler). $READINGLIST_LOG_DIR moves the folder (tests, portable
installs). When the folder cannot be created, logging falls back to stderr rather than failing.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import platform
import sys
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs

from readinglist import APP_NAME, __version__

LOG_DIR_ENV = "READINGLIST_LOG_DIR"
LOG_FILE_NAME = "readinglist.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_HANDLER_NAME = "readinglist-file"

log = logging.getLogger("readinglist")


def log_dir() -> Path:
    """Where the log files live: $READINGLIST_LOG_DIR, else the platform's user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def log_file_path() -> Path:
    """The current log file (older ones sit beside it as readinglist.log.1 ... .5)."""
    return log_dir() / LOG_FILE_NAME


def _remove_own_handlers(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        if handler.get_name() == _HANDLER_NAME:
            logger.removeHandler(handler)
            handler.close()


def setup_logging(level: int = logging.INFO, directory: Path | None = None) -> Path | None:
    """Send the application's log records to the rotating file; return its path.

    Returns None when the folder cannot be written and records go to stderr instead.
    """
    logger = logging.getLogger("readinglist")
    _remove_own_handlers(logger)
    logger.setLevel(level)
    folder = directory if directory is not None else log_dir()
    path = folder / LOG_FILE_NAME
    handler: logging.Handler
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as exc:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
        logger.warning("cannot write the log file %s (%s); logging to stderr", path, exc)
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.info("%s %s started (Python %s, %s)", APP_NAME, __version__, *_runtime())
    return path


def shutdown_logging() -> None:
    """Close the file handler (tests; the interpreter also does it at exit)."""
    _remove_own_handlers(logging.getLogger("readinglist"))


def _runtime() -> tuple[str, str]:
    return platform.python_version(), platform.platform(terse=True)


def crash_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    extra: dict[str, str] | None = None,
) -> str:
    """A plain-text report of an unexpected exception, meant to be copied into a bug report."""
    python, system = _runtime()
    lines = [
        f"{APP_NAME} {__version__} crash report",
        f"time: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"python: {python}",
        f"platform: {system}",
        f"frozen: {bool(getattr(sys, 'frozen', False))}",
    ]
    lines += [f"{key}: {value}" for key, value in (extra or {}).items()]
    lines.append(f"log: {log_file_path()}")
    lines.append("")
    lines += "".join(traceback.format_exception(exc_type, exc, tb)).rstrip().splitlines()
    return "\n".join(lines) + "\n"
