"""`readinglist complete`: fill papers' arXiv ids, authors, dates and DOIs from arXiv and
Hugging Face. Kept apart from `cli.py` so the command line only wires it in."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TypeVar

from readinglist.core.completion.http import CompletionCancelled, NetworkError
from readinglist.core.completion.remote import ServiceFormatError
from readinglist.core.completion.service import (
    Completer,
    Outcome,
    PaperPlan,
    incomplete_ids,
)
from readinglist.core.errors import UserError
from readinglist.core.library import Library

Parser = TypeVar("Parser", bound=argparse.ArgumentParser)  # the command line's own subclass


def add_complete_parser(subparsers: argparse._SubParsersAction[Parser]) -> None:
    parser = subparsers.add_parser(
        "complete",
        help="complete papers (arXiv id, authors, date, DOI) from arXiv and Hugging Face",
        description=(
            "Look papers up on Hugging Face and arXiv and fill what the library lacks: arXiv "
            "id, authors, the first version's date, category, DOI, journal reference, code "
            "links, upvotes, organization. Only empty fields (and dates whose year was "
            "assumed) are filled; a title that fits several papers, or none, changes nothing. "
            "Each paper is saved as it completes. Without QUERY: every paper lacking an arXiv "
            "id, authors or a date. READINGLIST_NETWORK=off forbids it."
        ),
    )
    parser.add_argument("query", nargs="?", default="", help="complete the papers matching QUERY")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change; store nothing"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON array of outcomes")
    parser.set_defaults(handler=cmd_complete)


def plan_json(plan: PaperPlan, applied: bool) -> dict[str, Any]:
    return {
        "id": plan.paper_id,
        "title": plan.title,
        "outcome": str(plan.outcome),
        "applied": applied,
        "arxiv_id": plan.arxiv_id,
        "duplicate_of": plan.duplicate_of,
        "changes": [
            {"field": c.field, "old": c.old, "new": c.new, "source": c.source} for c in plan.changes
        ],
        "candidates": [{"arxiv_id": c.arxiv_id, "title": c.title} for c in plan.candidates],
    }


def cmd_complete(library: Library, args: argparse.Namespace) -> int:
    ids = library.search_ids(args.query) if args.query.strip() else incomplete_ids(library)
    if not ids:
        print("nothing to complete", file=sys.stderr)
        return 0
    if library.read_only and not args.dry_run:
        raise UserError("the library is open read-only; nothing can be completed")
    completer = Completer(library)
    counts = {outcome: 0 for outcome in Outcome}
    filled = 0
    outcomes: list[dict[str, Any]] = []
    try:
        for plan in completer.plan(ids):
            applied = False
            if plan.outcome is Outcome.COMPLETE and not args.dry_run:
                result = completer.apply(plan)
                if result.duplicate_of is not None:
                    plan.outcome, plan.duplicate_of, plan.changes = (
                        Outcome.DUPLICATE,
                        result.duplicate_of,
                        [],
                    )
                applied = result.changed
                filled += applied
            counts[plan.outcome] += 1
            if args.json:
                outcomes.append(plan_json(plan, applied))
            else:
                print(f"{plan.paper_id:>6} {plan.title}: {plan.describe(done=applied)}")
    except (NetworkError, ServiceFormatError) as error:
        kept = f"the {filled} papers completed before were kept" if filled else "nothing changed"
        raise UserError(f"{error}; {kept}") from None
    except (CompletionCancelled, KeyboardInterrupt):
        print(f"readinglist: stopped; {filled} papers completed were kept", file=sys.stderr)
        return 1
    if args.json:
        json.dump(outcomes, sys.stdout, ensure_ascii=False, indent=2)
        print()
    verb = "would complete" if args.dry_run else "completed"
    done = counts[Outcome.COMPLETE] if args.dry_run else filled
    print(
        f"{verb} {done} of {len(ids)} papers; {counts[Outcome.NOTHING_NEW]} had nothing new, "
        f"{counts[Outcome.AMBIGUOUS]} ambiguous, {counts[Outcome.NOT_FOUND]} not found, "
        f"{counts[Outcome.DUPLICATE]} already in the library under their arXiv id",
        file=sys.stderr,
    )
    return 0
