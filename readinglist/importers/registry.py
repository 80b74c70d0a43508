"""The registered importers. A new format adds its module here; the order breaks ties."""

from __future__ import annotations

from readinglist.importers.arxiv_html import ARXIV_HTML
from readinglist.importers.arxiv_text import ARXIV_TEXT
from readinglist.importers.base import Importer
from readinglist.importers.hf_api_json import HF_API_JSON
from readinglist.importers.hf_html import HF_HTML
from readinglist.importers.hf_linked_text import HF_LINKED_TEXT
from readinglist.importers.hf_markdown import HF_MARKDOWN
from readinglist.importers.hf_terminal import HF_TERMINAL
from readinglist.importers.hf_text import HF_TEXT

IMPORTERS: tuple[Importer, ...] = (
    HF_TEXT,
    HF_HTML,
    HF_API_JSON,
    ARXIV_HTML,
    ARXIV_TEXT,
    HF_MARKDOWN,
    HF_LINKED_TEXT,
    HF_TERMINAL,
)
