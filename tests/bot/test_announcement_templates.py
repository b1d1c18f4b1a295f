"""Announcement templates rendered in Jinja2's sandbox: each starting point says what the built-in text says, values
are formatted for the reader and shown as written, and a template that fails at send time never loses a post."""

import logging
from datetime import UTC, date, datetime

import pytest

from bot.recognition.messages import milestone_message, shout_out_message, translator_for, win_message
from bot.surveys.messages import survey_message
from bot.templates import ANNOUNCEMENTS, FILTERS, SAMPLES, Mention, check, render
from coaching.periods import period_of
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import build_shout_out
from coaching.recognition.wins import Milestone, Win
from surveys.ports import RoundInfo

ANA = Colleague(1, "Ana Lim", "UANA", team_id=1, locale="ms-MY", tz="Asia/Kuala_Lumpur")
WIN = Win(7, "import", ANA, date(2026, 11, 20), datetime(2026, 11, 23, 1, 0, tzinfo=UTC), account="Acme & Co",
          amount=48000.0, cycle_days=38, deal_external_id="D-1")
LOGGED = Win(8, "logged", ANA, date(2026, 11, 20), datetime(2026, 11, 23, 1, 0, tzinfo=UTC), logged_by=ANA)
MILESTONE = Milestone(ANA, period_of("month", date(2026, 11, 1)), 50000.0, 55000.0, WIN)
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
ROUND = RoundInfo(7, 3, "Kuala Lumpur Hunters", date(2026, 11, 23), ("enps", "manager"), NOW,
                  datetime(2026, 11, 26, 6, 30, tzinfo=UTC), None)


def _shout_out():
    team = RecognitionTeam(1, "R&D <!channel>", "C1", "en", (ANA,))
    return build_shout_out(team=team, week=period_of("week", date(2026, 11, 23)), since=NOW, until=NOW,
                           wins=[WIN], kudos=[])


def _first(blocks):
    return blocks[0]["text"]["text"]


@pytest.mark.parametrize("name", list(ANNOUNCEMENTS))
def test_each_starting_point_passes_the_checks_and_says_what_the_built_in_english_says(name):
    example = ANNOUNCEMENTS[name].example
    check(name, example, filename=f"{name}.j2")
    t = translator_for("en-US")
    if name == "win":
        for win in (WIN, LOGGED):
            assert win_message(t, win, currency="USD", template=example) == win_message(t, win, currency="USD")
    elif name == "milestone":
        assert (milestone_message(t, MILESTONE, currency="USD", template=example)
                == milestone_message(t, MILESTONE, currency="USD"))
    elif name == "shout-out":
        assert (shout_out_message(t, _shout_out(), currency="USD", template=example)
                == shout_out_message(t, _shout_out(), currency="USD"))
    else:
        assert survey_message(t, ROUND, {}, intro=example) == survey_message(t, ROUND, {})


def test_persian_numbers_get_persian_digits_and_each_value_is_isolated_right_to_left():
    t = translator_for("fa-IR")
    line = _first(win_message(t, WIN, currency="USD", template="{{ rep }} برد: {{ account }} در {{ days }} روز")[1])
    assert line == "\u200f<@UANA> برد: \u2068Acme &amp; Co\u2069 در \u2068۳۸\u2069 روز"


def test_the_reps_mention_survives_only_as_the_bot_wrote_it():
    t = translator_for("en-US")
    assert render("{{ rep }}!", t, "win", SAMPLES["win"]) == "<@U0SAMPLE>!"
    assert render("{{ rep ~ '' }} {{ rep|lower }}", t, "win", SAMPLES["win"]) == "&lt;@U0SAMPLE&gt; &lt;@u0sample&gt;"
    forged = {**SAMPLES["win"], "rep_name": Mention("<!channel>")}  # only the bot makes a Mention, and never so
    assert render("{{ rep_name }}", t, "win", forged) == "@\u2060channel"


@pytest.mark.parametrize(("template", "shown"), [
    ("<!here> {{ team }}", "@\u2060here R&amp;D &lt;!channel&gt;"),  # the template's own markup shows as words too
    ("<!{{ team|lower }}>", "@r&amp;d &lt;!channel&gt;"),
    ("@{{ 'channel' }} {{ '<!everyone>' }}", "@\u2060channel &lt;!everyone&gt;"),
    ("<https://x.example|{{ team }}>", "R&amp;D &lt;!channel&gt; (https://x.example)"),
])
def test_no_template_can_ping_with_a_value_or_its_own_markup(template, shown):
    title, blocks = shout_out_message(translator_for("en-US"), _shout_out(), currency="USD", template=template)
    assert title == shown and blocks[0]["text"]["text"] == shown


def test_a_lithuanian_milestone_template_gets_lithuanian_money_and_percent():
    template = "{{ rep_name }} viršijo planą ({{ period }}): {{ won }} iš {{ quota }}, {{ share }}"
    line = _first(milestone_message(translator_for("lt-LT"), MILESTONE, currency="EUR", template=template)[1])
    assert line == "Ana Lim viršijo planą (2026-11): 55\xa0000\xa0€ iš 50\xa0000\xa0€, 110\xa0%"


def test_a_survey_intro_is_one_header_line_with_the_closing_time_in_the_readers_zone():
    t = translator_for("ms-MY", "Asia/Kuala_Lumpur")
    intro = "Tinjauan {{ team }}\n{{ questions }} soalan, tutup {{ closes }}"
    title, blocks = survey_message(t, ROUND, {}, intro=intro)
    assert title == f"Tinjauan Kuala Lumpur Hunters 2 soalan, tutup {t.when(ROUND.closes_at)}"
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": title}}


def test_a_template_that_fails_when_sent_gives_the_built_in_text_and_logs_no_values(caplog):
    t = translator_for("en-US")
    broken = "{{ account }} {{ days > 'a' }}"  # edited in the database behind the CLI's back
    with caplog.at_level(logging.WARNING, logger="bot.templates"):
        assert win_message(t, WIN, currency="USD", template=broken) == win_message(t, WIN, currency="USD")
    assert caplog.messages == ["announcement template win (en) failed (TypeError); the built-in text was used"]
    assert win_message(t, WIN, currency="USD", template="{{ ''.__class__ }}") == win_message(t, WIN, currency="USD")


def test_the_allowed_filters_are_the_ones_that_cannot_grow_a_post():
    assert set(FILTERS) == {"capitalize", "default", "lower", "title", "trim", "truncate", "upper"}
    check("win", "{{ rep }} {{ account|truncate(20)|upper|default('a deal') }}", filename="w.j2")
