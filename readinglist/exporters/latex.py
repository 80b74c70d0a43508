"""Plain text to LaTeX for BibTeX fields: escaping, accents, Greek, kept math, capital protection.

The output must print right through classic 8-bit bibtex (accents as `{\\"U}`, never raw UTF-8),
through biber, and decode back with pylatexenc; case-changing styles must not lower `GPT`.
"""

from __future__ import annotations

import re
import unicodedata

# Characters LaTeX treats specially in text. `<`, `>` and `|` print as ¡ ¿ — in OT1 text, so they
# go through math; `^` and `~` as bare accents would vanish.
_TEXT_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
    "`": r"\textasciigrave{}",
}
# Inside kept math only what would end or break the formula needs escaping.
_MATH_SPECIALS = {"%": r"\%", "#": r"\#", "&": r"\&"}

# Combining marks → accent commands. Symbol commands take the letter directly (`\"U`); letter
# commands need a space (`\c c`).
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "varepsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ϑ": "vartheta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "µ": "mu",  # the micro sign
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "varsigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "varphi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Ξ": "Xi",
    "Π": "Pi",
    "Σ": "Sigma",
    "Υ": "Upsilon",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
}
# Greek capitals that look like Latin ones have no macro of their own.
_GREEK_LATIN = {
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Χ": "X",
    "ο": "o",
}
_MATH_SYMBOLS = {
    "×": "times",
    "·": "cdot",
    "±": "pm",
    "÷": "div",
    "≤": "leq",
    "≥": "geq",
    "≠": "neq",
    "≈": "approx",
    "∼": "sim",
    "∞": "infty",
    "→": "rightarrow",
    "←": "leftarrow",
    "↔": "leftrightarrow",
    "⇒": "Rightarrow",
    "∈": "in",
    "∑": "sum",
    "∏": "prod",
    "√": "surd",
    "∂": "partial",
    "∇": "nabla",
    "′": "prime",
    "°": "circ",
}
_SUPERSCRIPTS = {"²": "2", "³": "3", "¹": "1", "⁰": "0", "⁴": "4", "⁺": "+", "⁻": "-"}
# Letters without a decomposition, and typographic punctuation.
_TEXT_SYMBOLS = {
    "ß": r"{\ss}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",
    "đ": r"{\dj}",
    "Đ": r"{\DJ}",
    "þ": r"{\th}",
    "Þ": r"{\TH}",
    "ð": r"{\dh}",
    "Ð": r"{\DH}",
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "…": r"\ldots{}",
    "\u00a0": "~",
    "§": r"\S{}",
    "¶": r"\P{}",
    "©": r"\copyright{}",
}

# `$…$` is math when it opens before a non-space and closes after one, and the closing `$` is not
# followed by a digit (the rule pandoc uses), so "costs $5 and $10" stays text.
_MATH = re.compile(r"\$(?=[^\s$])((?:[^$\\]|\\.)+?)(?<=[^\s\\])\$(?!\d)")
# Private-use placeholders for braces without a partner (see _mark_lone_braces).
_LONE_OPEN, _LONE_CLOSE = "\ue000", "\ue001"
_BRACE = re.compile(r"[{}]")
_STRIP = re.compile(r"^[^\w]+|[^\w]+$")
_EDGES = re.compile(r"([^\w]*)(.*?)([^\w]*)", re.DOTALL)
# Small words a sentence-case title leaves in lower case; they say nothing about its style.
_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "are",
        "of",
        "on",
        "onto",
        "or",
        "over",
        "the",
        "to",
        "via",
        "vs",
        "with",
        "without",
        "versus",
        "up",
        "down",
        "out",
        "off",
        "per",
        "than",
        "that",
        "this",
    ]
)


def _balanced(text: str) -> bool:
    """Balanced both as TeX reads braces and as bibtex does (it counts `\\{` too)."""
    tex = raw = 0
    escaped = False
    for char in text:
        if char in "{}":
            raw += 1 if char == "{" else -1
            if not escaped:
                tex += 1 if char == "{" else -1
        if raw < 0 or tex < 0:
            return False
        escaped = char == "\\" and not escaped
    return raw == 0 and tex == 0 and not escaped


