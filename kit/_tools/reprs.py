"""Readable HTML for the tools' result types (ScopeDiff, ClockSkew, KeyAge), in the floor's
card (kit/_http/reprs.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._http.reprs import BAD, GOOD, card

if TYPE_CHECKING:
    from .access import ScopeDiff
    from .keycheck import KeyAge


def scope_diff_html(diff: ScopeDiff) -> str:
    title = ("Holds every scope this endpoint requires" if diff.sufficient
             else f"Missing for this endpoint: {', '.join(diff.missing)}")
    return card(title, [
        ("required here", ", ".join(diff.required) or "none named"),
        ("held", ", ".join(diff.held) or "none"),
        ("missing", ", ".join(diff.missing)),
        # never "extra": another endpoint may need them; dropping one is a separate review
        ("held, not needed here", ", ".join(diff.extra))],
        accent=GOOD if diff.sufficient else BAD)


def key_age_html(age: KeyAge) -> str:
    return card(f"Key age: {age.age_days} days", [
        ("rotation", age.message), ("due on", age.due_on.isoformat() if age.due_on else "")],
        accent=BAD if age.due else GOOD)
