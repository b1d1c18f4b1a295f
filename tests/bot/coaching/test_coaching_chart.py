"""The digest's chart: an 800x450 PNG in the reader's language, laid out so every label fits and none overlap."""

from __future__ import annotations

import warnings
from datetime import date

import pytest

from bot.coaching.chart import coaching_chart, coaching_figure
from bot.i18n import Translator
from coaching.performance.kpis import Kpis
from coaching.periods import last_periods, period_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TREND = [(p, Kpis(revenue_won=12_345_678.0 * (n + 1), win_rate=None if n == 2 else 0.2 * n))
         for n, p in enumerate(last_periods(period_of("month", date(2026, 11, 1)), count=6))]


def _size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_same_trend_gives_the_same_bytes_at_slack_preview_size():
    t = Translator("en")
    png = coaching_chart(t, TREND, currency="USD", title="Revenue won and win rate, Hunters")
    assert png.startswith(PNG_SIGNATURE) and _size(png) == (800, 450)
    assert png == coaching_chart(t, TREND, currency="USD", title="Revenue won and win rate, Hunters")


@pytest.mark.parametrize("language, currency", [("en", "USD"), ("fa", "IRR"), ("lt", "EUR"), ("ms", "MYR")])
def test_every_label_fits_the_picture_and_clears_the_title_the_legend_and_the_other_labels(language, currency):
    t = Translator(language)
    figure = coaching_figure(t, TREND, currency=currency, title=t.gettext("Revenue won and win rate, {team}",
                                                                          team="Sales East"))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    revenue, rate = figure.axes
    ticks = [label.get_window_extent(renderer) for axis in (revenue, rate)
             for label in (*axis.get_yticklabels(), *axis.get_xticklabels()) if label.get_text()]
    notes = [text.get_window_extent(renderer) for text in rate.texts]
    title = figure._suptitle.get_window_extent(renderer)  # type: ignore[union-attr]
    legend = figure.legends[0].get_window_extent(renderer)
    assert len(notes) == 5 and len(ticks) >= 5 + 6 + 2
    for box in (*ticks, *notes, title, legend):
        assert box.x0 >= 0 and box.x1 <= 800 and box.y0 >= 0 and box.y1 <= 450
    for box in (*ticks, *notes):
        assert not box.overlaps(title) and not box.overlaps(legend)
    plot = revenue.get_window_extent(renderer)
    assert all(not plot.overlaps(box) for box in ticks)  # tick labels sit outside the plot area


def test_persian_draws_every_glyph_from_the_bundled_font():
    t = Translator("fa")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning from matplotlib
        png = coaching_chart(t, TREND, currency="IRR", title="درآمد معاملات موفق و نرخ موفقیت، تیم فروش ۱۴۰۵")
    assert _size(png) == (800, 450)


def test_an_empty_trend_still_renders():
    assert _size(coaching_chart(Translator("en"), [], currency="USD", title="Nothing yet")) == (800, 450)
