"""Hugging Face Papers pages saved as HTML (daily, weekly, monthly, trending, search).

The server renders the papers twice: as HTML-escaped JSON in the `data-props` attribute of the
`DailyPapers` component (complete: ids, authors, abstracts, dates) and as `<article>` cards.
We prefer the props; when they are missing, broken, or do not hold the papers the cards show
(search pages), we read the cards by their link targets (`/papers/<id>`, the upvote box's
`login?next=/papers/<id>`, `#community`), never by styling classes, which change often.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser, LexborNode

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.core.normalize import normalize_arxiv_id
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_dates import YearResolver, match_date
from readinglist.importers.hf_json import HF_PAPERS, is_paper_item, paper_from_item
from readinglist.importers.html_util import LineFinder, id_of, node_text, parse_html, squash

_PAPER_PATH = "/papers/"
_NOT_PAPER_IDS = {"trending", "date", "week", "month", "submit", ""}
_MIN_ABSTRACT = 80  # a link text this long under a card's title is the abstract, not a label


def _paper_id_of_href(href: str) -> str | None:
    """'/papers/2606.28322' or 'https://huggingface.co/papers/2606.28322' -> the id."""
    path = href.split("huggingface.co", 1)[-1] if "huggingface.co" in href else href
    if not path.startswith(_PAPER_PATH) or "#" in path or "?" in path:
        return None
    rest = path[len(_PAPER_PATH) :].strip("/")
    if "/" in rest or rest in _NOT_PAPER_IDS:
        return None
    return rest


def _upvote_id_of_href(href: str) -> str | None:
    """The upvote box of a logged-out page links to login?next=/papers/<id>."""
    _, _, query = href.partition("next=")
    return _paper_id_of_href(unquote(query)) if query else None


def _community_id_of_href(href: str) -> str | None:
    base, _, fragment = href.partition("#")
    return _paper_id_of_href(base) if fragment == "community" else None


def _count(text: str) -> int | None:
    text = text.strip().replace(",", "")
    if text in ("-", "–", "—"):
        return 0  # the page prints "-" for no upvotes
    return int(text) if text.isdigit() else None


def _parse_page_date(value: Any) -> tuple[dt.date | None, DatePrecision, str | None]:
    """The props' dateString: '2026-07-02', '2026-W27' (weekly) or '2026-07' (monthly)."""
    if not isinstance(value, str):
        return None, DatePrecision.UNKNOWN, None
    try:
        if "-W" in value:
            year, week = value.split("-W")
            monday = dt.date.fromisocalendar(int(year), int(week), 1)
            return monday, DatePrecision.DAY, f"the weekly page {value} is dated by its Monday"
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-01"), DatePrecision.MONTH, None
        return dt.date.fromisoformat(value[:10]), DatePrecision.DAY, None
    except ValueError:
        return None, DatePrecision.UNKNOWN, None


def _paper_lists(data: Any, depth: int = 0) -> list[list[Any]]:
    """Lists of paper records anywhere near the top of the props."""
    found: list[list[Any]] = []
    if depth > 3:
        return found
    if isinstance(data, list):
        if data and all(is_paper_item(item) for item in data):
            found.append(data)
        return found
    if isinstance(data, dict):
        for value in data.values():
            found.extend(_paper_lists(value, depth + 1))
    return found


