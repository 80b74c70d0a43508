"""Single-file web archives (.mhtml/.mht) and the charset an HTML page declares.

A browser's "Save as single file" writes a MIME multipart/related message: the page's HTML is
one part (quoted-printable or base64), images and styles are the others. We hand the HTML part
on to the HTML importers, so detection never depends on the file's extension.
"""

from __future__ import annotations

import codecs
import email
import email.policy
from email.message import Message
from pathlib import Path

from readinglist.core.errors import ListingError

_MIME_HEAD = 4096  # the MIME headers of a web archive come first and are short


def looks_like_mhtml(raw: bytes) -> bool:
    """True for a MIME message whose top-level type is multipart/related (a web archive)."""
    head = raw[:_MIME_HEAD].lstrip()
    if b"\x00" in head:
        return False
    header_end = head.find(b"\n\n")
    if header_end < 0:
        header_end = head.find(b"\r\n\r\n")
    headers = (head if header_end < 0 else head[:header_end]).lower()
    return b"mime-version:" in headers and b"multipart/related" in headers


def _html_part(message: Message) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == "text/html" and not part.is_multipart():
            return part
    return None


def unwrap_mhtml(raw: bytes, path: Path | None) -> str:
    """The HTML text of a web archive, decoded with the charset its part declares."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if not message.is_multipart():
        raise ListingError(path, "this web archive has no parts; it may be cut off")
    part = _html_part(message)
    if part is None:
        raise ListingError(path, "this web archive holds no HTML page")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise ListingError(path, "the HTML page inside this web archive is empty")
    charset = part.get_content_charset() or declared_charset(payload) or "utf-8"
    try:
        return payload.decode(_known_codec(charset) or "utf-8")
    except (UnicodeError, LookupError):  # "undefined" fails with the base class
        raise ListingError(
            path, f"the HTML page inside this web archive is not valid {charset} text"
        ) from None


def _known_codec(name: str) -> str | None:
    """The codec a page names, if it is one that decodes bytes to text (a page can name
    "rot13" or "base64", which Python knows but cannot decode a page with)."""
    try:
        codec = codecs.lookup(name.strip().strip("\"'"))
        b"x".decode(codec.name)  # empty bytes decode with any codec, text or not
    except (LookupError, UnicodeError):
        return None
    return codec.name


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in its head (`<meta charset>` or http-equiv), if any.

    Uses the HTML parser on the page's first bytes (decoded as Latin-1, which never fails and
    keeps the ASCII markup intact), so the declaration is read, not pattern-matched.
    """
    head = raw[:4096].decode("latin-1")
    if "<" not in head:
        return None
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(head)
    for meta in tree.css("meta"):
        charset = meta.attributes.get("charset")
        if charset:
            return _known_codec(charset)
        if (meta.attributes.get("http-equiv") or "").lower() == "content-type":
            content = meta.attributes.get("content") or ""
            _, _, value = content.lower().partition("charset=")
            if value:
                return _known_codec(value.split(";")[0])
    return None
