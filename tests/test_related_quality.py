"""How good "more like this" and list suggestions are, judged on the shared sample pages.

Four pages are searches or listings on one topic each; imported together with every other
sample (the distractors), a paper's related papers should come from its own page. Precision@5
(the share of a paper's top five that share a topic page with it) is computed for our model and,
in the same run on the same text, for a plain tf-idf cosine (scikit-learn's TfidfVectorizer,
sublinear tf, English stop words): the issue's baseline, 0.736 over these 290 papers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.core.library import Library
from readinglist.core.related import RelatedPapers
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES
from tests.helpers import import_file

TOPIC_PAGES = (
    "hf-papers-search_firecrawl-markdown.md",  # "source citations"
    "hf-papers-search_notebook-export.txt",  # "Intercode Bash"
    "hf-papers-search_terminal-capture.txt",  # "Long-context ASR"
    "arxiv-list-new_cs.IT_2026-09-28.html",
)


@pytest.fixture(scope="module")
def samples_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    library = Library(tmp_path_factory.mktemp("quality") / "library.sqlite")
    pages = sorted(p for p in PAGE_SAMPLES.iterdir() if p.name != "SOURCES.tsv")
    for path in [*HF_TEXT_SAMPLES, *pages]:
        import_file(library, Path(path))
    yield library
    library.close()


def _topics(library: Library) -> tuple[list[int], dict[int, set[str]], dict[int, str]]:
    records = library.search("")
    pages = {r.id: {s.name for s in r.sources} & set(TOPIC_PAGES) for r in records}
    texts = {r.id: f"{r.title}\n{r.abstract or ''}" for r in records}
    judged = [r.id for r in records if pages[r.id] and r.abstract]
    return judged, pages, texts


def _precision(judged: list[int], pages: dict[int, set[str]], tops: dict[int, list[int]]) -> float:
    hits = [sum(bool(pages[i] & pages[j]) for j in tops[i][:5]) / 5 for i in judged]
    return sum(hits) / len(hits)


def test_more_like_this_beats_plain_tfidf(samples_library: Library) -> None:
    feature_extraction = pytest.importorskip("sklearn.feature_extraction.text")
    judged, pages, texts = _topics(samples_library)
    assert len(judged) == 290

    ids = list(texts)
    vectorizer = feature_extraction.TfidfVectorizer(sublinear_tf=True, stop_words="english")
    matrix = vectorizer.fit_transform([texts[i] for i in ids])
    row = {paper_id: index for index, paper_id in enumerate(ids)}
    baseline_tops = {}
    for paper_id in judged:
        scores = (matrix @ matrix[row[paper_id]].T).toarray().ravel()
        scores[row[paper_id]] = -1.0
        order = sorted(range(len(ids)), key=lambda k: (-scores[k], k))[:5]
        baseline_tops[paper_id] = [ids[k] for k in order]
    baseline = _precision(judged, pages, baseline_tops)

    related = RelatedPapers(samples_library)
    related.refresh()
    ours = _precision(
        judged, pages, {i: [p.paper_id for p in related.more_like(i, limit=5)] for i in judged}
    )
    print(f"precision@5: tf-idf cosine {baseline:.3f}, ours {ours:.3f}")
    assert baseline == pytest.approx(0.736, abs=0.005)  # the figure, as a sanity check
    assert ours >= 1.07 * baseline  # measured: 0.794, +7.9%


def test_list_suggestions_match_a_linear_svm(samples_library: Library) -> None:
    """A reading list of ten papers from one topic page: how many of the 20 suggestions come
    from that page, for our centroid ranking and for arxiv-sanity's per-tag linear SVM."""
    feature_extraction = pytest.importorskip("sklearn.feature_extraction.text")
    svm = pytest.importorskip("sklearn.svm")
    judged, pages, texts = _topics(samples_library)
    ids = list(texts)
    matrix = feature_extraction.TfidfVectorizer(
        sublinear_tf=True, stop_words="english"
    ).fit_transform([texts[i] for i in ids])
    related = RelatedPapers(samples_library)
    related.refresh()
    ours_hits: list[float] = []
    svm_hits: list[float] = []
    for page in TOPIC_PAGES:
        on_page = [i for i in judged if page in pages[i]]
        for start in (0, 10):
            members = set(on_page[start : start + 10])
            suggested = related.suggest(sorted(members), limit=20)
            ours_hits.append(sum(page in pages[p.paper_id] for p in suggested.papers) / 20)
            labels = [1 if i in members else 0 for i in ids]
            model = svm.LinearSVC(class_weight="balanced", C=0.01, max_iter=10000, tol=1e-6)
            model.fit(matrix, labels)
            scores = model.decision_function(matrix)
            order = sorted(
                (k for k in range(len(ids)) if ids[k] not in members), key=lambda k: -scores[k]
            )[:20]
            svm_hits.append(sum(page in pages[ids[k]] for k in order) / 20)
    ours = sum(ours_hits) / len(ours_hits)
    reference = sum(svm_hits) / len(svm_hits)
    print(f"list suggestions precision@20: linear SVM {reference:.3f}, ours {ours:.3f}")
    # Measured: SVM 0.819, ours 0.763. The SVM ranks better; it also needs every paper's full
    # vector in memory and a solver (numpy/scipy), over the memory and bundle budgets.
    assert ours >= 0.9 * reference
