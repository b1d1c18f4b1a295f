"""Recognition posts in the channel's language: Babel's money, percentages and dates for en, ms, zh, lt and fa;
and a team whose channel speaks Lithuanian gets Lithuanian amounts."""

from datetime import UTC, date, datetime

import pytest
from conftest import eventually

from bot.recognition.messages import milestone_message, shout_out_message, translator_for, win_message
from bot.recognition.messenger import RecognitionOutbox
from bot.recognition.views import refusal
from coaching.periods import period_of
from coaching.recognition.kudos import KudosError
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import build_shout_out
from coaching.recognition.wins import Milestone, Win
from storage.crm.importer import import_crm_file
from storage.recognition.repository import set_recognition_channel
from storage.teams import set_channel

ANA = Colleague(1, "Ana Lim", "UANA", team_id=1, locale="ms-MY", tz="Asia/Kuala_Lumpur")
WIN = Win(7, "import", ANA, date(2026, 11, 20), datetime(2026, 11, 23, 1, 0, tzinfo=UTC), account="Acme & Co",
          amount=48000.0, cycle_days=38, deal_external_id="D-1")


@pytest.mark.parametrize(("locale", "amount", "day"), [
    ("en-US", "$48,000", "Nov 20, 2026"),
    ("ms-MY", "USD48,000", "20 Nov 2026"),
    ("zh-CN", "US$48,000", "2026年11月20日"),
    ("lt-LT", "48\xa0000\xa0USD", "2026-11-20"),
    ("fa-IR", "\u200e$\xa0۴۸٬۰۰۰", "۲۰ نوامبر ۲۰۲۶"),  # Persian digits and separators
])
def test_a_win_shows_the_amount_and_close_date_formatted_for_the_channels_locale(locale, amount, day):
    _, blocks = win_message(translator_for(locale), WIN, currency="USD")
    line = blocks[0]["text"]["text"]
    assert line.startswith(":trophy: ") and "<@UANA>" in line and "*Acme &amp; Co*" in line
    assert f" — {amount} · " in line and translator_for(locale).number(38) in line
    assert day in blocks[-1]["elements"][0]["text"]


def test_a_win_in_english_reads_as_one_line_with_rep_account_amount_and_cycle():
    text, blocks = win_message(translator_for("en-US"), WIN, currency="USD")
    assert blocks[0]["text"]["text"] == ":trophy: <@UANA> won *Acme &amp; Co* — $48,000 · closed in 38 days"
    assert blocks[-1]["elements"][0]["text"] == "Closed on Nov 20, 2026, from the CRM."
    assert text == "Ana Lim won Acme &amp; Co"  # the fallback text is mrkdwn too: Slack shows "Acme & Co"


@pytest.mark.parametrize(("locale", "won", "quota", "share"), [
    ("en-US", "RM55,000", "RM50,000", "110%"),
    ("ms-MY", "RM55,000", "RM50,000", "110%"),
    ("zh-CN", "MYR55,000", "MYR50,000", "110%"),
    ("lt-LT", "55\xa0000\xa0MYR", "50\xa0000\xa0MYR", "110\xa0%"),
    ("fa-IR", "\u200eMYR\xa0۵۵٬۰۰۰", "\u200eMYR\xa0۵۰٬۰۰۰", "۱۱۰%"),
])
def test_the_quota_milestone_gives_won_and_quota_in_the_deployments_currency(locale, won, quota, share):
    if locale == "en-US":  # Babel's en_US has no "RM"; the code stays
        won, quota = "MYR55,000", "MYR50,000"
    milestone = Milestone(ANA, period_of("month", date(2026, 11, 1)), 50000.0, 55000.0, WIN)
    _, blocks = milestone_message(translator_for(locale), milestone, currency="MYR")
    line = blocks[0]["text"]["text"]
    assert line.startswith("\u200f:dart: " if locale == "fa-IR" else ":dart: ")  # right to left: an RLM first
    assert "<@UANA>" in line and "2026-11" in line
    assert won in line and quota in line and share in line
    if locale == "en-US":
        assert line == f":dart: <@UANA> passed 100% of quota for 2026-11: {won} of {quota} ({share})."


