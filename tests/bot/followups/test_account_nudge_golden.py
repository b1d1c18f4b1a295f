"""Golden Block Kit for the accounts in the daily follow-up DM (tests/golden/<language>/account_nudge.json), in each
of the five languages, within Slack's limits; UPDATE_GOLDEN=1 rewrites them when a change is intended."""

import json
import os
from datetime import date
from pathlib import Path

import pytest

from bot.followups.views import nudge_message
from bot.i18n import Translator
from bot.slack_double.blockkit import validate_message
from coaching.followups.accounts import AccountFollowup, AccountNudgeItem
from coaching.followups.rules import RepNudge

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
LOCALES = {"en": "en-US", "ms": "ms-MY", "zh": "zh-CN", "lt": "lt-LT", "fa": "fa-IR"}
DAY = date(2026, 11, 23)
KEY = f"nudge:7:{DAY}"
NUDGE = RepNudge(7, DAY, KEY, (), accounts=(
    AccountNudgeItem(3, "Petronas Dagangan", (AccountFollowup(3, "Petronas Dagangan", "contact_left", "2026-11-20",
                                                              "2026-11-20", 3, date(2026, 11, 20)),),
                     f"nudge:contact_left:a3:{DAY}"),
    AccountNudgeItem(4, "Maxis", (
        AccountFollowup(4, "Maxis", "check_in_30", "41", "41", 31, date(2026, 10, 23), 30, deal_external_id="D-1041"),
        AccountFollowup(4, "Maxis", "account_quiet", "", "2026-10-01", 53, date(2026, 10, 1), 30, "high")),
        f"nudge:check_in_30:a4:{DAY}")), more_accounts=2)


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_account_part_of_the_daily_dm_matches_its_golden_file_and_slacks_limits(language):
    text, blocks = nudge_message(Translator.for_person(LOCALES[language], "Asia/Kuala_Lumpur"), NUDGE, currency="USD")
    assert validate_message(text, blocks) == []
    path = GOLDEN / language / "account_nudge.json"
    rendered = json.dumps(blocks, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == rendered, f"{path} differs; UPDATE_GOLDEN=1 if intended"
