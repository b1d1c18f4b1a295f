"""Chart images for Slack: engagement, eNPS and response rate over recent rounds, as PNG bytes.

Drawn with matplotlib's Figure API on an Agg canvas (never pyplot, which keeps global state).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.i18n import Translator, without_bidi_marks
from surveys.results import DEFAULT_THRESHOLD, RoundSummary
from surveys.trends import RoundPoint

if TYPE_CHECKING:  # matplotlib (with numpy and PIL, about 60 MiB) is imported by the functions that draw
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 800, 450, 100
MAX_ANNOTATED_POINTS = 12
LEGEND_CHARS_PER_ROW = 90
ENGAGEMENT_COLOR, ENPS_COLOR, RATE_COLOR, WITHHELD_COLOR = "#1f6feb", "#8250df", "#c9d1d9", "#afb8c1"
# DejaVu Sans ships with matplotlib and covers Latin, Cyrillic, Greek and Arabic script; Chinese comes from the
# bundled subset of Noto Sans CJK SC, with installed CJK fonts after it for characters outside the subset.
BUNDLED_CJK = Path(__file__).parent / "fonts" / "NotoSansCJKsc-Regular-GB2312.otf"
_FALLBACK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                      "Microsoft YaHei", "PingFang SC")


@dataclass(frozen=True)
class ChartPoint:
    """One round on the chart; None marks a figure that is withheld (or unknown) and is drawn as a gap."""

    label: str  # the round's date, already formatted for the reader
    response_rate: float | None  # 0..1
    engagement: float | None  # average of agreement answers, 1..5
    enps: int | None  # -100..+100

    @classmethod
    def of_round(cls, label: str, summary: RoundSummary) -> ChartPoint:
        """The point of a summarised round, from the domain's own reading of it (surveys.trends)."""
        point = RoundPoint.of_round(date.min, summary)
        return cls(label, point.response_rate, point.engagement, point.enps.score if point.enps else None)


@cache
def font_families() -> tuple[str, ...]:
    """DejaVu Sans first, then the bundled Noto Sans CJK SC (bot/fonts/README.md), then whichever other CJK
    families are installed (registered and looked up once per process)."""
    from matplotlib.font_manager import fontManager

    if BUNDLED_CJK.is_file():
        fontManager.addfont(str(BUNDLED_CJK))
    installed = {font.name for font in fontManager.ttflist}
    return ("DejaVu Sans", *(family for family in _FALLBACK_FAMILIES if family in installed))


def cjk_family() -> str | None:
    """The font family that draws Chinese here, or None (Chinese labels would be empty boxes)."""
    return next(iter(font_families()[1:]), None)