def _mark_lone_braces(text: str) -> str:
    """Braces without a partner become placeholders: bibtex counts even an escaped `\\{`, so a
    lone one would swallow the rest of the file; they are written as `\\textbraceleft{}`."""
    if "{" not in text and "}" not in text:
        return text
    lone: set[int] = set()
    opened: list[int] = []
    for match in _BRACE.finditer(text):
        if match.group() == "{":
            opened.append(match.start())
        elif opened:
            opened.pop()
        else:
            lone.add(match.start())
    lone.update(opened)
    if not lone:
        return text
    return "".join(
        (_LONE_OPEN if c == "{" else _LONE_CLOSE) if i in lone else c for i, c in enumerate(text)
    )


def _math_ok(body: str) -> bool:
    """Whether `$body$` can be kept as a formula without breaking the entry or the document."""
    return _balanced(body) and not body.rstrip().endswith(("^", "_", "\\"))


def split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, piece) runs of `text`; math pieces are the bodies without their `$`."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _MATH.finditer(text):
        if not _math_ok(match.group(1)):
            continue
        if match.start() > position:
            pieces.append((False, text[position : match.start()]))
        pieces.append((True, match.group(1)))
        position = match.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _accented(char: str) -> str | None:
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not base.isascii() or not base.isalpha():
        return None
    if any(mark not in _ACCENTS for mark in marks):
        return None
    inner = r"\i" if base == "i" else base  # a dotless i under an accent, as in classic LaTeX
    for position, mark in enumerate(marks):
        command = _ACCENTS[mark]
        inner = f"\\{command} {inner}" if command.isalpha() else f"\\{command}{inner}"
        if position < len(marks) - 1:
            inner = "{" + inner + "}"
    return "{" + inner + "}"


def _math_macro(name: str, following: str) -> str:
    # A macro name must not run into a following letter ("\alphax").
    return f"\\{name} " if following[:1].isalpha() else f"\\{name}"


def encode_char(char: str) -> str:
    """One character of text as LaTeX that 8-bit bibtex and biber both print right."""
    if char == _LONE_OPEN:
        return r"\textbraceleft{}"
    if char == _LONE_CLOSE:
        return r"\textbraceright{}"
    if char.isascii():
        if char < " " or char == "\x7f":
            return ""  # a control character prints nothing and upsets some parsers
        return _TEXT_SPECIALS.get(char, char)
    if char in _TEXT_SYMBOLS:
        return _TEXT_SYMBOLS[char]
    if char in _GREEK:
        return "{$\\" + _GREEK[char] + "$}"
    if char in _GREEK_LATIN:
        return _GREEK_LATIN[char]
    if char in _MATH_SYMBOLS:
        return "{$\\" + _MATH_SYMBOLS[char] + "$}"
    if char in _SUPERSCRIPTS:
        return "{$^{" + _SUPERSCRIPTS[char] + "}$}"
    accented = _accented(char)
    if accented is not None:
        return accented
    folded = unicodedata.normalize("NFKD", char)
    if folded.isascii() and folded.strip():
        return "".join(_TEXT_SPECIALS.get(c, c) for c in folded)
    # Nothing 8-bit can say (CJK, emoji): left as UTF-8 for biber and XeLaTeX/LuaLaTeX.
    return char


# Placeholders set before translation: a hyphen followed by another, and a backtick of a
# ``TeX quote'' pair (kept as TeX, common in arXiv abstracts).
_HYPHEN_BREAK, _TEX_BACKTICK = "\ue002", "\ue003"
_PROTECT_OPEN, _PROTECT_CLOSE = "\ue004", "\ue005"  # braces that protect a word's case
_HYPHENS = re.compile(r"-(?=-)")
# Character → LaTeX; grown with each new non-ASCII character met.
_TRANSLATION: dict[str, str] = dict(_TEXT_SPECIALS)
_TRANSLATION.update(
    {_HYPHEN_BREAK: "{}", _TEX_BACKTICK: "`", _PROTECT_OPEN: "{", _PROTECT_CLOSE: "}"}
)
# What _encode_text must replace; a regex finds the few such characters in C, so long plain
# abstracts cost little.
# One negated class (printable ASCII but the specials) is twice as fast as an alternation.
_TO_ENCODE = re.compile(r"[^ !\"'()*+,\-./0-9:;=?@A-Z\[\]a-z]")


