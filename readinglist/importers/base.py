"""The importer contract, reading files safely, and format detection by content.

Each format lives in its own module and registers one `Importer`. Detection asks every importer
how sure it is (`sniff`, 0.0-1.0) and the most confident one parses the file; nothing above the
threshold means the file is not a listing we read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from readinglist.core.database import is_open_library_file
from readinglist.core.entries import ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.core.gcpause import collector_paused
from readinglist.importers.mhtml import declared_charset, looks_like_mhtml, unwrap_mhtml

MAX_FILE_BYTES = 64 * 1024 * 1024  # a saved listing page is well under 10 MB
MIN_CONFIDENCE = 0.2


@dataclass(frozen=True)
class ListingText:
    """A file (or pasted text) decoded to text, with what we know about where it came from."""

    text: str
    path: Path | None  # None for pasted text
    raw: bytes
    modified: dt.datetime | None  # the file's modification time, local

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else "pasted text"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower() if self.path is not None else ""


@dataclass(frozen=True)
class ParseOptions:
    """What the user told us. `year` overrides the year a text copy is assumed to be from."""

    year: int | None = None


class Importer(Protocol):
    name: str  # stored as the Source's format, e.g. "hf-text"
    label: str  # shown to people, e.g. "Hugging Face text copy"

    def sniff(self, listing: ListingText) -> float:
        """How sure this importer is that `listing` is its format (0.0-1.0). Must be cheap."""
        ...

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        """Parse the whole listing; raise ListingError for a file that cannot be read at all."""
        ...


def decode_bytes(raw: bytes, path: Path | None) -> str:
    """Decode a listing's bytes: UTF-8 (with or without BOM) or UTF-16 with BOM.

    Binary and wrongly encoded files get one clear error naming the line of the first bad byte.
    """
    if not raw.strip():
        raise ListingError(path, "the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ListingError(path, f"the file is not valid UTF-16 text ({exc.reason})") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    head = raw[:8192]
    if b"\x00" in head:
        raise ListingError(path, "this is a binary file, not a saved listing page")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ListingError(
            path,
            f"the text is not UTF-8 (byte 0x{raw[exc.start]:02x}); save the page as UTF-8 and retry",
            line=line,
        ) from None


def decode_listing(raw: bytes, path: Path | None) -> str:
    """A file's text for detection: a web archive (.mhtml) becomes its HTML page, and an HTML
    page that is not UTF-8 is decoded with the charset it declares."""
    if looks_like_mhtml(raw):
        return unwrap_mhtml(raw, path)
    try:
        return decode_bytes(raw, path)
    except ListingError as not_utf8:
        charset = declared_charset(raw)
        if charset is None or charset == "utf-8":
            raise
        try:
            return raw.decode(charset)
        except (UnicodeError, LookupError):  # "undefined" fails with the base class
            raise not_utf8 from None


def is_page_resources_folder(path: Path) -> bool:
    """A browser's "Webpage, complete" save writes `page.html` plus a `page_files` folder of
    images and scripts. The folder is no listing; importing both means importing the page."""
    if not path.name.endswith("_files"):
        return False
    stem = path.name[: -len("_files")]
    try:  # a folder we may not look into is left to read_listing, which says so
        return path.is_dir() and any(
            (path.parent / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm")
        )
    except OSError:
        return False


def files_to_import(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Split what the user handed us into files to import and resource folders to skip."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        (skipped if is_page_resources_folder(path) else files).append(path)
    return files, skipped


def read_listing(path: Path) -> ListingText:
    """Read a file from disk for import, refusing what cannot be a listing page."""
    if is_open_library_file(path):  # reading it here would drop this process's SQLite locks
        raise ListingError(path, "this is a ReadingList library file, not a saved page")
    raw, modified = _read_regular_file(path)
    text = _normalize_newlines(decode_listing(raw, path))
    _refuse_nul(text, path)
    return ListingText(text=text, path=path, raw=raw, modified=modified)


def _read_regular_file(path: Path) -> tuple[bytes, dt.datetime]:
    """The bytes of a regular file of at most MAX_FILE_BYTES, and its modification time.

    Opened without blocking and checked on the open descriptor: a named pipe would wait forever
    for a writer and a device (/dev/zero) never ends, so only regular files are read, and never
    more than the cap even when the file grows while it is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ListingError(path, "no such file") from None
    except IsADirectoryError:
        raise ListingError(path, "this is a folder, not a saved page") from None
    except PermissionError:
        with contextlib.suppress(OSError):  # Windows refuses to open a folder as a file
            if stat.S_ISDIR(os.stat(path).st_mode):
                raise ListingError(path, "this is a folder, not a saved page") from None
        raise ListingError(path, "permission denied") from None
    except OSError as exc:
        with contextlib.suppress(OSError):  # a socket cannot be opened: say what it is
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                raise ListingError(
                    path, f"this is {_kind_of(mode)}, not a saved page file"
                ) from None
        raise ListingError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise ListingError(path, "this is a folder, not a saved page")
        if not stat.S_ISREG(info.st_mode):
            raise ListingError(path, f"this is {_kind_of(info.st_mode)}, not a saved page file")
        if info.st_size > MAX_FILE_BYTES:
            raise ListingError(path, _too_big(info.st_size))
        chunks: list[bytes] = []
        remaining = MAX_FILE_BYTES + 1  # one byte more than allowed tells a file that grew
        expected = info.st_size + 1  # usually one read takes it all (and the join copies nothing)
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, max(expected, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            expected -= len(chunk)
        raw = b"".join(chunks)
        if len(raw) > MAX_FILE_BYTES:
            raise ListingError(path, _too_big(len(raw)))
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise ListingError(path, "this is a folder, not a saved page") from None
        raise ListingError(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(descriptor)
    return raw, dt.datetime.fromtimestamp(info.st_mtime)


def _too_big(size: int, what: str = "the file") -> str:
    return f"{what} is {size // (1024 * 1024)} MB; listing pages are under 64 MB"


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _refuse_nul(text: str, path: Path | None) -> None:
    """No saved page holds a NUL character; SQLite and FTS5 would cut text at one, so a file
    holding one (past the first 8 KB, which `decode_bytes` calls binary) is refused."""
    position = text.find("\x00")
    if position >= 0:
        line = text.count("\n", 0, position) + 1
        raise ListingError(
            path, "this line holds a NUL byte, so the file is damaged or not a text page", line
        )


def listing_from_text(text: str) -> ListingText:
    """Pasted text (e.g. Ctrl+V in the window): no file, no modification time."""
    if not text.strip():
        raise ListingError(None, "the pasted text is empty")
    if len(text) > MAX_FILE_BYTES:  # characters, not bytes: a page is mostly ASCII
        raise ListingError(None, _too_big(len(text), "it"))
    normalized = _normalize_newlines(text.lstrip("\ufeff"))
    _refuse_nul(normalized, None)
    return ListingText(text=normalized, path=None, raw=text.encode("utf-8"), modified=None)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def all_importers() -> list[Importer]:
    """Every registered format, in a fixed order (ties in `sniff` go to the earlier one)."""
    from readinglist.importers import registry

    return list(registry.IMPORTERS)


def detect(listing: ListingText) -> Importer:
    """The importer most sure of this listing, or a ListingError naming the file."""
    best: Importer | None = None
    best_score = 0.0
    for importer in all_importers():
        score = importer.sniff(listing)
        if score > best_score:
            best, best_score = importer, score
    if best is None or best_score < MIN_CONFIDENCE:
        raise ListingError(
            listing.path,
            "this does not look like a listing page ReadingList can read "
            "(Hugging Face papers pages, arXiv listings, or their text copies)",
        )
    return best


def parse_as(
    importer: Importer, listing: ListingText, options: ParseOptions | None = None
) -> ParseResult:
    """Parse with `importer`, the collector paused (a big page allocates millions of objects)."""
    with collector_paused():
        result = importer.parse(listing, options or ParseOptions())
    _drop_impossible_counts(result)
    return result


_COUNTS = {"authors_count": "author count", "upvotes": "upvote count", "comments": "comment count"}
_LARGEST_COUNT = 2**63 - 1  # SQLite's largest integer


def _drop_impossible_counts(result: ParseResult) -> None:
    """A count no page can show (negative, or beyond what SQLite stores) is unknown, and said
    so: it used to end the import in an OverflowError."""
    for paper in result.papers:
        for name, label in _COUNTS.items():
            value = getattr(paper, name)
            if value is not None and not 0 <= value <= _LARGEST_COUNT:
                setattr(paper, name, None)
                result.warnings.append(
                    ParseWarning(
                        paper.line, f"the {label} {value} is impossible; stored as unknown"
                    )
                )


def parse_listing(listing: ListingText, options: ParseOptions | None = None) -> ParseResult:
    """Detect the format and parse. The one entry point the CLI and the window share."""
    return parse_as(detect(listing), listing, options)
