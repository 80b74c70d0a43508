"""Deterministic synthetic listings for benchmarks: same text format as a Hugging Face copy."""

from __future__ import annotations

import random

_SYLLABLES = [
    "ar",
    "ba",
    "co",
    "de",
    "en",
    "fa",
    "ge",
    "hi",
    "io",
    "ka",
    "la",
    "mo",
    "ne",
    "or",
    "pa",
    "qu",
    "ra",
    "si",
    "to",
    "un",
    "ve",
    "wa",
    "xe",
    "yo",
    "za",
    "tion",
    "ing",
    "al",
    "er",
    "ic",
]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Function words take the top ranks, as in real abstracts; topic words sit a little lower, so
# "training" is in many abstracts but not all of them.
STOP_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "we",
    "is",
    "for",
    "that",
    "with",
    "on",
    "by",
    "this",
    "are",
    "as",
    "our",
    "an",
    "from",
    "which",
    "be",
    "can",
    "it",
    "these",
    "show",
    "also",
    "than",
    "both",
    "such",
    "their",
    "while",
    "new",
    "more",
    "into",
]
COMMON_WORDS = [
    "learning",
    "model",
    "training",
    "language",
    "efficient",
    "vision",
    "reasoning",
    "diffusion",
    "transformer",
    "agents",
    "retrieval",
    "speech",
    "graph",
    "scaling",
]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    rare = sorted(words)
    return STOP_WORDS + rare[:60] + COMMON_WORDS + rare[60:]


def _zipf_word(vocab: list[str], rng: random.Random) -> str:
    # Rank r is drawn with probability ~ 1/r: a few words are everywhere, most are rare.
    index = int(len(vocab) ** rng.random()) - 1
    return vocab[index]


def entries(count: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(title, abstract, metadata block) triples; titles ~12 words, abstracts ~1,500 chars."""
    rng = random.Random(seed)
    vocab = vocabulary(20000, rng)
    out = []
    for number in range(count):
        title = " ".join(_zipf_word(vocab, rng) for _ in range(rng.randint(9, 15)))
        title = f"{title.capitalize()} {number}"  # unique, as distinct papers are
        words: list[str] = []
        length = 0
        while length < 1500:
            word = _zipf_word(vocab, rng)
            words.append(word)
            length += len(word) + 1
        abstract = " ".join(words).capitalize() + "."
        if rng.random() < 0.2:
            abstract += f" Code: https://github.com/lab{number % 97}/repo{number}."
        who = f"  • {rng.randint(1, 40)} authors" if rng.random() < 0.9 else "acme Acme Labs"
        year = rng.choice(["", f", {rng.randint(2018, 2025)}"])
        comments = f" {rng.randint(1, 20)}" if rng.random() < 0.25 else ""
        date = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}{year}{comments}"
        out.append((title, abstract, f"{who}\n·\n{date}"))
    return out


def hf_text_page(items: list[tuple[str, str, str]], page_date: str = "Dec 31") -> str:
    header = (
        "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
        f"byAK and the research community\n\n{page_date}\n\n"
    )
    return header + "".join(f"{t}\n\n{a}\n\n{m}\n\n" for t, a, m in items)
