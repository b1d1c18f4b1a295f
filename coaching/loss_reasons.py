"""Why deals are lost, in the trade's words: the reasons salescoach asks about and the words CRMs use for them, shared
by the loss-reason questions (coaching.losses), the deals webhook (coaching.recognition) and the deals import."""

from __future__ import annotations

REASONS = ("price", "competitor", "timing", "no_decision", "product_gap", "other")
# The words CRMs use for them (compared in any case, with spaces, hyphens or underscores alike), for imports and
# the webhook; a mapping file may add its own.
ALIASES = {"price": "price", "pricing": "price", "budget": "price", "too expensive": "price",
           "competitor": "competitor", "competition": "competitor", "lost to competitor": "competitor",
           "timing": "timing", "bad timing": "timing", "no decision": "no_decision", "do nothing": "no_decision",
           "status quo": "no_decision", "product gap": "product_gap", "missing feature": "product_gap",
           "feature gap": "product_gap", "other": "other"}
ALLOWED = ("price, competitor, timing, no decision, product gap or other (also pricing, budget; competition; do "
           "nothing, status quo; missing feature)")


def reason_of(word: str) -> str | None:
    """The reason a CRM's word names (any case; spaces, hyphens and underscores alike), or None."""
    return ALIASES.get(" ".join(word.replace("-", " ").replace("_", " ").split()).casefold())
