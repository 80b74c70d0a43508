"""Completion from arXiv and Hugging Face, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.core.completion.arxiv import ArxivClient, parse_feed
from readinglist.core.completion.hf import HuggingFaceClient, paper_from_json
from readinglist.core.completion.http import (
    USER_AGENT,
    Clock,
    CompletionCancelled,
    NetworkDisabled,
    NetworkError,
    retry_after_seconds,
)
from readinglist.core.completion.matching import MatchKind, family_name, match
from readinglist.core.completion.remote import RemotePaper, ServiceFormatError
from readinglist.core.completion.service import (
    Completer,
    Outcome,
    field_sources,
    incomplete_ids,
)
from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.library import Library
from tests.completion_server import Fault, ServicePaper, Services, serve
from tests.conftest import NetworkUsed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "completion"
SAMPLE_HF = Path(__file__).resolve().parent / "fixtures" / "samples" / "pages"


class FakeClock(Clock):
    """Time that passes only when the code under test sleeps: no test waits 3 s."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float, cancelled: object) -> None:
        self.sleeps.append(round(seconds, 3))
        self.time += seconds


@pytest.fixture
def services() -> Iterator[Services]:
    with serve(Services()) as running:
        yield running


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


def store(library: Library, *papers: ParsedPaper) -> list[int]:
    result = ParseResult(format="test", papers=list(papers))
    digest = hashlib.sha256(repr(papers).encode()).hexdigest()
    library.import_result(result, file_name="page.txt", file_path=None, sha256=digest)
    return sorted(library.search_ids("", None))


def completer(library: Library, services: Services, clock: Clock | None = None) -> Completer:
    clock = clock or FakeClock()
    return Completer(
        library,
        hugging_face=HuggingFaceClient(services.hf_url, clock=clock),
        arxiv=ArxivClient(services.arxiv_url, clock=clock),
    )


ZERO = ServicePaper(
    arxiv_id="1910.02054",
    title="ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
    authors=["Samyam Rajbhandari", "Jeff Rasley", "Olatunji Ruwase", "Yuxiong He"],
    published=dt.date(2019, 10, 4),
    categories=["cs.LG", "cs.DC", "stat.ML"],
    doi="10.1109/SC41405.2020.00024",
    journal_ref="SC20: International Conference for High Performance Computing",
    github="https://github.com/microsoft/DeepSpeed",
    organization=("microsoft", "Microsoft"),
    upvotes=12,
)


# ----------------------------------------------------------------- the services' formats
def test_a_real_arxiv_id_list_answer_gives_every_field() -> None:
    papers, errors = parse_feed((FIXTURES / "arxiv_id_list_1111.2011v2.xml").read_bytes(), "h")
    assert errors == []
    [paper] = papers
    assert paper.arxiv_id == "1111.2011"
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.authors == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert paper.published == dt.date(2011, 11, 8)  # the first version, not <updated>
    assert paper.doi == "10.1103/PhysRevB.85.115117"
    assert paper.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.primary_class == "cond-mat.str-el"
    assert paper.subjects == ["cond-mat.str-el", "cond-mat.stat-mech"]


def test_the_2026_layout_and_an_unknown_id_in_one_batch() -> None:
    body = (FIXTURES / "arxiv_id_list_0808.05394_1707.08567.xml").read_bytes()
    papers, errors = parse_feed(body, "h")
    assert errors == []
    assert [p.arxiv_id for p in papers] == ["1707.08567"]  # 0808.05394 has no entry
    assert len(papers[0].authors or []) == 34
    assert papers[0].primary_class == "cs.IT"
    assert papers[0].doi is None


def test_an_arxiv_error_entry_is_an_error_not_a_paper() -> None:
    papers, errors = parse_feed((FIXTURES / "arxiv_id_list_error_abc.xml").read_bytes(), "h")
    assert papers == []
    assert errors == ["incorrect id format for abc"]


def test_a_real_hugging_face_item_gives_id_authors_code_and_organization() -> None:
    import json

    items = json.loads((SAMPLE_HF / "hf-api-daily-papers_one-item.json").read_text())
    paper = paper_from_json(items[0])
    assert paper is not None
    assert paper.arxiv_id == "2602.23229"
    assert paper.authors is not None and paper.authors[0] == "Marco Garosi"
    assert paper.published == dt.date(2026, 2, 26)
    assert paper.code_urls == ["https://github.com/marco-garosi/CIRCLE"]
    assert paper.organization == "Multimedia and Human Understanding Group"
    assert paper.organization_handle == "MHUGLab"
    assert paper.upvotes == 10


