"""Qt-free importers, one module per listing format, plus detection by content."""

from readinglist.importers.base import (
    Importer,
    ListingText,
    ParseOptions,
    detect,
    files_to_import,
    listing_from_text,
    parse_as,
    parse_listing,
    read_listing,
)

__all__ = [
    "Importer",
    "ListingText",
    "ParseOptions",
    "detect",
    "files_to_import",
    "listing_from_text",
    "parse_as",
    "parse_listing",
    "read_listing",
]
