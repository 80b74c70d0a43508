"""Identity keys and small text helpers shared by importers, the store and the exporters."""

from __future__ import annotations

import re
import unicodedata

_NEW_ARXIV = re.compile(r"^(?P<id>\d{4}\.\d{4,5})(?:v\d+)?$")
_OLD_ARXIV = re.compile(r"^(?P<id>[a-z][a-z.\-]*/\d{7})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_IN_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)


def normalize_arxiv_id(raw: str) -> str | None:
    """'arXiv:2409.01234v2' -> '2409.01234'; None when it is not an arXiv id."""
    text = raw.strip()
    if text.lower().startswith("arxiv:"):
        text = text[6:].strip()
    match = _NEW_ARXIV.match(text) or _OLD_ARXIV.match(text)
    if match is None:
        match = _ARXIV_IN_URL.search(text)
    return match.group("id") if match else None


def arxiv_abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


_ASCII_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def title_key(title: str) -> str:
    """The identity key of a title: NFKC, accents dropped, casefolded, punctuation and spacing
    folded to single spaces. "Pre-Training:  a Study" and "pre training a study" share a key."""
    if title.isascii():  # most titles; same result as below, ten times faster
        return " ".join(_ASCII_NON_ALNUM.sub(" ", title).lower().split())
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title))
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn":  # combining accent
            continue
        if category[0] in "LN":
            out.append(char)
        else:
            out.append(" ")
    return " ".join("".join(out).casefold().split())


# A URL runs to the first whitespace or closing bracket/quote; trailing sentence punctuation
# is not part of it ("see https://github.com/x/y." -> ".../y").
_URL = re.compile(r"https?://[^\s<>\"'\]\[{}|\\^`]+", re.IGNORECASE)
_TRAILING = ".,;:!?*'\""


def extract_links(text: str) -> list[str]:
    """Every http(s) link in `text`, in order, without duplicates or trailing punctuation."""
    found: list[str] = []
    # Find each "://" and look back for its scheme: a case-insensitive regex scan of every
    # abstract from the start costs 25 µs per abstract, this a tenth of that.
    start = 0
    while (separator := text.find("://", start)) != -1:
        start = separator + 3
        begin = separator - 5 if text[max(0, separator - 5) : separator].lower() == "https" else -1
        if begin < 0 and text[max(0, separator - 4) : separator].lower() == "http":
            begin = separator - 4
        match = _URL.match(text, begin) if begin >= 0 else None
        if match is None:
            continue
        start = match.end()
        url = match.group(0)
        while True:
            stripped = url.rstrip(_TRAILING)
            # A closing parenthesis belongs to the URL only when it opened one inside it.
            if stripped.endswith(")") and stripped.count("(") < stripped.count(")"):
                stripped = stripped[:-1]
            if stripped == url:
                break
            url = stripped
        if url not in found and len(url) > len("https://x"):
            found.append(url)
    return found