def test_a_logged_win_without_an_amount_says_who_logged_it_and_that_quota_ignores_it():
    logged = Win(8, "logged", ANA, date(2026, 11, 23), datetime(2026, 11, 23, 3, 0, tzinfo=UTC), account="Hooli",
                 logged_by=ANA)
    _, blocks = win_message(translator_for("en-US"), logged, currency="USD")
    assert blocks[0]["text"]["text"] == ":trophy: <@UANA> logged a win: *Hooli*"
    assert "not counted toward quota" in blocks[-1]["elements"][0]["text"]


def test_the_shout_out_counts_wins_and_kudos_apart_and_pings_nobody():
    team = RecognitionTeam(1, "Hunters", "C1", "en", (ANA, Colleague(2, "Bo", "UBO", team_id=1)))
    week = period_of("week", date(2026, 11, 23))
    since, until = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC)
    shout_out = build_shout_out(team=team, week=week, since=since, until=until, wins=[WIN], kudos=[])
    title, blocks = shout_out_message(translator_for("en-US"), shout_out, currency="EUR")
    text = _text(blocks)
    assert title == "Shout-outs for Hunters, week of Nov 23, 2026"
    assert "*Ana Lim*: Acme &amp; Co — €48,000" in text and "Most deals won: *Ana Lim* (1)" in text
    assert "Most thanked" not in text and "<@" not in text
    assert "*Bo*" not in text and "No kudos" not in text and "thanked" not in text  # nobody went unthanked here
    title, blocks = shout_out_message(translator_for("lt-LT"), shout_out, currency="EUR")
    assert "2026-11-23" in title and "48\xa0000\xa0€" in _text(blocks) and "<@" not in _text(blocks)


def _text(blocks):
    return "\n".join(b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks)


def test_a_team_whose_channel_speaks_lithuanian_gets_lithuanian_amounts(running_bot, tmp_path):
    bot = running_bot
    bot.slack.add_channel("laimejimai", id="CLTWINS1")
    with bot.services.unit() as u:
        set_channel(u.session, team="Hunters", channel_id="CLTWINS1", locale="lt-LT")
        set_recognition_channel(u.session, team="Hunters", channel_id="CLTWINS1")
    deals = tmp_path / "deals.csv"
    deals.write_text("external_id,owner,stage,account,amount,engaged_on,closed_on\n"
                     "D-5,rep5@example.com,won,Vilniaus prekyba,12500.4,2026-11-02,2026-11-20\n", encoding="utf-8")
    with bot.services.unit() as u:
        import_crm_file(u.session, kind="deals", path=deals, now=u.now)
    bot.job("announce_wins")
    bot.deliver()
    post = eventually(lambda: bot.slack.messages("CLTWINS1"))
    assert "12\xa0500\xa0USD" in post[0]["blocks"][0]["text"]["text"]
    assert "2026-11-20" in str(post[0]["blocks"])


def test_the_outbox_messenger_keys_each_post_by_its_record():
    class Recorder:
        def __init__(self):
            self.enqueued = []

        def post(self, key, channel, text, blocks, *, person_id):
            self.enqueued.append(f"{key} -> {channel}")

    outbox = RecognitionOutbox(Recorder(), currency="USD")  # type: ignore[arg-type]
    outbox.post_win(WIN, channel="C1", locale="en")
    assert outbox.enqueued == ["win:D-1 -> C1"]


def test_a_refusal_in_persian_isolates_its_values_like_any_other_message():
    error = KudosError("not_a_person", "Kudos go to people, not to {name}; name each person with @.", name="@here")
    text = refusal(translator_for("fa-IR"), error)
    assert text.startswith("\u200f") and "\u2068@\u2060here\u2069" in text  # a word joiner: quoted, no ping
    assert refusal(translator_for("en-US"), error) == (
        "Kudos go to people, not to @\u2060here; name each person with @.")
