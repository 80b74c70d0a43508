"""Text to terms for the related-papers model: lower-cased words, English function words
dropped, plurals folded ("models" and "model" are one term), digits-only tokens skipped.

Measured on the shared sample pages (tests/test_related_quality.py): folding plurals scores
better than no stemming and as well as a full Porter stemmer, and its terms stay readable
words, which the reasons shown beside each related paper need.
"""

from __future__ import annotations

import re
from collections import Counter

# A word starts with a letter and has at least two letters or digits ("llm", "gpt4", "3d" no).
_WORD = re.compile(r"[^\W\d_][^\W_]+")

_STOP_WORDS_TEXT = """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand
    behind being below beside besides between beyond both bottom but by can cannot could did do
    does doing done down due during each eg either else elsewhere enough etc even ever every
    everyone everything everywhere except few first for former formerly from further get give
    go had has have having he hence her here hereafter hereby herein hereupon hers herself him
    himself his how however ie if in indeed into is it its itself just keep last latter latterly
    least less made many may me meanwhile might mine more moreover most mostly much must my
    myself namely neither never nevertheless next no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out
    over own part per perhaps please put rather re same see seem seemed seeming seems several
    she should show side since so some somehow someone something sometime sometimes somewhere
    still such take than that the their theirs them themselves then thence there thereafter
    thereby therefore therein thereupon these they this those though through throughout thru
    thus to together too toward towards under until up upon us very via was we well were what
    whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
    whether which while whither who whoever whole whom whose why will with within without would
    yet you your yours yourself yourselves
    """
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def fold(word: str) -> str:
    """The plural-folded form of a lower-case word: studies -> study, models -> model."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word[-1] == "s" and word[-2] not in "su" and not word.endswith("is"):
        return word[:-1]
    return word


def words(text: str) -> Counter[str]:
    """How often each word (lower-cased, before folding) occurs in `text`."""
    return Counter(_WORD.findall(text.lower()))


def term_of(word: str) -> str | None:
    """The term a lower-case word counts as, or None for a function word."""
    return None if word in STOP_WORDS else fold(word)


def terms(text: str) -> Counter[str]:
    """How often each term occurs in `text`."""
    counts: Counter[str] = Counter()
    for word, count in words(text).items():
        term = term_of(word)
        if term is not None:
            counts[term] += count
    return counts


def paper_text(title: str, abstract: str | None) -> str:
    """What the model reads of a paper: its title and abstract."""
    return f"{title}\n{abstract or ''}"
