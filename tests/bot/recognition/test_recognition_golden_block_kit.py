"""Golden Block Kit files for the weekly shout-out (with its three boards) and the manager's private note of who
nobody thanked lately, in each of the five languages (tests/golden/<language>/shout_out.json, quiet_note.json).

As in tests/bot/test_golden_block_kit.py: when a change is intended, rewrite them with
`UPDATE_GOLDEN=1 python -m pytest tests/bot/recognition/test_recognition_golden_block_kit.py` and review the diff.
"""

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.recognition.messages import quiet_note_message, shout_out_message, translator_for
from bot.slack_double.blockkit import validate_message
from coaching.access import OrgEntry
from coaching.periods import period_of
from coaching.recognition.kudos import Kudos
from coaching.recognition.quiet import build_quiet_note
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import build_shout_out
from coaching.recognition.wins import Win

GOLDEN = Path(__file__).resolve().parent.parent.parent / "golden"
LOCALES = {"en": "en-US", "ms": "ms-MY", "zh": "zh-CN", "lt": "lt-LT", "fa": "fa-IR"}
UNTIL = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 16:00 in Kuala Lumpur
SINCE = UNTIL - timedelta(days=7)
NAMES = ["Emily Carter", "Chen Wei", "Nur Aisyah", "Rūta Kazlauskienė", "Darius Rahimi"]
EMILY, CHEN, NUR, RUTA, DARIUS = (Colleague(i, n, f"U{i}", 1, tz="Asia/Kuala_Lumpur")
                                  for i, n in enumerate(NAMES, start=1))
SITI = Colleague(9, "Siti Rahman", "USITI", 1, role="manager", tz="Asia/Kuala_Lumpur")
TEAM = RecognitionTeam(1, "Kuala Lumpur Hunters", "C1", "en", (EMILY, CHEN, NUR, RUTA, DARIUS, SITI))
ORG = {9: OrgEntry(None, "manager", 1), **{p.person_id: OrgEntry(9, "rep", 1) for p in TEAM.members[:5]}}


def _wins() -> list[Win]:
    def win(i: int, rep: Colleague, at: datetime, account: str, amount: float) -> Win:
        return Win(i, "import", rep, at.date(), at, account, amount, cycle_days=30, deal_external_id=f"D-{i}")

    this_week = [win(1, CHEN, SINCE + timedelta(days=1), "Petronas Dagangan", 48000.0),
                 win(2, CHEN, SINCE + timedelta(days=2), "Maxis", 12500.0),
                 win(3, EMILY, SINCE + timedelta(days=3), "Vilniaus prekyba", 30000.0),
                 win(4, EMILY, SINCE + timedelta(days=3, hours=2), "Digikala", 9000.0),
                 win(5, EMILY, SINCE + timedelta(days=4), "Tencent", 21000.0)]
    earlier = [win(10 + i, rep, SINCE - timedelta(days=1 + 3 * i), "Earlier", 1000.0)
               for i, rep in enumerate([EMILY, EMILY, EMILY, EMILY, CHEN, CHEN, CHEN])]
    return this_week + earlier


def _kudos() -> list[Kudos]:
    return [Kudos(1, SITI, (CHEN, NUR), "customer-first", "Stayed on the Petronas call until it closed",
                  SINCE + timedelta(days=1)),
            Kudos(2, CHEN, (NUR,), None, "Thanks for the handover notes", SINCE + timedelta(days=2)),
            Kudos(3, NUR, (EMILY,), "grit", "Three demos in one day, all booked", SINCE + timedelta(days=4))]


def _render(language):
    t = translator_for(LOCALES[language], "Asia/Kuala_Lumpur")
    week = period_of("week", date(2026, 11, 23))
    shout_out = build_shout_out(team=TEAM, week=week, since=SINCE, until=UNTIL, wins=_wins(), kudos=_kudos())
    note = build_quiet_note(team=TEAM, week=week, until=UNTIL, kudos=shout_out.kudos,
                            last_kudos={RUTA.person_id: UNTIL - timedelta(days=40)}, manager=SITI, org=ORG)
    assert note is not None
    return {"shout_out": shout_out_message(t, shout_out, currency="MYR"), "quiet_note": quiet_note_message(t, note)}


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_shout_out_and_the_managers_note_match_the_golden_files_and_slacks_limits(language):
    folder = GOLDEN / language
    for name, (text, blocks) in _render(language).items():
        assert validate_message(text, blocks) == []
        path = folder / f"{name}.json"
        golden = json.dumps({"text": text, "blocks": blocks}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if os.environ.get("UPDATE_GOLDEN"):
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(golden, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == golden, f"{path} differs; UPDATE_GOLDEN=1 if intended"


def test_the_golden_shout_out_shows_all_three_boards_and_no_quiet_names_which_only_the_note_has():
    rendered = _render("en")
    (_, shout_out), (_, note) = rendered["shout_out"], rendered["quiet_note"]
    cheers = shout_out[-1]["text"]["text"]
    assert cheers == (":tada: *Congratulations!*\n"
                      "Most thanked by colleagues: *Nur Aisyah* (2), *Chen Wei* (1), *Emily Carter* (1)\n"
                      "Most deals won: *Emily Carter* (3), *Chen Wei* (2)\n"
                      "Biggest step up: *Emily Carter* (3, up from 1.3 a week), *Chen Wei* (2, up from 1 a week)")
    quiet = ["Darius Rahimi", "Rūta Kazlauskienė"]
    assert not any(name in json.dumps(shout_out, ensure_ascii=False) for name in quiet)
    assert note[0]["text"]["text"].startswith(
        ":seedling: *Kuala Lumpur Hunters*: nobody has thanked *Darius Rahimi* and *Rūta Kazlauskienė* in 30 days.")
