"""Related papers follow the library: imports, deletions, merges, undo, reopening; the `like:`
query word; and `readinglist related` on the command line."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.core.entries import ParsedPaper, ParseResult
from readinglist.core.errors import QueryError, UserError
from readinglist.core.library import Library
from readinglist.core.related import RelatedPapers
from readinglist.core.related.analyze import terms
from readinglist.related_command import answer_like

TOPICS = {
    "speech": "speech recognition acoustic model transcription audio spoken utterance",
    "bash": "bash shell command line terminal script unix interactive execution",
    "citation": "citation attribution source grounding reference verification evidence",
}


def paper(title: str, topic: str, extra: str = "") -> ParsedPaper:
    return ParsedPaper(title=title, line=1, abstract=f"We study {TOPICS[topic]} {extra}.")


def add(library: Library, name: str, papers: list[ParsedPaper]) -> list[int]:
    summary = library.import_result(
        ParseResult(format="test", papers=papers),
        file_name=name,
        file_path=None,
        sha256=hashlib.sha256(name.encode()).hexdigest(),
    )
    return [e.paper_id for e in summary.entries if e.paper_id is not None]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library(tmp_path / "library.sqlite")
    add(
        library,
        "first.txt",
        [
            paper(f"{topic.title()} paper {n}", topic, f"variant{n}")
            for topic in TOPICS
            for n in range(4)
        ],
    )
    yield library
    library.close()


def titles(library: Library, ids: list[int]) -> list[str]:
    return [r.title for r in library.get_many(ids)]


def test_terms_fold_plurals_and_drop_function_words() -> None:
    assert terms("The models and a model; studies of Bash scripts 2024") == {
        "model": 2,
        "study": 1,
        "bash": 1,
        "script": 1,
    }


def test_more_like_this_finds_the_same_topic_with_reasons(library: Library) -> None:
    related = RelatedPapers(library)
    related.refresh()
    speech = library.search_ids('title:"Speech paper 0"')[0]
    found = related.more_like(speech, limit=3)
    assert [t.split(" paper")[0] for t in titles(library, [p.paper_id for p in found])] == [
        "Speech"
    ] * 3
    assert speech not in [p.paper_id for p in found]
    assert found[0].score >= found[1].score >= found[2].score
    assert set(found[0].words) <= set(TOPICS["speech"].split())
    with pytest.raises(UserError, match="no paper with id 999"):
        related.more_like(999)


def test_the_model_follows_imports_deletions_merges_and_undo(library: Library) -> None:
    related = RelatedPapers(library)
    related.refresh()
    bash = library.search_ids('title:"Bash paper 0"')[0]
    new = add(library, "second.txt", [paper("Shell agents", "bash", "agents")])[0]
    assert related.refresh() == 1
    assert new in [p.paper_id for p in related.more_like(bash, limit=4)]

    deleted = library.delete_papers([new])
    related.refresh()
    assert new not in [p.paper_id for p in related.more_like(bash, limit=10)]
    library.restore(deleted)
    related.refresh()
    assert new in [p.paper_id for p in related.more_like(bash, limit=4)]

    other = library.search_ids('title:"Bash paper 1"')[0]
    library.merge(bash, other)
    related.refresh()
    assert other not in [p.paper_id for p in related.more_like(bash, limit=10)]


def test_a_new_paper_after_a_deleted_newest_one_is_in_the_model(
    library: Library,
) -> None:
    """Deleting the newest paper never frees its id (paper_ids): the next import takes the one
    after it, and the model, which finds new papers by id, learns about it."""
    related = RelatedPapers(library)
    related.refresh()
    newest = max(library.search_ids(""))
    library.delete_papers([newest])
    related.refresh()
    again = add(library, "third.txt", [paper("Terminal agents", "bash", "agents")])[0]
    assert again == newest + 1  # never the deleted paper's id
    related.refresh()
    bash = library.search_ids('title:"Bash paper 0"')[0]
    assert again in [p.paper_id for p in related.more_like(bash, limit=4)]


def test_the_model_is_kept_in_the_library_file(library: Library) -> None:
    first = RelatedPapers(library)
    assert not first.has_cached_model()
    first.refresh()
    speech = library.search_ids('title:"Speech paper 0"')[0]
    before = first.more_like(speech, limit=5)
    added = add(library, "second.txt", [paper("Speech again", "speech", "again")])
    first.refresh()

    library.close()
    reopened = Library(library.path)
    try:
        again = RelatedPapers(reopened)
        assert again.has_cached_model()
        assert again.refresh() == 0  # loaded, nothing rebuilt or re-read
        after = again.more_like(speech, limit=4)
        assert added[0] in [p.paper_id for p in after]
        assert all(t.startswith("Speech") for t in titles(reopened, [p.paper_id for p in after]))
        assert before[0].paper_id in [p.paper_id for p in after]
        # A paper changed while the model was not looking is caught up on the next start.
        add(reopened, "third.txt", [paper("Citation tools", "citation", "tools")])
        third = RelatedPapers(reopened)
        assert third.refresh() == 1
    finally:
        reopened.close()


def test_suggestions_for_a_list_rank_its_topic_with_the_words(library: Library) -> None:
    related = RelatedPapers(library)
    citation = library.search_ids("title:citation")
    suggestions = related.suggest(citation[:2], limit=2)
    assert {
        t.split(" paper")[0] for t in titles(library, [p.paper_id for p in suggestions.papers])
    } == {"Citation"}
    assert not set(citation[:2]) & {p.paper_id for p in suggestions.papers}
    assert set(suggestions.words[:3]) <= set(TOPICS["citation"].split()) | {"variant0", "variant1"}
    assert related.suggest([], limit=3).papers == []


def test_like_combines_with_other_filters_and_sorts_by_similarity(library: Library) -> None:
    speech = library.search_ids('title:"Speech paper 0"')[0]
    with pytest.raises(QueryError, match="not ready"):
        library.search_ids(f"like:{speech}")
    answer_like(library)
    related = RelatedPapers(library)
    expected = [p.paper_id for p in related.more_like(speech, limit=50)]
    assert library.search_ids(f"like:{speech}")[: len(expected)] == expected
    library.set_status(expected[:1], "read")
    assert library.search_ids(f"like:{speech} -status:read")[:2] == expected[1:3]
    assert library.search_ids(f"like:{speech} title:speech sort:title") == sorted(
        [i for i in expected if "Speech" in library.get(i).title],
        key=lambda i: library.get(i).title.lower(),
    )
    with pytest.raises(QueryError, match="like: takes a paper's id"):
        library.search_ids("like:'; DROP TABLE papers")
    with pytest.raises(QueryError, match="sort:similarity needs"):
        library.search_ids("speech sort:similarity")


def run(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READINGLIST_LIBRARY": str(library), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "readinglist.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_command_line(library: Library) -> None:
    speech = library.search_ids('title:"Speech paper 0"')[0]
    bash = library.search_ids("title:bash")
    library.create_list("Shells")
    library.add_to_list("Shells", bash[:2])
    library.add_tags(bash[:2], ["shell"])
    library.save_search("Terminals", 'title:"Bash paper 0"')
    path = library.path
    library.close()

    done = run(path, "related", str(speech), "--limit", "2")
    assert done.returncode == 0, done.stderr
    assert "building the related-papers model" in done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all("Speech paper" in line for line in lines)
    assert "(" in lines[0]  # the shared words

    done = run(path, "related", str(speech), "--json", "--limit", "1")
    [item] = json.loads(done.stdout)
    assert set(item) == {"id", "title", "published", "score", "words"}
    assert "building" not in done.stderr  # the model was kept in the file

    for option, name in (("--list", "shells"), ("--tag", "shell"), ("--search", "Terminals")):
        done = run(path, "related", option, name, "--limit", "2")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("fits: ")
        assert all("Bash paper" in line for line in done.stdout.splitlines()[1:])

    done = run(path, "search", f"like:{speech}", "--limit", "2")
    assert done.returncode == 0 and "Speech paper" in done.stdout

    for args, message in (
        (("related",), "takes a paper's ID"),
        (("related", "1", "--list", "Shells"), "takes a paper's ID"),
        (("related", "999"), "no paper with id 999"),
        (("related", "--list", "Nope"), "Nope"),
        (("related", "--tag", "nope"), "no tag named"),
        (("related", "1", "--limit", "0"), "--limit"),
    ):
        done = run(path, *args)
        assert done.returncode == 1, args
        assert message in done.stderr and "Traceback" not in done.stderr


def test_a_read_only_library_from_before_the_model_is_answered_from_memory(
    tmp_path: Path,
) -> None:
    from readinglist.recovery import ReadOnlyLibrary

    path = tmp_path / "old.sqlite"
    path.write_bytes((Path(__file__).parent / "fixtures" / "library-v1.sqlite").read_bytes())
    library = ReadOnlyLibrary(path)
    try:
        related = RelatedPapers(library)
        assert not related.has_cached_model()
        related.refresh()
        first = library.search_ids("", limit=1)[0]
        assert len(related.more_like(first, limit=3)) == 3
        assert related.refresh() == 0
    finally:
        library.close()
    assert (
        path.read_bytes() == (Path(__file__).parent / "fixtures" / "library-v1.sqlite").read_bytes()
    )
