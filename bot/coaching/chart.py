"""The coaching digest's chart: revenue won per period as bars, win rate as a line, in the reader's locale."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from bot.charts import DPI, HEIGHT_PX, WIDTH_PX, font_families
from bot.i18n import Translator, without_bidi_marks
from coaching.performance.kpis import Kpis
from coaching.periods import Period

REVENUE_COLOR, WIN_RATE_COLOR = "#1f6feb", "#8250df"


def coaching_chart(t: Translator, trend: Sequence[tuple[Period, Kpis]], *, currency: str, title: str) -> bytes:
    """An 800x450 PNG; periods without closed deals show no win-rate point (never a made-up zero)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # matplotlib only when a chart is drawn
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator, FuncFormatter
    t = t.for_files()
    family = list(font_families())
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    revenue_axis = fig.subplots()
    rate_axis = revenue_axis.twinx()
    xs = list(range(len(trend)))
    revenue = [k.revenue_won or 0.0 for _, k in trend]
    rates = [math.nan if k.win_rate is None else k.win_rate for _, k in trend]
    bars = revenue_axis.bar(xs, revenue, width=0.6, color=REVENUE_COLOR, alpha=0.8, label=t.gettext("Revenue won"))
    (line,) = rate_axis.plot(xs, rates, marker="o", color=WIN_RATE_COLOR, linewidth=2, label=t.gettext("Win rate"))
    rate_axis.set_ylim(0, 1.05)
    rate_axis.yaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1]))
    rate_axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.percent(v)))
    revenue_axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.money(v, currency).replace("$", r"\$")))
    revenue_axis.xaxis.set_major_locator(FixedLocator(xs))
    revenue_axis.xaxis.set_major_formatter(FuncFormatter(
        lambda v, _: trend[int(v)][0].key if 0 <= int(v) < len(trend) else ""))
    for x, rate in zip(xs, rates, strict=True):
        if not math.isnan(rate):
            rate_axis.annotate(t.percent(rate), (x, rate), textcoords="offset points", xytext=(0, 7), ha="center",
                               fontsize=8, family=family, parse_math=False)
    fig.legend(handles=[bars, line], loc="outside lower center", frameon=False, ncols=2,
               prop={"family": family, "size": 9})
    fig.suptitle(without_bidi_marks(title), family=family, fontsize=13, parse_math=False)
    for axis in (revenue_axis, rate_axis):
        axis.spines["top"].set_visible(False)
        axis.tick_params(labelfontfamily=family, labelsize=9)
    revenue_axis.grid(True, axis="y", color="#eaeef2", linewidth=0.8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