def _encode_match(match: re.Match[str]) -> str:
    char = match.group()
    encoded = _TRANSLATION.get(char)
    if encoded is None:
        encoded = _TRANSLATION[char] = encode_char(char)
    return encoded


def _encode_text(text: str) -> str:
    if "--" in text:
        text = _HYPHENS.sub("-" + _HYPHEN_BREAK, text)  # "--" typed is two hyphens, not a dash
    if "``" in text:
        text = text.replace("``", _TEX_BACKTICK * 2)
    return _TO_ENCODE.sub(_encode_match, text)


def _encode_math(body: str) -> str:
    out: list[str] = []
    for index, char in enumerate(body):
        following = body[index + 1 : index + 2]
        if char.isascii():
            out.append(_MATH_SPECIALS.get(char, char) if body[index - 1 : index] != "\\" else char)
        elif char in _GREEK:
            out.append(_math_macro(_GREEK[char], following))
        elif char in _GREEK_LATIN:
            out.append(_GREEK_LATIN[char])
        elif char in _MATH_SYMBOLS:
            out.append(_math_macro(_MATH_SYMBOLS[char], following))
        elif char in _SUPERSCRIPTS:
            out.append("^{" + _SUPERSCRIPTS[char] + "}")
        else:
            out.append(char)
    return "".join(out)


def _needs_protection(word: str, sentence_case: bool) -> bool:
    """Whether a case-changing style would damage `word` (an acronym, `ZeRO`, `C4`, `I/O`)."""
    core = _STRIP.sub("", word)
    if not core or not any(c.isupper() for c in core) or any(c in core for c in "{}"):
        return False
    if core == "A":
        return False
    if any(c.isdigit() for c in core):
        return True
    for part in re.split(r"[-/]", core):
        letters = [c for c in part if c.isalpha()]
        if any(c.isupper() for c in letters[1:]):
            return True
        if len(letters) == 1 and letters[0].isupper() and len(part) == 1:
            return True
    # In a sentence-case title a capital inside the title marks a proper name.
    return sentence_case and core[0].isupper()


def _is_sentence_case(words: list[str]) -> bool:
    upper = lower = 0
    after_colon = True
    for word in words:
        core = _STRIP.sub("", word)
        if core and core[0].isalpha() and not after_colon and core.lower() not in _SMALL:
            if core[0].isupper():
                upper += 1
            else:
                lower += 1
        after_colon = word.endswith((":", "?", "!", "."))
    return lower > upper


def to_latex(text: str, *, protect_case: bool = False) -> str:
    """`text` as a BibTeX field value (without the outer braces).

    Special characters are escaped, non-ASCII written as LaTeX, balanced `$…$` formulas kept
    (braced so bibtex cannot lower `\\Sigma`), and with `protect_case` each word a case-changing
    style would damage is braced on its own: `{GPT}`, not the whole title.
    """
    text = " ".join(text.split())
    pieces = split_math(text)
    sentence_case = protect_case and _is_sentence_case(
        [w for is_math, piece in pieces if not is_math for w in piece.split()]
    )
    out: list[str] = []
    starts_phrase = True
    for is_math, piece in pieces:
        if is_math:
            starts_phrase = False
            out.append("{$" + _encode_math(piece) + "$}")
            continue
        piece = _mark_lone_braces(piece)
        if not protect_case:
            out.append(_encode_text(piece))
            continue
        words = piece.split(" ")
        for index, word in enumerate(words):
            if not word:
                continue
            # The first word and one after a colon are capitalized in any style.
            protect = not word.islower() and _needs_protection(
                word, sentence_case and not starts_phrase
            )
            starts_phrase = word.endswith((":", "?", "!", "."))
            if protect:
                # Braces around the word only: `{C4}:`, not `{C4:}`. Placeholders, so that
                # encoding the whole piece at once leaves them as braces.
                match = _EDGES.fullmatch(word)
                assert match is not None  # the pattern matches any string
                lead, core, trail = match.groups()
                words[index] = lead + _PROTECT_OPEN + core + _PROTECT_CLOSE + trail
        out.append(_encode_text(" ".join(words)))
    return "".join(out)
