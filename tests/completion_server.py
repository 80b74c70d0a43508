"""A local stand-in for Hugging Face's papers API and arXiv's query API, on 127.0.0.1.

It speaks the services' real formats: Hugging Face paper objects as in
`tests/fixtures/samples/pages/hf-api-daily-papers_one-item.json`, arXiv Atom feeds laid out as
the real 2026 response in `tests/fixtures/completion/` (sources in README.md there). Faults
(429 with Retry-After, 503, a stall, a cut-off answer) are queued per path and served once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from readinglist.core.normalize import title_key


@dataclass
class ServicePaper:
    arxiv_id: str
    title: str
    authors: list[str]
    published: dt.date
    abstract: str = "An abstract."
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    upvotes: int = 3
    github: str | None = None
    organization: tuple[str, str] | None = None  # (handle, full name)
    on_hugging_face: bool = True
    on_arxiv: bool = True


@dataclass
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # served instead of the real answer
    truncate: bool = False  # the real answer, cut in the middle
    stall: threading.Event | None = None  # wait for this before answering


@dataclass(frozen=True)
class Seen:
    at: float  # time.monotonic()
    path: str
    query: dict[str, str]
    user_agent: str


def hf_paper_json(paper: ServicePaper) -> dict[str, Any]:
    stamp = f"{paper.published.isoformat()}T17:08:18.000Z"
    digest = hashlib.sha1(paper.arxiv_id.encode()).hexdigest()[:24]
    data: dict[str, Any] = {
        "id": paper.arxiv_id,
        "authors": [
            {"_id": f"{digest[:20]}{i:04x}", "name": name, "hidden": False}
            for i, name in enumerate(paper.authors)
        ],
        "mediaUrls": [],
        "publishedAt": stamp,
        "submittedOnDailyAt": stamp,
        "title": paper.title,
        "summary": paper.abstract,
        "upvotes": paper.upvotes,
        "discussionId": digest,
    }
    if paper.github:
        data["githubRepo"] = paper.github
        data["githubRepoAddedBy"] = "user"
        data["githubStars"] = 9
    if paper.organization:
        handle, name = paper.organization
        data["organization"] = {"_id": digest, "name": handle, "fullname": name, "avatar": ""}
    return data


def hf_search_item(paper: ServicePaper) -> dict[str, Any]:
    inner = hf_paper_json(paper)
    return {
        "paper": inner,
        "publishedAt": inner["publishedAt"],
        "title": paper.title,
        "summary": paper.abstract,
        "mediaUrls": [],
        "numComments": 0,
        "isAuthorParticipating": False,
    }


def atom_entry(paper: ServicePaper) -> str:
    stamp = f"{paper.published.isoformat()}T18:48:36Z"
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{paper.arxiv_id}v1</id>",
        f"    <title>{escape(paper.title)}</title>",
        f"    <updated>{stamp}</updated>",
        f'    <link href="https://arxiv.org/abs/{paper.arxiv_id}v1" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{paper.arxiv_id}v1" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(paper.abstract)}</summary>",
    ]
    lines += [
        f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>'
        for c in paper.categories
    ]
    lines.append(f"    <published>{stamp}</published>")
    if paper.comment:
        lines.append(f"    <arxiv:comment>{escape(paper.comment)}</arxiv:comment>")
    if paper.journal_ref:
        lines.append(f"    <arxiv:journal_ref>{escape(paper.journal_ref)}</arxiv:journal_ref>")
    if paper.doi:
        lines.append(f"    <arxiv:doi>{escape(paper.doi)}</arxiv:doi>")
    lines.append(f"    <arxiv:primary_category term={quoteattr(paper.categories[0])}/>")
    for name in paper.authors:
        lines += ["    <author>", f"      <name>{escape(name)}</name>", "    </author>"]
    lines.append("  </entry>")
    return "\n".join(lines)


def atom_feed(query: str, papers: list[ServicePaper]) -> bytes:
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/qFNnN3Zc8bA02fouemuGZq2J4Tg</id>\n"
        f"  <title>arXiv Query: {escape(query)}</title>\n"
        "  <updated>2026-04-12T22:09:36Z</updated>\n"
        f"  <link href={quoteattr('https://arxiv.org/api/query?' + query)} "
        'type="application/atom+xml"/>\n'
        f"  <opensearch:itemsPerPage>{max(len(papers), 1)}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{len(papers)}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
    )
    body = "".join(atom_entry(p) + "\n" for p in papers)
    return (head + body + "</feed>\n").encode("utf-8")


class Services:
    """The papers both services know, the faults to serve, and every request seen."""

    def __init__(self) -> None:
        self.papers: list[ServicePaper] = []
        self.faults: dict[str, deque[Fault]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.hf_url = ""
        self.arxiv_url = ""

    def add(self, *papers: ServicePaper) -> None:
        self.papers.extend(papers)

    def fault(self, path: str, *faults: Fault) -> None:
        """Serve these (in order, once each) to the next requests whose path starts with
        `path` ("/api/query", "/api/papers/search", "/api/papers/")."""
        self.faults.setdefault(path, deque()).extend(faults)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith(path)]

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for prefix in sorted(self.faults, key=len, reverse=True):
                if path.startswith(prefix) and self.faults[prefix]:
                    return self.faults[prefix].popleft()
        return None

    # ------------------------------------------------------------- the services' answers
    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/api/papers/search":
            words = set(title_key(query.get("q", "")).split())
            scored = []
            for paper in self.papers:
                if not paper.on_hugging_face or not words:
                    continue
                overlap = len(words & set(title_key(paper.title).split())) / len(words)
                if overlap >= 0.5:
                    scored.append((-overlap, paper.arxiv_id, paper))
            items = [hf_search_item(p) for _s, _i, p in sorted(scored)[:10]]
            return 200, "application/json", json.dumps(items).encode()
        if path.startswith("/api/papers/"):
            wanted = urllib.parse.unquote(path[len("/api/papers/") :])
            for paper in self.papers:
                if paper.on_hugging_face and paper.arxiv_id == wanted:
                    return 200, "application/json", json.dumps(hf_paper_json(paper)).encode()
            return 404, "application/json", b'{"error":"Entry not found"}'
        if path == "/api/query":
            raw = urllib.parse.urlencode(query)
            if "id_list" in query:
                ids = [i for i in query["id_list"].split(",") if i]
                by_id = {p.arxiv_id: p for p in self.papers if p.on_arxiv}
                found = [by_id[i] for i in ids if i in by_id]
                return 200, "application/atom+xml", atom_feed(raw, found)
            phrase = query.get("search_query", "")
            if phrase.startswith('ti:"') and phrase.endswith('"'):
                phrase_words = title_key(phrase[4:-1]).split()
                found = [
                    p
                    for p in self.papers
                    if p.on_arxiv and _contains(title_key(p.title).split(), phrase_words)
                ]
                return 200, "application/atom+xml", atom_feed(raw, found[:10])
            return 400, "application/atom+xml", b""
        return 404, "text/html", b"<html><body>Not found</body></html>"


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """The phrase `needle` occurs in `haystack`, word for word."""
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _handler(services: Services) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
            with services.lock:
                services.seen.append(
                    Seen(time.monotonic(), split.path, query, self.headers.get("User-Agent", ""))
                )
            fault = services._take_fault(split.path)
            status, kind, body = services.answer(split.path, query)
            headers: dict[str, str] = {}
            if fault is not None:
                if fault.stall is not None:
                    fault.stall.wait(10)
                if fault.status != 200:
                    status = fault.status
                    body = fault.body if fault.body is not None else b"busy"
                    kind = "text/plain"
                elif fault.body is not None:
                    body = fault.body
                if fault.truncate:
                    body = body[: len(body) // 2]
                headers = fault.headers
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(services: Services) -> Iterator[Services]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(services))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fake-services", daemon=True
    )
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    services.hf_url = base
    services.arxiv_url = base
    try:
        yield services
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ----------------------------------------------------------------- generated answers
# Names with what bibtex finds hard: accents, particles, a suffix, a hyphen, one word.
_GIVEN = ["José", "Zoë", "Łukasz", "Anne-Marie", "Samyam", "Yuxiong", "Olatunji", "Chloé",
          "Jürgen", "Søren", "Hiroshi", "Ana", "Ivan", "Priya", "Tomás"]  # fmt: skip
_FAMILY = ["Núñez", "Müller", "Kaiser", "van der Berg", "Rajbhandari", "He", "Ruwase",
           "O'Neil", "Schmidhuber", "Ødegård", "Kamabe", "de la Cruz", "Petrov", "Iyer",
           "Smith Jr."]  # fmt: skip
_CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "cs.DC", "stat.ML", "eess.AS"]


def generated_papers(
    titles: list[tuple[str, int | None, dt.date | None, str]],
) -> list[ServicePaper]:
    """What the services would say about papers known by title (and author count, date and
    its precision): deterministic, derived from the titles alone."""
    papers = []
    for index, (title, authors_count, published, precision) in enumerate(titles, 1):
        digest = int(hashlib.sha256(title_key(title).encode()).hexdigest(), 16)
        count = authors_count or 1 + digest % 6
        if digest % 17 == 0:
            count = 1  # a one-word team name now and then
            authors = ["DeepSeek-AI"]
        else:
            authors = [
                f"{_GIVEN[(digest >> (4 * i)) % len(_GIVEN)]} "
                f"{_FAMILY[(digest >> (4 * i + 2)) % len(_FAMILY)]}"
                for i in range(count)
            ]
        if published is None:
            published = dt.date(2019 + digest % 7, 1 + digest % 12, 1 + digest % 28)
        elif precision == "year_inferred":
            published = published.replace(year=published.year - 1 + digest % 2)
        month = published.strftime("%y%m")
        papers.append(
            ServicePaper(
                arxiv_id=f"{month}.{index:05d}",
                title=title,
                authors=authors,
                published=published,
                abstract=f"The abstract of {title}.",
                categories=[_CATEGORIES[digest % len(_CATEGORIES)], "cs.AI"],
                doi=f"10.48550/arXiv.{month}.{index:05d}" if digest % 3 == 0 else None,
                journal_ref="NeurIPS 2024" if digest % 5 == 0 else None,
                upvotes=digest % 90,
                github=f"https://github.com/lab{digest % 50}/code{index}" if digest % 2 else None,
            )
        )
    return papers
