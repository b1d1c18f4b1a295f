"""Golden Block Kit for the owner's complaint DM (tests/golden/<language>/complaint.json), in the five languages and
within Slack's limits; UPDATE_GOLDEN=1 rewrites it when a change is intended."""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.complaints.views import owner_message
from bot.i18n import Translator
from bot.slack_double.blockkit import validate_message
from coaching.complaints.service import Complaint

GOLDEN = Path(__file__).resolve().parent.parent.parent / "golden"
LOCALES = {"en": "en-US", "ms": "ms-MY", "zh": "zh-CN", "lt": "lt-LT", "fa": "fa-IR"}
OPENED = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)
COMPLAINT = Complaint(17, 3, 1, 2, "The second invoice billed us twice.\nPlease call back today.", "slack", OPENED,
                      OPENED + timedelta(hours=4), OPENED + timedelta(hours=2))


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_owners_complaint_dm_matches_its_golden_file_and_slacks_limits(language):
    t = Translator.for_person(LOCALES[language], "Asia/Kuala_Lumpur")
    text, blocks = owner_message(t, COMPLAINT, account="Petronas Dagangan", message="complaint:17")
    assert validate_message(text, blocks) == []
    path = GOLDEN / language / "complaint.json"
    rendered = json.dumps(blocks, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == rendered, f"{path} differs; UPDATE_GOLDEN=1 if intended"
