"""The digest's chart: an 800x450 PNG in the reader's language, laid out so every label fits and none overlap."""

from __future__ import annotations

import json
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from bot.coaching.chart import chart_request, coaching_chart, coaching_figure, draw_request
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


def test_a_period_without_a_revenue_figure_shows_a_dash_where_a_zero_bar_would_be():
    t = Translator("en")
    trend = [(p, Kpis(revenue_won=None if n < 2 else 1000.0 * n, win_rate=None if n < 2 else 0.5))
             for n, p in enumerate(last_periods(period_of("month", date(2026, 11, 1)), count=6))]
    request = json.loads(json.dumps(chart_request(t, trend, currency="USD", title="t")))
    assert request["revenue_won"] == [None, None, 2000.0, 3000.0, 4000.0, 5000.0]  # not 0.0: no data is not zero
    revenue, _ = coaching_figure(t, trend, currency="USD", title="t").axes
    dashes = [a.xy for a in revenue.texts if a.get_text() == "–"]
    assert dashes == [(0, 0), (1, 0)]
    assert draw_request(request) == coaching_chart(t, trend, currency="USD", title="t")


def test_an_empty_trend_still_renders():
    assert _size(coaching_chart(Translator("en"), [], currency="USD", title="Nothing yet")) == (800, 450)


def _requests():
    """Charts of different languages, scales, gaps and lengths, as the weekly job queues them."""
    out = []
    for n, (language, currency) in enumerate([("en", "USD"), ("fa", "IRR"), ("lt", "EUR"), ("zh", "CNY")]):
        t = Translator(language)
        trend = [(p, Kpis(revenue_won=k.revenue_won * 10 ** n, win_rate=k.win_rate)) for p, k in TREND[n:]]
        title = t.gettext("Revenue won and win rate, {team}", team=f"Team {n}")
        out.append((t, trend, currency, title))
    return [*out, (Translator("en"), [], "USD", "Nothing yet")]


def test_a_queued_chart_request_is_plain_json_and_draws_the_same_bytes_as_the_chart_drawn_at_once():
    for t, trend, currency, title in _requests():
        request = json.loads(json.dumps(chart_request(t, trend, currency=currency, title=title)))  # as the outbox
        assert draw_request(request) == coaching_chart(t, trend, currency=currency, title=title)


def test_charts_drawn_one_after_another_on_each_threads_figure_equal_charts_drawn_afresh():
    cases = _requests()
    expected = [coaching_chart(t, trend, currency=c, title=title) for t, trend, c, title in cases] * 2
    requests = [chart_request(t, trend, currency=c, title=title) for t, trend, c, title in cases] * 2
    assert [draw_request(r) for r in requests] == expected  # one thread, one figure cleared between charts
    with ThreadPoolExecutor(max_workers=3) as pool:  # the delivery worker's threads, each with a figure of its own
        assert list(pool.map(draw_request, requests)) == expected
