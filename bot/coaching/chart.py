"""The coaching digest's chart: revenue won per period as bars, win rate as a line, in the reader's locale.

The weekly job queues what the chart shows (`chart_request`); the delivery worker draws it (`draw_request`). Laid out
from the sizes of its own labels (one draw; constrained layout draws the figure twice to learn them).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from bot.charts import DPI, HEIGHT_PX, WIDTH_PX, font_families
from bot.i18n import Translator, without_bidi_marks
from coaching.performance.kpis import Kpis
from coaching.periods import Period

if TYPE_CHECKING:  # matplotlib is imported by the function that draws
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

CHART = "coaching"  # the kind of chart request, see bot.chart_requests
REVENUE_COLOR, WIN_RATE_COLOR = "#1f6feb", "#8250df"
PAD = 3 / 72 * DPI  # the space around every block (constrained layout's default pad), in pixels
TICK = (3.5 + 3.5) / 72 * DPI  # a tick and the gap to its label (matplotlib's defaults), in pixels
LABEL_SIZE, NOTE_SIZE, NOTE_OFFSET = 9, 8, 7  # tick and legend labels, the win-rate notes and their lift (points)
MISSING = "–"  # where a period has no figure, as every surface shows it (never a zero)
_drawing = threading.local()  # each thread's figure for draw_request


def chart_request(t: Translator, trend: Sequence[tuple[Period, Kpis]], *, currency: str,
                  title: str) -> dict[str, Any]:
    """What the chart shows, as plain JSON for the outbox: the reader's language, the currency, the title and each
    period's label, revenue won (None: no figure for the period) and win rate (None: no closed deals)."""
    return {"chart": CHART, "language": t.language, "currency": currency, "title": title,
            "periods": [p.key for p, _ in trend], "revenue_won": [k.revenue_won for _, k in trend],
            "win_rate": [k.win_rate for _, k in trend]}


def draw_request(request: dict[str, Any]) -> bytes:
    """The PNG of a `chart_request`, exactly as `coaching_chart` draws the same trend. Each thread keeps one figure
    between charts and clears it for the next: its canvas keeps the sizes of the labels matplotlib measured."""
    figure = getattr(_drawing, "figure", None)
    if figure is None:
        figure = _drawing.figure = _new_figure()
    else:
        figure.clear()
    return _png(_lay_out(figure, Translator(request["language"]), request["periods"], request["revenue_won"],
                         request["win_rate"], currency=request["currency"], title=request["title"]))


def coaching_chart(t: Translator, trend: Sequence[tuple[Period, Kpis]], *, currency: str, title: str) -> bytes:
    """An 800x450 PNG of `coaching_figure`; the same input gives the same bytes (no date in the metadata)."""
    return _png(coaching_figure(t, trend, currency=currency, title=title))


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def coaching_figure(t: Translator, trend: Sequence[tuple[Period, Kpis]], *, currency: str, title: str) -> Figure:
    """The chart on its own Agg canvas; periods without closed deals show no win-rate point, and a period with no
    revenue figure (no data yet) a "–" where its bar would stand (never a made-up zero). Every label is in the
    reader's language."""
    return _lay_out(_new_figure(), t, [p.key for p, _ in trend], [k.revenue_won for _, k in trend],
                    [k.win_rate for _, k in trend], currency=currency, title=title)


