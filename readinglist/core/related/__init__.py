"""Related papers, offline: "more like this", suggestions for a list, the `like:` query word."""

from readinglist.core.related.service import RelatedPaper, RelatedPapers, Suggestions

__all__ = ["RelatedPaper", "RelatedPapers", "Suggestions"]
