"""Charts drawn when their file is uploaded: the outbox holds what a chart shows (a JSON request naming its kind),
and the delivery worker draws the PNG just before it uploads it, once per attempt, under the row's key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.coaching import chart as coaching_chart

DRAWERS: dict[str, Callable[[dict[str, Any]], bytes]] = {coaching_chart.CHART: coaching_chart.draw_request}


def draw(request: dict[str, Any]) -> bytes:
    """The PNG of a chart request; a KeyError for a kind nobody draws."""
    return DRAWERS[request["chart"]](request)
