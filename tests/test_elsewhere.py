"""A big page is read and parsed in a child process: the same papers, the same errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.core.errors import ImportCancelled, ListingError
from readinglist.importers import ParseOptions, parse_listing, read_listing
from readinglist.importers.elsewhere import parse_elsewhere
from tests.conftest import HF_TEXT_SAMPLES


def test_a_child_parses_what_this_process_would() -> None:
    path = HF_TEXT_SAMPLES[0]
    here = read_listing(path)
    listing, result = parse_elsewhere(path, 2025, lambda: False)
    assert result == parse_listing(here, ParseOptions(year=2025))
    assert listing.sha256 == here.sha256 and listing.path == path and listing.text == ""


def test_errors_come_back_as_one_sentence(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("milk\neggs\n")
    with pytest.raises(ListingError, match=r"^notes.txt: this does not look like a listing"):
        parse_elsewhere(junk, None, lambda: False)
    with pytest.raises(ListingError, match="no such file"):
        parse_elsewhere(tmp_path / "gone.txt", None, lambda: False)


def test_a_file_changed_since_its_preview_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(HF_TEXT_SAMPLES[0].read_bytes())
    listing, _ = parse_elsewhere(page, None, lambda: False)
    page.write_bytes(HF_TEXT_SAMPLES[1].read_bytes())
    with pytest.raises(ListingError, match="changed since it was read"):
        parse_elsewhere(page, 2024, lambda: False, listing.sha256)


def test_cancel_stops_the_child() -> None:
    with pytest.raises(ImportCancelled):
        parse_elsewhere(HF_TEXT_SAMPLES[0], None, lambda: True)