def _new_figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # matplotlib only when a chart is drawn
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _lay_out(fig: Figure, t: Translator, labels: Sequence[str], revenue: Sequence[float | None],
             win_rates: Sequence[float | None], *, currency: str, title: str) -> Figure:
    """The chart on an empty figure with an Agg canvas."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import FixedLocator, FuncFormatter

    t = t.for_files()
    family = list(font_families())
    revenue_axis = fig.subplots()
    rate_axis = revenue_axis.twinx()
    xs = list(range(len(labels)))
    rates = [math.nan if rate is None else rate for rate in win_rates]
    bars = revenue_axis.bar(xs, [0.0 if r is None else r for r in revenue], width=0.6, color=REVENUE_COLOR, alpha=0.8,
                            label=t.gettext("Revenue won"))
    for x in (x for x, r in zip(xs, revenue, strict=True) if r is None):  # no figure: a dash, not a zero
        revenue_axis.annotate(MISSING, (x, 0), textcoords="offset points", xytext=(0, NOTE_OFFSET), ha="center",
                              fontsize=NOTE_SIZE, family=family, parse_math=False)
    (line,) = rate_axis.plot(xs, rates, marker="o", color=WIN_RATE_COLOR, linewidth=2, label=t.gettext("Win rate"))
    rate_axis.set_ylim(0, 1.05)
    rate_axis.yaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1]))
    rate_axis.yaxis.set_major_formatter(FuncFormatter(_once(lambda v: t.percent(v))))
    revenue_axis.yaxis.set_major_formatter(FuncFormatter(_once(lambda v: t.money(v, currency).replace("$", r"\$"))))
    revenue_axis.xaxis.set_major_locator(FixedLocator(xs))
    revenue_axis.xaxis.set_major_formatter(FuncFormatter(
        lambda v, _: labels[int(v)] if 0 <= int(v) < len(labels) else ""))
    for x, rate in zip(xs, rates, strict=True):
        if not math.isnan(rate):
            rate_axis.annotate(t.percent(rate), (x, rate), textcoords="offset points", xytext=(0, NOTE_OFFSET),
                               ha="center", fontsize=NOTE_SIZE, family=family, parse_math=False)
    legend = fig.legend(handles=[bars, line], loc="lower center", bbox_to_anchor=(0.5, PAD / HEIGHT_PX),
                        frameon=False, ncols=2, prop={"family": family, "size": LABEL_SIZE})
    heading = fig.suptitle(without_bidi_marks(title), y=1 - PAD / HEIGHT_PX, va="top", family=family, fontsize=13,
                           parse_math=False)
    for axis in (revenue_axis, rate_axis):
        axis.spines["top"].set_visible(False)
        axis.tick_params(labelfontfamily=family, labelsize=LABEL_SIZE)
    revenue_axis.grid(True, axis="y", color="#eaeef2", linewidth=0.8)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    label = FontProperties(family=family, size=LABEL_SIZE)
    note = _height(renderer, "0%", FontProperties(family=family, size=NOTE_SIZE)) + NOTE_OFFSET / 72 * DPI
    bottom = legend.get_window_extent(renderer).y1 + PAD + _height(renderer, "2026-Q4", label) + TICK
    top = heading.get_window_extent(renderer).y0 - PAD
    highest = max((r for r in rates if not math.isnan(r)), default=0.0)
    top -= max(0.0, note - (1.05 - highest) / 1.05 * (top - bottom))  # room for the note over a high win rate
    left = PAD + _widest(renderer, revenue_axis, label) + TICK
    right = PAD + _widest(renderer, rate_axis, label) + TICK
    fig.subplots_adjust(left=left / WIDTH_PX, right=1 - right / WIDTH_PX, bottom=bottom / HEIGHT_PX,
                        top=top / HEIGHT_PX)
    return fig


def _once(fmt: Callable[[float], str]) -> Callable[[float, object], str]:
    """A tick formatter that formats each value once (matplotlib asks again at every layout and draw)."""
    cached = cache(fmt)
    return lambda value, _: cached(value)


def _height(renderer: RendererBase, text: str, font: FontProperties) -> float:
    return float(renderer.get_text_width_height_descent(text, font, ismath=False)[1])


def _widest(renderer: RendererBase, axis: Axes, font: FontProperties) -> float:
    """The widest y tick label `axis` will draw, as its formatter writes it (an escaped $ drawn as $)."""
    low, high = sorted(axis.get_ylim())
    slack = 1e-9 * (high - low)
    ticks = [v for v in axis.yaxis.get_major_locator()() if low - slack <= v <= high + slack]
    texts = axis.yaxis.get_major_formatter().format_ticks(ticks)
    return max((float(renderer.get_text_width_height_descent(s.replace(r"\$", "$"), font, ismath=False)[0])
                for s in texts), default=0.0)
