"""The importer contract, reading files safely, and format detection by content.

Each format lives in its own module and registers one `Importer`. Detection asks every importer
how sure it is (`sniff`, 0.0-1.0) and the most confident one parses the file; nothing above the
threshold means the file is not a listing we read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from readinglist.core.database import is_open_library_file
from readinglist.core.entries import ParseResult
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
        except UnicodeDecodeError:
            raise not_utf8 from None


def is_page_resources_folder(path: Path) -> bool:
    """A browser's "Webpage, complete" save writes `page.html` plus a `page_files` folder of
    images and scripts. The folder is no listing; importing both means importing the page."""
    if not path.is_dir() or not path.name.endswith("_files"):
        return False
    stem = path.name[: -len("_files")]
    return any((path.parent / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm"))


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
    try:
        if path.is_dir():
            raise ListingError(path, "this is a folder, not a saved page")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ListingError(
                path, f"the file is {size // (1024 * 1024)} MB; listing pages are under 64 MB"
            )
        raw = path.read_bytes()
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        raise ListingError(path, "no such file") from None
    except PermissionError:
        raise ListingError(path, "permission denied") from None
    except IsADirectoryError:
        raise ListingError(path, "this is a folder, not a saved page") from None
    except OSError as exc:
        raise ListingError(path, f"cannot be read ({exc.strerror})") from None
    return ListingText(
        text=_normalize_newlines(decode_listing(raw, path)), path=path, raw=raw, modified=modified
    )


def listing_from_text(text: str) -> ListingText:
    """Pasted text (e.g. Ctrl+V in the window): no file, no modification time."""
    if not text.strip():
        raise ListingError(None, "the pasted text is empty")
    return ListingText(
        text=_normalize_newlines(text.lstrip("\ufeff")),
        path=None,
        raw=text.encode("utf-8"),
        modified=None,
    )


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
        return importer.parse(listing, options or ParseOptions())


def parse_listing(listing: ListingText, options: ParseOptions | None = None) -> ParseResult:
    """Detect the format and parse. The one entry point the CLI and the window share."""
    return parse_as(detect(listing), listing, options)
