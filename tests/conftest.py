"""Shared fixtures. Qt runs offscreen; Qt warnings fail tests (see pyproject's qt_log_level_fail)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
HF_TEXT_SAMPLES = sorted((SAMPLES / "hf-text").glob("*.txt"))
PAGE_SAMPLES = SAMPLES / "pages"


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"the shared samples are missing: expected them at {SAMPLES}")
    return SAMPLES
