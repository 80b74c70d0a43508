"""The reading pane's HTML for one paper (plain Python; the pane only displays it).

Everything from a page or from the user is escaped: titles and abstracts go through the LaTeX
converter, which escapes HTML; notes are Markdown with raw HTML turned off, so `<script>` or
`<img src=...>` typed into a note shows as text.
"""

from __future__ import annotations

import html

import markdown

from readinglist.core.records import PaperRecord
from readinglist.core.texttools import latex_to_html
from readinglist.gui.format import published_long

_STYLE = """
<style>
h2 { margin-bottom: 4px; }
.meta { color: #808080; }
.section { margin-top: 12px; font-weight: bold; }
p { margin-top: 6px; }
</style>
"""


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def notes_html(notes: str) -> str:
    return _markdown().convert(notes)


def _link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'


def _paragraphs(fragment: str) -> str:
    blocks = [b.strip() for b in fragment.split("\n\n") if b.strip()]
    return "".join(f"<p>{b.replace(chr(10), '<br>')}</p>" for b in blocks)


def paper_html(record: PaperRecord) -> str:
    meta: list[str] = [html.escape(published_long(record))]
    if record.authors:
        shown = ", ".join(record.authors[:12])
        more = len(record.authors) - 12
        meta.append(html.escape(shown + (f" and {more} more" if more > 0 else "")))
    elif record.authors_count:
        meta.append(f"{record.authors_count} authors")
    if record.organization:
        meta.append(html.escape(record.organization))
    if record.comments is not None:
        meta.append(f"{record.comments} comment{'s' if record.comments != 1 else ''}")
    if record.upvotes is not None:
        meta.append(f"{record.upvotes} upvote{'s' if record.upvotes != 1 else ''}")
    links: list[str] = []
    if record.arxiv_id:
        links.append(_link(f"https://arxiv.org/abs/{record.arxiv_id}", f"arXiv:{record.arxiv_id}"))
    elif record.url:
        links.append(_link(record.url, "Paper page"))
    links.extend(_link(url, "Code") for url in record.code_urls)
    parts = [_STYLE, f"<h2>{latex_to_html(record.title)}</h2>"]
    parts.append(f'<div class="meta">{" · ".join(meta)}</div>')
    if links:
        parts.append(f'<div class="meta">{" · ".join(links)}</div>')
    if record.sources:
        names = ", ".join(
            f"{html.escape(source.name)} (#{source.position})" for source in record.sources
        )
        parts.append(f'<div class="meta">Seen in: {names}</div>')
    if record.lists:
        parts.append(
            f'<div class="meta">Reading lists: {html.escape(", ".join(record.lists))}</div>'
        )
    if record.abstract:
        parts.append('<div class="section">Abstract</div>')
        parts.append(_paragraphs(latex_to_html(record.abstract)))
    else:
        parts.append('<p class="meta"><i>No abstract on the pages it came from.</i></p>')
    if record.ai_summary:
        parts.append('<div class="section">Summary (from the page)</div>')
        parts.append(_paragraphs(latex_to_html(record.ai_summary)))
    if record.notes.strip():
        parts.append('<div class="section">Notes</div>')
        parts.append(notes_html(record.notes))
    return "".join(parts)


EMPTY_HTML = "<p style='color: gray'>Select a paper to read it here.</p>"
