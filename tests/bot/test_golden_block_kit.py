"""Golden Block Kit files: one survey DM, one coaching digest, one App Home, a manager's DM about a rep's ask for
help, the focus modal, the team channel's "You said / we will", the /intel modal and channel post, and the DM
asking why a deal was lost in each of the five languages.

A change to wording, layout or formatting shows up as a diff of tests/golden/<language>/*.json; when the change
is intended, rewrite them with `UPDATE_GOLDEN=1 python -m pytest tests/bot/test_golden_block_kit.py`.
"""

import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.asks.views import ask_message
from bot.coaching.views import digest_message
from bot.home.publish import HomeData
from bot.home.views import home_view
from bot.i18n import RLM, Translator
from bot.intel.views import channel_post, intel_view
from bot.losses.views import ask_message as loss_message
from bot.losses.views import digest_blocks as loss_blocks
from bot.slack_double.blockkit import validate_message, validate_view
from bot.surveys.focus_views import focus_view, shared_message
from bot.surveys.messages import survey_message
from coaching.asks.service import Ask, AskCounts, counts
from coaching.followups.rules import DealState
from coaching.intel.service import Intel
from coaching.losses.reasons import REASONS, LostDeal, mix, mix_by_owner
from coaching.performance.digest import build_digest, rep_kpis
from coaching.performance.kpis import RepFigures
from coaching.periods import parse_period
from surveys.focus import Focus, ThemeScore
from surveys.ports import Member, RoundInfo

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
LOCALES = {"en": "en-US", "ms": "ms-MY", "zh": "zh-CN", "lt": "lt-LT", "fa": "fa-IR"}
NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
ROUND = RoundInfo(7, 3, "Kuala Lumpur Hunters", date(2026, 11, 23), ("enps", "manager", "quota_confidence"), NOW,
                  datetime(2026, 11, 26, 6, 30, tzinfo=UTC), None)


