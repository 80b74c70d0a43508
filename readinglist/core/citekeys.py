"""Citation keys: Better BibTeX style keys (`rajbhandari2019zero`) and what makes a key valid.

In core because the library issues and stores each paper's key (so it never changes between
exports); the BibTeX exporter reads them from there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord

_WITH_YEAR = {
    DatePrecision.DAY,
    DatePrecision.YEAR_INFERRED,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
}

# Words a key skips, as Better BibTeX's shorttitle does.
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "among",
        "an",
        "and",
        "around",
        "as",
        "at",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "between",
        "beyond",
        "but",
        "by",
        "down",
        "during",
        "except",
        "for",
        "from",
        "in",
        "inside",
        "into",
        "like",
        "near",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "out",
        "outside",
        "over",
        "past",
        "since",
        "so",
        "the",
        "through",
        "throughout",
        "till",
        "to",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "up",
        "upon",
        "via",
        "vs",
        "versus",
        "with",
        "within",
        "without",
        "is",
        "are",
        "be",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "do",
        "does",
        "can",
        "we",
        "our",
        "your",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
    ]
)
_KEY_FOLD = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "þ": "th",
    "Þ": "TH",
    "ð": "d",
    "Ð": "D",
    "ı": "i",
}
_GREEK_NAMES = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "λ": "lambda",
    "μ": "mu",
    "π": "pi",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ψ": "psi",
    "ω": "omega",
    "Σ": "sigma",
    "Δ": "delta",
    "Ω": "omega",
    "Φ": "phi",
    "Ψ": "psi",
}
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)")
_KEY_WORD = re.compile(r"[a-z0-9]+")
_VALID_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.+/-]*")
NAME_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"])
MAX_KEY_LENGTH = 64


def _ascii_fold(text: str) -> str:
    """Lowercase ASCII letters and digits of `text`: accents dropped, `ß` → `ss`, `α` → `alpha`."""
    # LaTeX in a title (`$\alpha$`) reads as its macro's name.
    text = _LATEX_COMMAND.sub(lambda m: " " + m.group(1) + " ", text)
    out: list[str] = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif char in _KEY_FOLD:
            out.append(_KEY_FOLD[char])
        elif char in _GREEK_NAMES:
            out.append(" " + _GREEK_NAMES[char] + " ")
        else:
            out.append(unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode())
    return "".join(out).lower()


def _title_words(title: str) -> list[str]:
    # Apostrophes join ("TinyHelen's" → "tinyhelens"); other punctuation splits ("ZeRO-Offload").
    words = _KEY_WORD.findall(_ascii_fold(title.replace("'", "").replace("’", "")))
    significant = [w for w in words if w not in _STOPWORDS and not w.isdigit() and len(w) > 1]
    return significant or words


def _last_name(name: str) -> str:
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0]
    tokens = [t for t in name.split() if t.lower() not in NAME_SUFFIXES]
    return tokens[-1] if tokens else ""


def make_citation_key(record: PaperRecord, taken: set[str]) -> str:
    """A Better BibTeX style key, e.g. `rajbhandari2019zero`, unique against `taken`.

    `taken` holds the keys in use, lowercased: BibTeX compares keys without regard to case.
    The first author's last name (else the first significant title word), the year when known,
    and the first significant title word; then a, b, … until the key is free. Pure: `taken` is
    not changed.
    """
    words = _title_words(record.title)
    author = ""
    if record.authors:
        author = "".join(_KEY_WORD.findall(_ascii_fold(_last_name(record.authors[0]))))
    if author:
        head, rest = author, words[:1]
    else:
        head, rest = (words[0], words[1:2]) if words else ("paper", [])
    year = (
        str(record.year)
        if record.year is not None and record.published_precision in (_WITH_YEAR)
        else ""
    )
    base = (head + year + "".join(rest))[:MAX_KEY_LENGTH]
    if base not in taken:
        return base
    for suffix in _suffixes():
        candidate = base + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: the suffixes never run out")


def _suffixes() -> Iterable[str]:
    """a, b, …, z, aa, ab, … (JabRef's and Better BibTeX's order)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    length = 1
    while True:
        indices = [0] * length
        while True:
            yield "".join(letters[i] for i in indices)
            position = length - 1
            while position >= 0 and indices[position] == 25:
                indices[position] = 0
                position -= 1
            if position < 0:
                break
            indices[position] += 1
        length += 1


def validate_citation_key(key: str) -> str | None:
    """None when `key` can be a citation key, else one sentence saying what is wrong."""
    allowed = "use letters, digits and - _ : . + / only"
    if not key:
        return "a citation key cannot be empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"a citation key can have at most {MAX_KEY_LENGTH} characters"
    if not key.isascii():
        return f"a citation key must be plain ASCII: {allowed}"
    if any(c.isspace() for c in key):
        return "a citation key cannot contain spaces"
    bad = sorted({c for c in key if not (c.isalnum() or c in "_:.+/-")})
    if bad:
        return f"a citation key cannot contain {' '.join(bad)}: {allowed}"
    if not _VALID_KEY.fullmatch(key):
        return "a citation key must start with a letter or a digit"
    return None