def trend_chart(t: Translator, points: Sequence[ChartPoint], *, title: str,
                threshold: int = DEFAULT_THRESHOLD) -> bytes:
    """An 800x450 PNG of `trend_figure`; the same input gives the same bytes (no date in the metadata)."""
    buffer = io.BytesIO()
    trend_figure(t, points, title=title, threshold=threshold).savefig(
        buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def trend_figure(t: Translator, points: Sequence[ChartPoint], *, title: str,
                 threshold: int = DEFAULT_THRESHOLD) -> Figure:
    """Engagement and response rate above, eNPS below; withheld figures are hatched gaps with a legend note.

    Every label is in the reader's language. The figure has its own Agg canvas; no global state is touched.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    t = t.for_files()
    family = list(font_families())
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1))
    rate_axis = top.twinx()
    top.set_zorder(rate_axis.get_zorder() + 1)  # the engagement line in front of the response-rate bars
    top.patch.set_visible(False)

    xs = list(range(len(points)))
    rates = [p.response_rate for p in points]
    engagement = [_nan(p.engagement) for p in points]
    enps = [_nan(p.enps) for p in points]

    rate_bars = rate_axis.bar([x for x, r in zip(xs, rates, strict=True) if r is not None],
                              [r for r in rates if r is not None], width=0.6, color=RATE_COLOR,
                              label=t.gettext("Response rate"))
    (engagement_line,) = top.plot(xs, engagement, marker="o", color=ENGAGEMENT_COLOR, linewidth=2,
                                  label=t.gettext("Engagement (1–5)"))
    (enps_line,) = bottom.plot(xs, enps, marker="o", color=ENPS_COLOR, linewidth=2, label=t.gettext("eNPS"))
    bottom.axhline(0, color="#6e7781", linewidth=0.8)
    withheld = False
    for axis, values in ((top, engagement), (bottom, enps)):
        for x, value in zip(xs, values, strict=True):
            if math.isnan(value):
                withheld = True
                axis.axvspan(x - 0.4, x + 0.4, facecolor="none", edgecolor=WITHHELD_COLOR, hatch="///", linewidth=0)

    _scale_axes(t, points, top, rate_axis, bottom)

    if len(points) <= MAX_ANNOTATED_POINTS:
        _annotate(top, xs, engagement, lambda v: t.number(v, 1), family)
        _annotate(bottom, xs, enps, lambda v: t.signed(round(v)), family)
    if not points:
        top.text(0.5, 0.5, t.gettext("No rounds yet"), transform=top.transAxes, ha="center", va="center",
                 family=family, parse_math=False)

    handles: list[Any] = [engagement_line, rate_bars, enps_line]
    if withheld:
        handles.append(Patch(facecolor="none", edgecolor=WITHHELD_COLOR, hatch="///",
                             label=t.gettext("withheld (fewer than {k} answers)", k=t.number(threshold))))
    labels_length = sum(len(str(handle.get_label())) for handle in handles)
    fig.legend(handles=handles, loc="outside lower center", frameon=False,
               ncols=len(handles) if labels_length <= LEGEND_CHARS_PER_ROW else 2,
               prop={"family": family, "size": 9})
    fig.suptitle(without_bidi_marks(title), family=family, fontsize=13, parse_math=False)
    for axis in (top, bottom):
        axis.grid(True, axis="y", color="#eaeef2", linewidth=0.8)
    for axis in (top, bottom, rate_axis):
        axis.spines["top"].set_visible(False)
        axis.tick_params(labelfontfamily=family, labelsize=9)
    return fig


def _scale_axes(t: Translator, points: Sequence[ChartPoint], top: Axes, rate_axis: Axes, bottom: Axes) -> None:
    """Fixed scales (1-5, 0-100 %, -100..+100) so rounds compare across charts; ticks in the reader's locale."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    top.set_ylim(0.8, 5.2)
    top.yaxis.set_major_locator(FixedLocator([1, 2, 3, 4, 5]))
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
    rate_axis.set_ylim(0, 1.05)
    rate_axis.yaxis.set_major_locator(FixedLocator([0, 0.5, 1]))
    rate_axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.percent(v)))
    bottom.set_ylim(-110, 110)
    bottom.yaxis.set_major_locator(FixedLocator([-100, -50, 0, 50, 100]))
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.signed(round(v))))
    bottom.set_xlim(-0.6, max(len(points), 1) - 0.4)
    bottom.xaxis.set_major_locator(FixedLocator(list(range(len(points)))))
    step = math.ceil(len(points) / MAX_ANNOTATED_POINTS) if points else 1
    bottom.xaxis.set_major_formatter(FuncFormatter(
        lambda v, _: _literal(points[int(v)].label) if 0 <= int(v) < len(points) and int(v) % step == 0 else ""))


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _literal(text: str) -> str:
    """Tick labels cannot turn off mathtext, so dollar signs are escaped instead."""
    return text.replace("$", r"\$")


def _annotate(axis: Axes, xs: Sequence[int], values: Sequence[float], fmt: Callable[[float], str],
              family: list[str]) -> None:
    for x, value in zip(xs, values, strict=True):
        if not math.isnan(value):
            axis.annotate(fmt(value), (x, value), textcoords="offset points", xytext=(0, 7), ha="center",
                          fontsize=8, family=family, parse_math=False)