def _figures(person_id, won, lost, revenue, calls):
    return RepFigures(person_id, activities={"call": calls, "email": calls // 2}, deals_created=won + lost,
                      deals_won=won, deals_lost=lost, revenue_won=revenue, cycle_days_total=40.0 * won,
                      cycle_count=won, open_deals=3, open_value=30000.0, due_value=20000.0, dated_open=3,
                      quota=60000.0, stale_deals=lost // 2, first_seen=date(2025, 1, 6))


def _digest():
    current = [_figures(1, 2, 9, 18000.0, 400), _figures(2, 6, 3, 72000.0, 150), _figures(3, 4, 4, 40000.0, 140),
               _figures(4, 3, 3, 30000.0, 120), _figures(5, 4, 2, 41000.0, 130)]
    previous = [_figures(p, 3, 3, 30000.0, 120) for p in range(1, 6)]
    period = parse_period("2026-Q4", today=NOW.date())
    return build_digest(manager_id=9, period=period, reps=list(rep_kpis(current, previous).values()),
                        today=NOW.date())


NAMES = {1: "Emily Carter", 2: "Chen Wei", 3: "Nur Aisyah", 4: "Rūta Kazlauskienė", 5: "Darius Rahimi"}


def _render(language):
    t = Translator.for_person(LOCALES[language], "Asia/Kuala_Lumpur")
    _, survey = survey_message(t, ROUND, {"enps": 9})
    lost = [LostDeal(n, f"D-{n}", 1 + n % 3, "Petronas Dagangan", 9000.0, date(2026, 11, 3), reason, competitor)
            for n, (reason, competitor) in enumerate([("price", None), ("price", "Acme CRM"), ("timing", None),
                                                      ("competitor", "Acme CRM"), ("price", None), (None, None)])]
    _, digest = digest_message(t, _digest(), NAMES, currency="USD", team="Kuala Lumpur Hunters", min_deals=5,
                               losses=loss_blocks(t, mix(lost), mix_by_owner(lost), NAMES))
    _, loss_ask = loss_message(t, lost[5], key="loss:5", offered=REASONS, currency="USD")
    member = Member(1, "Emily Carter", "emily@example.com", "rep", "Asia/Kuala_Lumpur", LOCALES[language], "UEMILY", 1)
    home = home_view(t, HomeData(member, NOW, open_rounds=[(ROUND, False)]), currency="USD")
    deal = DealState(41, "D-1041", 1, "Petronas Dagangan", 48000.0, "Negotiation", next_step="Send the revised quote",
                     last_activity_on=date(2026, 11, 9))
    _, ask = ask_message(t, ask_id=12, rep="Emily Carter", deal=deal, note="Their CFO went quiet. Could you call?",
                         today=NOW.date(), currency="USD")
    scores = [ThemeScore("relationship with manager", 3.2, -0.4), ThemeScore("sales", 3.9, 0.1),
              ThemeScore("recognition", None, None)]
    focus_modal = focus_view(t, round_id=7, team="Kuala Lumpur Hunters", scores=scores,
                             suggested="relationship with manager", due=date(2026, 12, 21), channel=True)
    focus = Focus(3, 1, 1, 7, "relationship with manager", "Weekly deal reviews: 30 minutes, no slides",
                  date(2026, 12, 21), True, 9, NOW)
    _, shared = shared_message(t, focus, scores[0], team="Kuala Lumpur Hunters")
    item = Intel(5, 1, "competitor", "Acme CRM offers 30% off three-year renewals <!here>", 41, "Petronas Dagangan",
                 "Acme CRM", NOW, 4, "CINTEL01")
    _, intel = channel_post(t, item, author="Emily Carter")
    return {"survey": survey, "digest": digest, "home": home, "ask": ask, "focus_view": focus_modal,
            "focus_shared": shared, "loss_ask": loss_ask, "intel_post": intel,
            "intel_view": intel_view(t, accounts=[(41, "Petronas Dagangan")], competitors=[(1, "Acme CRM")],
                                     channel_set=False)}


@pytest.mark.parametrize("language", list(LOCALES))
def test_block_kit_matches_the_golden_files_and_slacks_limits(language):
    rendered = _render(language)
    assert validate_message("text", rendered["survey"]) == []
    assert validate_message("text", rendered["digest"]) == []
    assert validate_view(rendered["home"]) == []
    assert validate_message("text", rendered["ask"]) == [] and validate_message("text", rendered["loss_ask"]) == []
    assert validate_message("text", rendered["focus_shared"]) == [] and validate_view(rendered["focus_view"]) == []
    assert validate_message("text", rendered["intel_post"]) == [] and validate_view(rendered["intel_view"]) == []
    folder = GOLDEN / language
    for name, blocks in rendered.items():
        path = folder / f"{name}.json"
        text = json.dumps(blocks, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if os.environ.get("UPDATE_GOLDEN"):
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{path} differs; UPDATE_GOLDEN=1 if intended"


def test_persian_lines_start_right_to_left_with_latin_names_isolated_and_persian_digits():
    digest = json.dumps(_render("fa")["digest"], ensure_ascii=False)
    assert RLM in digest and "\u2068Kuala Lumpur Hunters\u2069" in digest
    assert re.search("[۰-۹]{1,3}٬[۰-۹]{3}", digest)  # money in Persian digits with Persian grouping


def _digest_lines(blocks) -> list[str]:
    """What a reader sees of the digest, one screen line per text line (buttons count as one)."""
    lines = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            lines += block["text"]["text"].split("\n")
        elif block["type"] == "context":
            lines += [e["text"] for e in block["elements"]]
        else:
            lines.append(block["type"])
    return lines


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_digest_fits_one_screen_with_three_headlines_at_most_three_people_and_no_one_both_praised_and_flagged(
        language):
    blocks = _render(language)["digest"]
    assert len(_digest_lines(blocks)) <= 20
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    headline = sections[0].split("\n")[1:]
    assert len(headline) == 3 and all(":large_green_circle:" in line or ":red_circle:" in line for line in headline)
    attention, praise = sections[1], sections[2]
    flagged = {name for name in NAMES.values() if name in attention}
    praised = {name for name in NAMES.values() if name in praise}
    assert 1 <= len(flagged) <= 3 and praised and not flagged & praised
    assert "/coach @rep" in json.dumps(blocks, ensure_ascii=False) and "coach_pack" in json.dumps(blocks)


def test_the_digests_ask_line_shows_a_dash_for_the_median_when_no_ask_was_answered_and_nothing_without_asks():
    t = Translator.for_person("en-US", "Asia/Kuala_Lumpur")

    def ask_line(asks):
        _, blocks = digest_message(t, _digest(), NAMES, currency="USD", team="Hunters", min_deals=5, asks=asks)
        return [line for line in _digest_lines(blocks) if "Asks for help" in line]

    assert ask_line(AskCounts(2, 0, None)) == [
        ":raising_hand: Asks for help in the last 7 days: 2 asked, 0 answered, median time to answer – h"]
    asked = NOW - timedelta(hours=5)
    asks = [Ask(n, 1, 9, None, "", asked, ("reply",), asked + timedelta(minutes=75)) for n in (1, 2)]
    found = counts([*asks, Ask(3, 1, 9, None, "", asked)], start=NOW - timedelta(days=7), end=NOW)
    assert ask_line(found) == [  # 1.25 h: half away from zero, as the pack rounds it
        ":raising_hand: Asks for help in the last 7 days: 3 asked, 2 answered, median time to answer 1.3 h"]
    assert ask_line(AskCounts(0, 0, None)) == ask_line(None) == []


def test_the_digest_with_every_field_intelligence_section_at_its_fullest_stays_within_31_lines_and_slacks_limits():
    from bot.complaints.digest import digest_line
    from coaching.complaints.service import ComplaintCounts
    from coaching.intel.service import Intel, Rollup

    t = Translator.for_person("en-US", "Europe/Vilnius")
    names = {n: f"Rep {n} " + "Ž" * 30 for n in range(200)}
    lost = [LostDeal(n, f"D-{n}", n % 150, "<!channel> Acme", 900.0, date(2026, 11, 3), REASONS[n % 5],
                     f"Competitor {n % 9} " + "x" * 100) for n in range(600)]
    long = "<!here> " + "y" * 2000
    items = tuple(Intel(n, 1, "competitor", long, None, None, f"C{n}", NOW, 9 - n) for n in range(3))
    rollup = Rollup(40, (("competitor", 20), ("need", 10), ("market", 10)),
                    tuple((f"Competitor {n} " + "z" * 60, 9 - n) for n in range(9)), items)
    _, blocks = digest_message(t, _digest(), names, currency="USD", team="Kuala Lumpur Hunters", min_deals=5,
                               asks=AskCounts(3, 2, 1.5), losses=loss_blocks(t, mix(lost), mix_by_owner(lost), names),
                               intel=rollup, complaints=digest_line(t, ComplaintCounts(4, 2, 3, 2.5)))
    assert validate_message("text", blocks) == []
    assert len(_digest_lines(blocks)) <= 31  # 20 for the KPIs and people, 4 + 6 + 1 for field intelligence
    text = json.dumps(blocks, ensure_ascii=False)
    assert "<!channel>" not in text and "<!here>" not in text and "142 more in the pack" in text