# ----------------------------------------------------------------- matching never guesses
def _remote(arxiv_id: str, title: str, authors: list[str] | None = None) -> RemotePaper:
    return RemotePaper(source="arxiv", arxiv_id=arxiv_id, title=title, authors=authors)


def test_matching_takes_the_identity_rule_and_nothing_looser() -> None:
    exact = _remote("2401.00001", "Pre-Training:  a Study")
    near = _remote("2401.00002", "Pre-Training: a Study 2")
    assert match("pre training a study", None, [near, exact]).paper == exact
    verdict = match("Pre-Training: a Study", None, [near])
    assert verdict.kind is MatchKind.NOT_FOUND and verdict.candidates == [near]


def test_the_first_authors_family_name_must_agree_when_both_sides_know_it() -> None:
    theirs = _remote("2401.00001", "A Study", ["Adrian Del Maestro", "B"])
    assert match("A Study", ["Del Maestro, Adrian"], [theirs]).kind is MatchKind.FOUND
    assert match("A Study", ["Jane Smith"], [theirs]).kind is MatchKind.NOT_FOUND
    assert match("A Study", None, [theirs]).kind is MatchKind.FOUND
    assert family_name("José Núñez Jr.") == "nunez"


def test_two_papers_sharing_a_title_are_ambiguous() -> None:
    one, two = _remote("2401.00001", "Attention"), _remote("2402.00002", "Attention")
    verdict = match("Attention", None, [one, two, one])
    assert verdict.kind is MatchKind.AMBIGUOUS
    assert {c.arxiv_id for c in verdict.candidates} == {"2401.00001", "2402.00002"}


