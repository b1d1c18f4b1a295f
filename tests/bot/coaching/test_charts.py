"""The trend chart: a deterministic 800x450 PNG in the reader's language, drawn without pyplot."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from bot.charts import ChartPoint, font_families, trend_chart, trend_figure
from bot.i18n import Translator
from surveys.results import summarize_round

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[3]

POINTS = [
    ChartPoint("Jan 6", 0.8, 3.9, 20),
    ChartPoint("Jan 20", 0.3, None, None),  # withheld round
    ChartPoint("Feb 3", 0.9, 4.2, 35),
    ChartPoint("Feb 17", 0.75, 3.6, None),  # eNPS withheld on its own
]


def _size(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_chart_is_a_png_at_slack_preview_size():
    png = trend_chart(Translator("en"), POINTS, title="Pulse results for Sales East")
    assert png.startswith(PNG_SIGNATURE)
    assert _size(png) == (800, 450)
    assert imread(io.BytesIO(png)).shape[:2] == (450, 800)


def test_same_points_give_the_same_bytes():
    first = trend_chart(Translator("en"), POINTS, title="Pulse")
    assert trend_chart(Translator("en"), POINTS, title="Pulse") == first
    assert b"Software" not in first and b"matplotlib" not in first


def test_withheld_figures_are_gaps_with_a_legend_note():
    figure = trend_figure(Translator("en"), POINTS, title="Pulse", threshold=5)
    top, bottom = figure.axes[:2]
    assert all(np.isnan(np.asarray(line.get_ydata())[1]) for line in (top.lines[0], bottom.lines[0]))
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert legend == ["Engagement (1–5)", "Response rate", "eNPS", "withheld (fewer than 5 answers)"]


def test_no_legend_note_when_nothing_is_withheld():
    shown = [ChartPoint(p.label, p.response_rate, 4.0, 10) for p in POINTS]
    figure = trend_figure(Translator("en"), shown, title="Pulse")
    assert len(figure.legends[0].get_texts()) == 3
    assert not np.array_equal(imread(io.BytesIO(trend_chart(Translator("en"), shown, title="Pulse"))),
                              imread(io.BytesIO(trend_chart(Translator("en"), POINTS, title="Pulse"))))


def test_labels_use_the_readers_number_format():
    figure = trend_figure(Translator("lt"), POINTS, title="Pulse")
    figure.canvas.draw()
    annotations = [text.get_text() for text in figure.axes[0].texts]
    assert annotations == ["3,9", "4,2", "3,6"]
    assert [label.get_text() for label in figure.axes[1].get_xticklabels()] == ["Jan 6", "Jan 20", "Feb 3", "Feb 17"]


@pytest.mark.parametrize("language, title", [
    ("fa", "نتایج نظرسنجی تیم فروش"),
    ("zh", "Pulse results for Sales East"),
    ("lt", "Apklausos rezultatai: Šiaurės komanda"),
    ("ms", "Keputusan tinjauan"),
])
def test_other_languages_render_a_full_size_chart(language, title):
    png = trend_chart(Translator(language), POINTS, title=title)
    assert png.startswith(PNG_SIGNATURE) and _size(png) == (800, 450)


def test_persian_title_draws_every_glyph_from_the_bundled_font():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning from matplotlib
        png = trend_chart(Translator("fa"), POINTS, title="نتایج نظرسنجی تیم فروش ۱۴۰۵")
    assert _size(png) == (800, 450)


def test_a_persian_title_rendered_for_slack_is_drawn_without_bidi_marks():
    t = Translator("fa")
    title = t.gettext("Pulse trend for {team}", team="Sales East")  # as the results DM names its chart
    assert "\u2068Sales East\u2069" in title
    figure = trend_figure(t, POINTS, title=title, threshold=5)
    drawn = [figure.get_suptitle(), *(text.get_text() for text in figure.legends[0].get_texts())]
    assert "Sales East" in drawn[0] and "۵" in drawn[-1]  # Persian digits stay
    assert not any(mark in text for text in drawn for mark in ("\u200f", "\u2068", "\u2069"))


@pytest.mark.parametrize("language", ["en", "ms", "zh", "lt", "fa"])
def test_every_language_draws_every_catalog_character_without_a_missing_glyph(language):
    """On a stock server too: Chinese comes from the bundled font (bot/fonts), never from the host."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.i18n import LOCALES_DIR

    catalog = (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    text = "".join(sorted({c for c in catalog if c.isprintable() and not c.isspace()}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for a box
        png = trend_chart(Translator(language), POINTS, title="销售团队调查结果 · Rūta · نتایج")
        figure = Figure(figsize=(8, 40))
        FigureCanvasAgg(figure)
        for row in range(0, len(text), 60):
            figure.text(0.01, 1 - (row // 60 + 1) / (len(text) // 60 + 2), text[row:row + 60],
                        family=list(font_families()), parse_math=False)
        figure.savefig(io.BytesIO(), format="png")
    assert _size(png) == (800, 450)
    assert "Noto Sans CJK SC" in font_families()


def test_empty_and_single_round_charts_render():
    empty = trend_chart(Translator("en"), [], title="Pulse")
    single = trend_chart(Translator("en"), POINTS[:1], title="Pulse")
    assert _size(empty) == _size(single) == (800, 450)


def test_many_rounds_still_fit_the_preview():
    points = [ChartPoint(f"Week {i}", 0.5 + i / 100, 3 + (i % 3) / 2, i * 3 - 40) for i in range(30)]
    assert _size(trend_chart(Translator("en"), points, title="$ales $team")) == (800, 450)


def test_point_of_a_round_averages_shown_agreement_answers_and_takes_the_enps_score():
    answers = []
    for i in range(6):
        token = f"tok{i}"
        answers += [(token, "enps", 10 if i < 4 else 3, None), (token, "recognition", 4, None),
                    (token, "feedback", 2, None), (token, "growth", 5 if i < 2 else None, None)]
    summary = summarize_round(question_ids=["enps", "recognition", "feedback", "growth"], answers=answers,
                              invited=8, threshold=5)
    point = ChartPoint.of_round("Jan 6", summary)
    assert point == ChartPoint("Jan 6", 0.75, 3.0, 33)  # growth (2 answers) is withheld and left out


def test_point_of_a_withheld_round_keeps_only_the_response_rate():
    summary = summarize_round(question_ids=["enps"], answers=[("a", "enps", 9, None)], invited=4, threshold=5)
    assert ChartPoint.of_round("Jan 6", summary) == ChartPoint("Jan 6", 0.25, None, None)


def test_rendering_never_imports_pyplot():
    script = (
        "import sys\n"
        "from bot.charts import ChartPoint, trend_chart\n"
        "from bot.i18n import Translator\n"
        "png = trend_chart(Translator('en'), [ChartPoint('Jan 6', 0.5, 4.0, 10)], title='t')\n"
        "assert png.startswith(b'\\x89PNG')\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout.strip() == "False"