class HuggingFaceHtmlImporter:
    name = "hf-html"
    label = "Hugging Face page (HTML)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:300_000]
        if head.lstrip()[:1] != "<":
            return 0.0
        if 'data-target="DailyPapers"' in head:
            return 0.98
        if "huggingface" in head.lower() and (
            'href="/papers/' in head or 'href="https://huggingface.co/papers/' in head
        ):
            return 0.95
        return 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        tree = parse_html(listing)
        if tree.body is None:
            raise ListingError(listing.path, "the HTML has no body; the file may be cut off")
        warnings: list[ParseWarning] = []
        assumptions: list[str] = []
        lines = LineFinder(listing.text)

        props, props_line = self._props(tree, listing, lines, warnings)
        page_date, precision, note = _parse_page_date(props.get("dateString") if props else None)
        if note:
            assumptions.append(note)
        from_props: list[ParsedPaper] = []
        for records in _paper_lists(props) if props else []:
            for record in records:
                made = paper_from_item(record, props_line)
                if isinstance(made, ParseWarning):
                    warnings.append(made)
                else:
                    from_props.append(made)

        years = YearResolver(listing, options, page_date)
        cards = self._cards(tree, listing, years, warnings)
        papers = self._choose(from_props, cards, warnings)
        if not papers:
            raise ListingError(listing.path, "no papers found on this Hugging Face page")
        if years.assumption():
            assumptions.append(str(years.assumption()))
        return ParseResult(
            format=self.name,
            papers=papers,
            page_date=page_date,
            page_date_precision=precision,
            warnings=warnings,
            assumptions=assumptions,
        )

    def _props(
        self,
        tree: LexborHTMLParser,
        listing: ListingText,
        lines: LineFinder,
        warnings: list[ParseWarning],
    ) -> tuple[dict[str, Any] | None, int]:
        node = tree.css_first('[data-target="DailyPapers"]')
        if node is None:
            return None, 1
        line = LineFinder(listing.text).find('data-target="DailyPapers"')
        raw = node.attributes.get("data-props")
        if not raw:
            warnings.append(ParseWarning(line, "the page's paper data is missing; read the cards"))
            return None, line
        try:
            data = json.loads(raw)  # the parser already unescaped the attribute's entities
        except json.JSONDecodeError as exc:
            warnings.append(
                ParseWarning(
                    line,
                    f"the page's paper data is not valid JSON ({exc.msg}); "
                    "the papers were read from the rendered cards",
                )
            )
            return None, line
        except RecursionError:
            warnings.append(
                ParseWarning(
                    line,
                    "the page's paper data nests too deep to read; "
                    "the papers were read from the rendered cards",
                )
            )
            return None, line
        if not isinstance(data, dict):
            warnings.append(ParseWarning(line, "the page's paper data has an unknown shape"))
            return None, line
        return data, line

    def _choose(
        self, from_props: list[ParsedPaper], cards: list[ParsedPaper], warnings: list[ParseWarning]
    ) -> list[ParsedPaper]:
        """The props when they hold every paper the cards show; otherwise the cards, each
        completed from the props record with the same id where there is one."""
        if not cards:
            return from_props
        by_key = {_key(p): p for p in from_props}
        if from_props and all(_key(card) in by_key for card in cards):
            # The props sit on one line; each paper's own line is where its card is.
            places = {_key(card): (card.line, card.column) for card in cards}
            for paper in from_props:
                paper.line, paper.column = places.get(_key(paper), (paper.line, paper.column))
            return from_props
        if from_props:
            warnings.append(
                ParseWarning(
                    None,
                    "the page's paper data does not hold the listed papers; "
                    "they were read from the rendered cards",
                )
            )
        return [by_key.get(_key(card), card) for card in cards]

    def _cards(
        self,
        tree: LexborHTMLParser,
        listing: ListingText,
        years: YearResolver,
        warnings: list[ParseWarning],
    ) -> list[ParsedPaper]:
        lines = LineFinder(listing.text)
        papers: dict[str, ParsedPaper] = {}
        seen_headings: set[Any] = set()
        for link in tree.css("h1 a[href], h2 a[href], h3 a[href], h4 a[href]"):
            paper_id = _paper_id_of_href(link.attributes.get("href") or "")
            title = node_text(link)
            if paper_id is None or not title or id_of(link) in seen_headings:
                continue
            seen_headings.add(id_of(link))
            card = _card_of(link, paper_id)
            parsed = self._card(card, link, paper_id, title, years)
            if paper_id in papers:  # the same card again (desktop and mobile layouts)
                _complete(papers[paper_id], parsed)
                continue
            # The link's own href ends with the id and a quote; the page's data (HTML-escaped
            # JSON) mentions the same path earlier, in image URLs, and must not match.
            parsed.line, parsed.column = lines.locate(f'/papers/{paper_id}"')
            papers[paper_id] = parsed
        return list(papers.values())

    def _card(
        self,
        card: LexborNode,
        title_link: LexborNode,
        paper_id: str,
        title: str,
        years: YearResolver,
    ) -> ParsedPaper:
        parsed = ParsedPaper(title=title, line=1, shown={"title": title, "id": paper_id})
        parsed.arxiv_id = normalize_arxiv_id(paper_id)
        if parsed.arxiv_id is None:
            parsed.url = HF_PAPERS + paper_id
        for link in card.css("a[href]"):
            href = link.attributes.get("href") or ""
            text = node_text(link)
            if _upvote_id_of_href(href) == paper_id:
                parsed.upvotes = _count(text)
            elif _community_id_of_href(href) == paper_id:
                parsed.comments = _count(text)
            elif _paper_id_of_href(href) == paper_id and id_of(link) != id_of(title_link):
                words = squash(text.replace("·", " ").replace("•", " ")).removeprefix("- ")
                count, _, rest = words.partition(" ")
                if rest in ("authors", "author") and count.replace(",", "").isdigit():
                    parsed.authors_count = int(count.replace(",", ""))
                elif len(text) >= _MIN_ABSTRACT and text != title and parsed.abstract is None:
                    parsed.abstract = text
            elif _is_profile_link(href) and link.css_first("img") is not None and text:
                parsed.organization_handle = href.strip("/").rsplit("/", 1)[-1]
                parsed.organization = text
        for node in card.traverse(include_text=True):
            if node.tag != "-text":
                continue
            date = match_date(node.text_content or "")
            if date is not None:
                parsed.published, parsed.published_precision = years.resolve(*date)
                parsed.shown["date"] = squash(node.text_content or "")
                break
        for key in ("upvotes", "comments", "authors_count", "organization"):
            value = getattr(parsed, key)
            if value is not None:
                parsed.shown[key] = value
        return parsed


def _key(paper: ParsedPaper) -> str:
    return paper.arxiv_id or paper.url or paper.title


def _is_profile_link(href: str) -> bool:
    """'/tencent' or 'https://huggingface.co/tencent': a user's or organization's page."""
    path = href.split("huggingface.co", 1)[-1] if "huggingface.co" in href else href
    return path.startswith("/") and path.count("/") == 1 and len(path) > 1 and "?" not in path


def _card_of(title_link: LexborNode, paper_id: str) -> LexborNode:
    """The largest element around the title that links to no other paper: the card."""
    card = title_link
    parent = title_link.parent
    while parent is not None and parent.tag not in ("body", "html"):
        for link in parent.css("a[href]"):
            href = link.attributes.get("href") or ""
            other = _paper_id_of_href(href) or _community_id_of_href(href)
            if other is not None and other != paper_id:
                return card
        card = parent
        parent = parent.parent
    return card


def _complete(first: ParsedPaper, second: ParsedPaper) -> None:
    """Fill what the first rendering of a card lacked from the second one."""
    for key in ("abstract", "upvotes", "comments", "authors_count", "organization", "published"):
        if getattr(first, key) is None and getattr(second, key) is not None:
            setattr(first, key, getattr(second, key))
            if key == "organization":
                first.organization_handle = second.organization_handle
            if key == "published":
                first.published_precision = second.published_precision


HF_HTML = HuggingFaceHtmlImporter()
