"""BibTeX export: every sample parses back with pybtex and bibtexparser; hand-written edge cases."""

from __future__ import annotations

import datetime as dt

import bibtexparser
import pybtex.database
import pytest

from readinglist.core.citekeys import make_citation_key, validate_citation_key
from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord
from readinglist.exporters.bibtex import export_bibtex
from readinglist.exporters.latex import to_latex
from tests.export_support import decode_latex, loose, record, sample_records

SPECIAL_TITLE = r"50% of $5 & #1 items_x {braces} ~tilde ^caret \backslash <lt> >gt |bar `tick"


def export(papers: list[PaperRecord], **options: bool) -> str:
    return export_bibtex(
        papers,
        keys={},
        include_abstracts=options.get("abstracts", True),
        include_notes=options.get("notes", True),
    )


def parse_both(text: str) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Entries by key, fields by name, as pybtex and as bibtexparser read them."""
    by_pybtex = {
        key: {name.lower(): str(value) for name, value in entry.fields.items()}
        for key, entry in pybtex.database.parse_string(text, "bibtex").entries.items()
    }
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    by_parser = {
        entry.key: {field.key.lower(): str(field.value) for field in entry.fields}
        for entry in library.entries
    }
    return by_pybtex, by_parser


def only_entry(papers: list[PaperRecord], **options: bool) -> dict[str, str]:
    by_pybtex, by_parser = parse_both(export(papers, **options))
    assert len(by_pybtex) == len(by_parser) == 1
    (fields,) = by_pybtex.values()
    (parsed,) = by_parser.values()
    # pybtex keeps names apart (persons) and expands month macros; the rest must agree.
    for name, value in fields.items():
        if name != "month":
            assert parsed[name] == value
    if "author" in parsed:
        fields["author"] = parsed["author"]
    return fields


# ----------------------------------------------------------------- the shared samples


def test_every_sample_parses_back_with_the_same_key_and_title() -> None:
    papers = sample_records()
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for paper in papers:
        keys[paper.id] = make_citation_key(paper, taken)
        taken.add(keys[paper.id].lower())
    assert len(set(keys.values())) == len(papers)
    text = export_bibtex(papers, keys=keys, include_abstracts=True, include_notes=True)
    by_pybtex, by_parser = parse_both(text)
    assert list(by_pybtex) == [keys[p.id] for p in papers]
    assert list(by_parser) == list(by_pybtex)
    for paper in papers:
        for fields in (by_pybtex[keys[paper.id]], by_parser[keys[paper.id]]):
            assert loose(decode_latex(fields["title"])) == loose(paper.title)
            if paper.abstract:
                assert loose(decode_latex(fields["abstract"])) == loose(paper.abstract)


def test_samples_without_author_names_get_a_key_field_and_the_count() -> None:
    papers = [p for p in sample_records() if p.authors is None and p.authors_count]
    assert papers, "the samples have papers with only an author count"
    by_pybtex, _ = parse_both(export(papers[:20]))
    for paper, fields in zip(papers[:20], by_pybtex.values(), strict=True):
        assert "author" not in fields
        assert fields["key"]
        assert fields["note"] == f"{paper.authors_count} author" + (
            "s" if paper.authors_count != 1 else ""
        )


def test_pangu_alpha_keeps_its_latex() -> None:
    fields = only_entry([record(title="PanGu-$α$: Large-scale Autoregressive Models")])
    assert r"{$\alpha$}" in fields["title"]
    assert r"\$" not in fields["title"]


# ----------------------------------------------------------------- titles


def test_every_special_character_is_escaped_and_decodes_back() -> None:
    fields = only_entry([record(title=SPECIAL_TITLE)])
    title = fields["title"]
    for escaped in (r"\%", r"\$", r"\&", r"\#", r"\_", r"\{", r"\}", r"\textbackslash{}"):
        assert escaped in title
    assert loose(decode_latex(title)) == loose(SPECIAL_TITLE)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("TÜLU 3: Pushing Frontiers", r"{T{\"U}LU} 3: Pushing Frontiers"),
        ("Über Naïve Façades", r"{\"U}ber Na{\"\i}ve Fa{\c c}ades"),
        ("PixArt-Σ: Weak-to-Strong", r"{PixArt-{$\Sigma$}}: Weak-to-Strong"),
        ("Straße – a test — indeed", r"Stra{\ss}e -- a test --- indeed"),
        ("GPT-4 and ZeRO beat gpt", "{GPT-4} and {ZeRO} beat gpt"),
        ("Attention Is All You Need", "Attention Is All You Need"),
        ("x -- y", "x -{}- y"),
    ],
)
def test_title_encoding(title: str, expected: str) -> None:
    assert to_latex(title, protect_case=True) == expected
    assert loose(decode_latex(expected)) == loose(title)


def test_capitals_are_protected_without_over_bracing() -> None:
    title = only_entry([record(title="ZeRO: Memory Optimizations Toward Training GPT Models")])[
        "title"
    ]
    assert title == "{ZeRO}: Memory Optimizations Toward Training {GPT} Models"
    assert "{{" not in title


def test_proper_names_in_a_sentence_case_title_are_protected() -> None:
    title = to_latex(
        "Training large models on the Frontier supercomputer in Tokyo", protect_case=True
    )
    assert title == "Training large models on the {Frontier} supercomputer in {Tokyo}"


def test_latex_math_in_titles_is_kept_not_escaped() -> None:
    for title in ("S$^{2}$FT: Sparse Tuning", r"$\mathcal{O}(n)$ Attention"):
        fields = only_entry([record(title=title)])
        # Decoded, the exported title means what the stored LaTeX means.
        assert loose(decode_latex(fields["title"])) == loose(decode_latex(title))
    fields = only_entry([record(title="Costs $5 and $10")])
    assert decode_latex(fields["title"]) == "Costs $5 and $10"
    assert "{$^{2}$}" in to_latex("S$^{2}$FT")
    assert to_latex("Costs $5 and $10") == r"Costs \$5 and \$10"


def test_non_ascii_names_are_written_for_8_bit_bibtex() -> None:
    paper = record(
        authors=["Jürgen Schmidhuber", "Łukasz Kaiser", "Ludwig van Beethoven", "Zhang Wei Jr."],
        authors_count=4,
    )
    author = only_entry([paper])["author"]
    assert author == (
        r"Schmidhuber, J{\"u}rgen and Kaiser, {\L}ukasz and van Beethoven, Ludwig"
        r" and Wei, Jr., Zhang"
    )
    assert author.isascii()
    names = pybtex.database.parse_string(export([paper]), "bibtex").entries
    persons = next(iter(names.values())).persons["author"]
    assert [" ".join(p.last_names) for p in persons] == [
        "Schmidhuber",
        "Kaiser",
        "Beethoven",
        "Wei",
    ]


def test_more_authors_than_names_ends_with_others() -> None:
    paper = record(authors=["Ada Lovelace"], authors_count=3)
    assert only_entry([paper])["author"] == "Lovelace, Ada and others"


# ----------------------------------------------------------------- fields


def test_arxiv_paper_fields() -> None:
    paper = record(
        title="ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
        arxiv_id="1910.02054",
        primary_class="cs.LG",
        url="https://arxiv.org/abs/1910.02054",
        published=dt.date(2019, 10, 4),
        published_precision=DatePrecision.DAY,
        authors=["Samyam Rajbhandari", "Jeff Rasley", "Olatunji Ruwase", "Yuxiong He"],
        doi="10.1109/SC41405.2020.00024",
    )
    text = export_bibtex(
        [paper], keys={1: "rajbhandari2019zero"}, include_abstracts=False, include_notes=False
    )
    assert text.startswith("@misc{rajbhandari2019zero,\n")
    fields = only_entry([paper])
    assert fields["eprint"] == "1910.02054"
    assert fields["archiveprefix"] == "arXiv"
    assert fields["primaryclass"] == "cs.LG"
    assert fields["url"] == "https://arxiv.org/abs/1910.02054"
    assert fields["year"] == "2019"
    assert fields["doi"] == "10.1109/SC41405.2020.00024"
    assert "month = oct," in text
    assert "key" not in fields and "note" not in fields


def test_url_is_verbatim() -> None:
    url = "https://example.org/a_b/c%20d#frag~x"
    text = export([record(url=url)])
    assert f"  url = {{{url}}}" in text


@pytest.mark.parametrize(
    ("precision", "year", "month"),
    [
        (DatePrecision.DAY, "2024", "jun"),
        (DatePrecision.YEAR_INFERRED, "2024", "jun"),
        (DatePrecision.MONTH, "2024", "jun"),
        (DatePrecision.YEAR, "2024", None),
        (DatePrecision.UNKNOWN, None, None),
    ],
)
def test_date_written_at_its_precision(
    precision: DatePrecision, year: str | None, month: str | None
) -> None:
    paper = record(published=dt.date(2024, 6, 6), published_precision=precision)
    text = export([paper])
    assert (f"year = {{{year}}}" in text) == (year is not None)
    assert ("month = " in text) == (month is not None)
    if month:
        assert f"month = {month}" in text


def test_abstracts_with_unbalanced_braces_and_lone_dollars_cannot_break_the_entry() -> None:
    abstract = "We map {x to y} and } back { again; costs $5 with 100% of $\\alpha_1 \\} $ end"
    papers = [
        record(1, "First", abstract=abstract, notes="my {note} $ 50%"),
        record(2, "Second", abstract="}}}{{{ $$ $"),
        record(3, "Third"),
    ]
    by_pybtex, by_parser = parse_both(export(papers))
    assert len(by_pybtex) == len(by_parser) == 3
    first = by_pybtex["first"]
    assert loose(decode_latex(first["abstract"])) == loose(abstract)
    assert loose(decode_latex(first["annote"])) == loose("my {note} $ 50%")
    assert by_pybtex["third"]["title"] == "Third"


def test_abstracts_and_notes_are_optional() -> None:
    paper = record(abstract="An abstract.", notes="A note.")
    fields = only_entry([paper], abstracts=False, notes=False)
    assert "abstract" not in fields and "annote" not in fields


def test_empty_list_and_one_paper() -> None:
    assert export([]) == ""
    text = export([record(title="Alone")])
    assert text.count("@misc{") == 1
    assert text.endswith("}\n")


def test_a_paper_given_twice_is_written_once() -> None:
    paper = record(title="Twice")
    assert export([paper, paper]).count("@misc{") == 1


def test_given_keys_win_and_must_be_valid_and_unique() -> None:
    papers = [record(1, "One"), record(2, "Two")]
    text = export_bibtex(papers, keys={1: "mine"}, include_abstracts=False, include_notes=False)
    assert "@misc{mine," in text and "@misc{two," in text
    with pytest.raises(ValueError, match="share the key"):
        export_bibtex(papers, keys={1: "k", 2: "K"}, include_abstracts=False, include_notes=False)
    with pytest.raises(ValueError, match="cannot contain"):
        export_bibtex(papers, keys={1: "a,b"}, include_abstracts=False, include_notes=False)


# ----------------------------------------------------------------- keys


def test_key_is_better_bibtex_style() -> None:
    paper = record(
        title="ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
        authors=["Samyam Rajbhandari", "Jeff Rasley"],
        published=dt.date(2019, 10, 4),
        published_precision=DatePrecision.DAY,
    )
    assert make_citation_key(paper, set()) == "rajbhandari2019zero"


def test_key_suffixes_on_collision_and_taken_is_not_changed() -> None:
    paper = record(
        title="The Zero Paper",
        authors=["A. Smith"],
        published=dt.date(2020, 1, 1),
        published_precision=DatePrecision.YEAR,
    )
    taken = {"smith2020zero", "smith2020zeroa"}
    assert make_citation_key(paper, taken) == "smith2020zerob"
    assert taken == {"smith2020zero", "smith2020zeroa"}
    many = {"smith2020zero"} | {"smith2020zero" + c for c in "abcdefghijklmnopqrstuvwxyz"}
    assert make_citation_key(paper, many) == "smith2020zeroaa"


def test_key_without_author_or_year_and_with_accents() -> None:
    assert make_citation_key(record(title="On the Über-Model of Things"), set()) == "ubermodel"
    paper = record(title="Ångström Maps", authors=["José Núñez-Pérez"])
    assert make_citation_key(paper, set()) == "nunezperezangstrom"
    assert make_citation_key(record(title="PanGu-$α$"), set()) == "pangualpha"
    assert make_citation_key(record(title="大模型"), set()) == "paper"
    for title in ("TÜLU 3", "a, b {c} d", "Émile's ~ 50% #1"):
        key = make_citation_key(record(title=title, authors=["Zoë D'Arcy, Jr."]), set())
        assert validate_citation_key(key) is None, key


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("rajbhandari2019zero", True),
        ("Smith-2020:a.b+c/d_e", True),
        ("", False),
        ("has space", False),
        ("comma,key", False),
        ("{brace}", False),
        ("ümlaut", False),
        ("-leading", False),
        ("x" * 65, False),
    ],
)
def test_validate_citation_key(key: str, valid: bool) -> None:
    problem = validate_citation_key(key)
    assert (problem is None) == valid
    if problem is not None:
        assert problem.count(".") == 0 or problem.endswith(".") is False
