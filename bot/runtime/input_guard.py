"""Slack input no listener should see: a slash command or a modal whose text holds control characters (NUL cannot
be stored in PostgreSQL, and none of them means anything in a message) gets one line back before any listener runs.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltResponse

from bot.bootstrap import Services
from bot.i18n import Translator

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 and DEL; tab, newline and return are text


class ControlCharacters:
    """A global bolt middleware: refuses such text in one line in the sender's language; passes the rest on."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def refuse(self, body: dict[str, Any], next_: Any) -> BoltResponse | None:
        if body.get("command") and CONTROL.search(str(body.get("text") or "")):
            return BoltResponse(status=200, body={"text": self._refusal(str(body.get("user_id") or ""))})
        if body.get("type") == "view_submission":
            blocks = [block for block, actions in ((body.get("view") or {}).get("state") or {}).get("values", {})
                      .items() if any(CONTROL.search(str(a.get("value") or "")) for a in actions.values())]
            if blocks:
                line = self._refusal(str((body.get("user") or {}).get("id") or ""))
                return BoltResponse(status=200, body={"response_action": "errors",
                                                      "errors": dict.fromkeys(blocks, line[:150])})
        next_()
        return None

    def _refusal(self, slack_user: str) -> str:
        with self.services.unit() as u:
            member = u.people.by_slack_id(slack_user) if slack_user else None
        t = Translator.for_person(member.locale if member else None)
        return t.gettext("Remove the control characters (such as NUL) from your text and try again.")