# ----------------------------------------------------------------- planning and applying
def test_a_bare_paper_is_completed_with_its_sources_recorded(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    [paper_id] = store(
        library,
        ParsedPaper(
            title=ZERO.title,
            line=1,
            abstract="Kept as it was.",
            published=dt.date(2025, 10, 4),
            published_precision=DatePrecision.YEAR_INFERRED,
        ),
    )
    library.set_notes(paper_id, "mine")
    library.set_rating([paper_id], 4)
    run = completer(library, services)
    [plan] = list(run.plan([paper_id]))
    assert plan.outcome is Outcome.COMPLETE
    assert "date 2019-10-04 (was 2025-10-04, year assumed)" in plan.describe()
    assert library.get(paper_id).arxiv_id is None  # planning writes nothing
    applied = run.apply(plan)
    record = library.get(paper_id)
    assert record.arxiv_id == "1910.02054"
    assert record.authors == ZERO.authors and record.authors_count == 4
    assert (record.published, record.published_precision) == (dt.date(2019, 10, 4), "day")
    assert record.primary_class == "cs.LG" and record.doi == ZERO.doi
    assert record.journal_ref == ZERO.journal_ref
    assert record.code_urls == ["https://github.com/microsoft/DeepSpeed"]
    assert (record.organization, record.upvotes) == ("Microsoft", 12)
    assert record.url == "https://arxiv.org/abs/1910.02054"
    assert record.abstract == "Kept as it was."  # never overwritten
    assert (record.notes, record.rating) == ("mine", 4)
    sources = {s.field: s for s in field_sources(library, paper_id)}
    assert sources["authors"].source == "arxiv" and sources["authors"].reference == "1910.02054"
    assert sources["upvotes"].source == "huggingface"
    assert sources["arxiv_id"].source == "huggingface"  # Hugging Face found the id
    assert "abstract" not in sources
    # One request per service kind: a search, then the batch of ids.
    assert len(services.requests_to("/api/papers/search")) == 1
    assert len(services.requests_to("/api/query")) == 1
    assert all(s.user_agent == USER_AGENT for s in services.seen)
    assert "ReadingList" in USER_AGENT
    # Undo and redo give back exactly what was there.
    run.revert([applied])
    back = library.get(paper_id)
    assert back.arxiv_id is None and back.authors is None and back.doi is None
    assert (back.published, back.published_precision) == (dt.date(2025, 10, 4), "year_inferred")
    assert field_sources(library, paper_id) == []
    run.reapply([applied])
    assert library.get(paper_id).arxiv_id == "1910.02054"
    assert len(field_sources(library, paper_id)) == len(sources)


def test_nothing_already_known_is_overwritten(library: Library, services: Services) -> None:
    services.add(ZERO)
    [paper_id] = store(
        library,
        ParsedPaper(
            title=ZERO.title,
            line=1,
            authors=["Samyam Rajbhandari", "Someone Else"],
            published=dt.date(2019, 10, 3),
            published_precision=DatePrecision.DAY,
            upvotes=99,
        ),
    )
    run = completer(library, services)
    [plan] = list(run.plan([paper_id]))
    run.apply(plan)
    record = library.get(paper_id)
    assert record.authors == ["Samyam Rajbhandari", "Someone Else"]
    assert record.published == dt.date(2019, 10, 3)
    assert record.upvotes == 99
    assert record.arxiv_id == "1910.02054" and record.doi == ZERO.doi


def test_a_near_title_is_not_accepted_and_changes_nothing(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    [paper_id] = store(
        library, ParsedPaper(title="ZeRO: Memory Optimizations Toward Training", line=1)
    )
    [plan] = list(completer(library, services).plan([paper_id]))
    assert plan.outcome is Outcome.NOT_FOUND
    assert [c.arxiv_id for c in plan.candidates] == ["1910.02054"]
    assert "closest titles" in plan.describe() and "1910.02054" in plan.describe()
    # Hugging Face found nothing that fits, so arXiv was asked by title.
    [title_search] = [s for s in services.requests_to("/api/query") if "search_query" in s.query]
    assert title_search.query["search_query"] == 'ti:"ZeRO Memory Optimizations Toward Training"'


def test_two_papers_sharing_one_title_are_reported_ambiguous(
    library: Library, services: Services
) -> None:
    services.add(
        ServicePaper("2401.00001", "Scaling Laws", ["Ann Lee"], dt.date(2024, 1, 1)),
        ServicePaper("2402.00002", "Scaling Laws", ["Bo Chen"], dt.date(2024, 2, 1)),
    )
    [paper_id] = store(library, ParsedPaper(title="Scaling laws", line=1))
    run = completer(library, services)
    [plan] = list(run.plan([paper_id]))
    assert plan.outcome is Outcome.AMBIGUOUS
    assert "2401.00001" in plan.describe() and "2402.00002" in plan.describe()
    assert not run.apply(plan).changed
    assert library.get(paper_id).arxiv_id is None


def test_the_arxiv_title_search_finds_what_hugging_face_lacks(
    library: Library, services: Services
) -> None:
    services.add(
        ServicePaper(
            "hep-th/9901001", "Old Physics: A \"Quoted\" Title", ["A. Físico"],
            dt.date(1999, 1, 1), categories=["hep-th"], on_hugging_face=False,
        )
    )  # fmt: skip
    [paper_id] = store(library, ParsedPaper(title="Old physics: a quoted title", line=1))
    run = completer(library, services)
    [plan] = list(run.plan([paper_id]))
    assert plan.outcome is Outcome.COMPLETE, plan.describe()
    run.apply(plan)
    record = library.get(paper_id)
    assert record.arxiv_id == "hep-th/9901001" and record.primary_class == "hep-th"
    assert {s.source for s in field_sources(library, paper_id)} == {"arxiv"}


def test_a_known_id_is_looked_up_by_id_and_on_hugging_face(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    [paper_id] = store(library, ParsedPaper(title="ZeRO", line=1, arxiv_id="1910.02054"))
    run = completer(library, services)
    [plan] = list(run.plan([paper_id]))
    run.apply(plan)
    record = library.get(paper_id)
    assert record.authors == ZERO.authors and record.upvotes == 12
    assert services.requests_to("/api/papers/search") == []
    assert len(services.requests_to("/api/papers/1910.02054")) == 1


def test_an_id_another_paper_has_goes_the_duplicate_path(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    ids = store(
        library,
        ParsedPaper(title="ZeRO (the arXiv listing's copy)", line=1, arxiv_id="1910.02054"),
        ParsedPaper(title=ZERO.title, line=2),
    )
    existing, bare = ids
    run = completer(library, services)
    plans = {p.paper_id: p for p in run.plan([bare])}
    assert plans[bare].outcome is Outcome.DUPLICATE
    assert plans[bare].duplicate_of == existing
    assert f"readinglist merge {existing} {bare}" in plans[bare].describe()
    assert not run.apply(plans[bare]).changed


def test_an_id_taken_between_plan_and_apply_is_reported_not_a_traceback(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    [bare] = store(library, ParsedPaper(title=ZERO.title, line=1))
    run = completer(library, services)
    [plan] = list(run.plan([bare]))
    store(library, ParsedPaper(title="Another copy", line=1, arxiv_id="1910.02054"))
    applied = run.apply(plan)
    assert not applied.changed and applied.duplicate_of is not None
    assert library.get(bare).arxiv_id is None


def test_two_papers_resolving_to_one_id_in_a_run(library: Library, services: Services) -> None:
    # arXiv still knows the paper under its first title, Hugging Face under the new one.
    first_title = ServicePaper(ZERO.arxiv_id, "ZeRO: a first title", ZERO.authors,
                               ZERO.published, on_hugging_face=False)  # fmt: skip
    services.add(first_title, ZERO)
    first, second = store(
        library,
        ParsedPaper(title=ZERO.title, line=1),
        ParsedPaper(title="ZeRO: a first title", line=2),
    )
    plans = list(completer(library, services).plan([first, second]))
    assert [p.outcome for p in plans] == [Outcome.COMPLETE, Outcome.DUPLICATE]


def test_ids_are_asked_100_at_a_time_with_3_s_between_arxiv_requests(
    library: Library, services: Services
) -> None:
    papers = [
        ServicePaper(f"2401.{i:05d}", f"Paper number {i}", [f"Author {i}"], dt.date(2024, 1, 2))
        for i in range(250)
    ]
    services.add(*papers)
    ids = store(library, *[ParsedPaper(title=p.title, line=1, arxiv_id=p.arxiv_id) for p in papers])
    clock = FakeClock()
    run = Completer(
        library,
        hugging_face=HuggingFaceClient(services.hf_url, clock=FakeClock()),
        arxiv=ArxivClient(services.arxiv_url, clock=clock),
    )
    plans = list(run.plan(ids))
    assert sum(p.outcome is Outcome.COMPLETE for p in plans) == 250
    batches = [s.query["id_list"].count(",") + 1 for s in services.requests_to("/api/query")]
    assert batches == [100, 100, 50]
    # The first request goes at once; each later one waits out the 3 s since the last.
    assert clock.sleeps == [3.0, 3.0]


def test_two_look_ups_in_one_process_keep_the_spacing_between_them(services: Services) -> None:
    clock = FakeClock()
    for _ in range(2):
        ArxivClient(services.arxiv_url, clock=clock).by_ids(["1910.02054"], lambda: False)
    assert clock.sleeps == [3.0]


def test_the_default_spacing_is_3_s_and_the_environment_may_change_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert ArxivClient("http://127.0.0.1:1").http.limiter.spacing == 3.0
    monkeypatch.setenv("READINGLIST_ARXIV_SPACING", "0.5")
    assert ArxivClient("http://127.0.0.1:1").http.limiter.spacing == 0.5


# ----------------------------------------------------------------- when the services fail
def test_429_with_retry_after_is_waited_out_then_retried(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    services.fault("/api/query", Fault(status=429, headers={"Retry-After": "7"}))
    [paper_id] = store(library, ParsedPaper(title=ZERO.title, line=1))
    clock = FakeClock()
    run = completer(library, services, clock)
    [plan] = list(run.plan([paper_id]))
    assert plan.outcome is Outcome.COMPLETE
    assert 7.0 in clock.sleeps
    assert len(services.requests_to("/api/query")) == 2


def test_503_is_retried_with_backoff(library: Library, services: Services) -> None:
    services.add(ZERO)
    services.fault("/api/papers/search", Fault(status=503), Fault(status=503))
    [paper_id] = store(library, ParsedPaper(title=ZERO.title, line=1))
    clock = FakeClock()
    [plan] = list(completer(library, services, clock).plan([paper_id]))
    assert plan.outcome is Outcome.COMPLETE
    assert clock.sleeps[:2] == [2.0, 4.0]


def test_a_service_that_keeps_failing_is_one_sentence(services: Services) -> None:
    services.fault("/api/query", *[Fault(status=503) for _ in range(4)])
    client = ArxivClient(services.arxiv_url, clock=FakeClock())
    with pytest.raises(NetworkError, match=r"^could not reach 127\.0\.0\.1: HTTP 503"):
        client.by_ids(["1910.02054"], lambda: False)


def test_a_stalled_answer_times_out(services: Services) -> None:
    release = threading.Event()
    services.fault("/api/papers/search", *[Fault(stall=release) for _ in range(2)])
    client = HuggingFaceClient(services.hf_url, clock=FakeClock())
    client.http.timeout = 0.2
    try:
        with pytest.raises(NetworkError, match="timed out"):
            client.search("anything", lambda: False)
    finally:
        release.set()
    assert len(services.requests_to("/api/papers/search")) == 2  # tried, then retried once


def test_cut_off_xml_is_one_sentence_and_changes_nothing(
    library: Library, services: Services
) -> None:
    services.add(ZERO)
    services.fault("/api/query", Fault(truncate=True))
    [paper_id] = store(library, ParsedPaper(title=ZERO.title, line=1))
    with pytest.raises(ServiceFormatError, match="not complete Atom XML"):
        list(completer(library, services).plan([paper_id]))
    assert library.get(paper_id).arxiv_id is None


def test_an_unreachable_service_names_its_host() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    client = ArxivClient(f"http://127.0.0.1:{port}", clock=FakeClock())
    with pytest.raises(NetworkError, match=r"^could not reach 127\.0\.0\.1: "):
        client.by_ids(["1910.02054"], lambda: False)


def test_the_network_setting_turns_every_request_down(
    monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    monkeypatch.setenv("READINGLIST_NETWORK", "off")
    with pytest.raises(NetworkDisabled):
        HuggingFaceClient(services.hf_url).search("x", lambda: False)
    assert services.seen == []


def test_cancel_stops_before_the_next_request(library: Library, services: Services) -> None:
    services.add(ZERO)
    [paper_id] = store(library, ParsedPaper(title=ZERO.title, line=1))
    with pytest.raises(CompletionCancelled):
        list(completer(library, services).plan([paper_id], cancelled=lambda: True))
    assert services.seen == []


def test_retry_after_as_an_http_date() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("12", now) == 12.0
    assert retry_after_seconds("soon", now) is None


def test_incomplete_papers_are_those_lacking_an_id_authors_or_a_date(library: Library) -> None:
    _complete, no_date, assumed = store(
        library,
        ParsedPaper(
            title="A", line=1, arxiv_id="2401.00001", authors=["X"],
            published=dt.date(2024, 1, 1), published_precision=DatePrecision.DAY,
        ),
        ParsedPaper(title="B", line=2, arxiv_id="2401.00002", authors=["X"]),
        ParsedPaper(
            title="C", line=3, arxiv_id="2401.00003", authors=["X"],
            published=dt.date(2024, 1, 1), published_precision=DatePrecision.YEAR_INFERRED,
        ),
    )  # fmt: skip
    assert incomplete_ids(library) == [no_date, assumed]


# ----------------------------------------------------------------- the guard itself
def test_the_guard_fails_a_connection_off_this_machine() -> None:
    with pytest.raises(NetworkUsed):
        urllib.request.urlopen("http://192.0.2.1/", timeout=1)  # TEST-NET-1, never routed
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("export.arxiv.org", 443)


def test_a_version_1_library_upgrades_with_its_papers_and_a_backup(tmp_path: Path) -> None:
    import shutil
    import sqlite3

    path = tmp_path / "library.sqlite"
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "library-v1.sqlite", path)
    before = sqlite3.connect(path).execute("SELECT count(*) FROM papers").fetchone()[0]
    library = Library(path)
    try:
        ids = library.search_ids("", None)
        assert len(ids) == before > 0
        assert library.get(ids[0]).doi is None
        assert field_sources(library, ids[0]) == []
    finally:
        library.close()
    assert list(tmp_path.glob("library.sqlite.backup-*"))
