"""Shared fixtures. Qt runs offscreen; Qt warnings fail tests (see pyproject's qt_log_level_fail)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Real pages nobody on the team wrote, kept in the repository with their sources (README there).
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"
HF_TEXT_SAMPLES = sorted((SAMPLES / "hf-text").glob("*.txt"))
PAGE_SAMPLES = SAMPLES / "pages"


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"the sample pages are missing: expected them at {SAMPLES}")
    return SAMPLES
