"""POST /hooks/complaints: one case (a customer complaint) as JSON from the CRM, signed as /hooks/deals is
(bot.recognition.webhook.signed_hook); a new case becomes a complaint whose owner is told, a known external id is
updated, never added twice."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import Services
from bot.complaints.usecases import take_cases
from bot.recognition.webhook import HookRefused, WsgiApp, signed_hook
from bot.recognition.webhook_auth import Delivery
from storage.complaints.cases import COLUMNS, Lookups, check_case

PATH = "/hooks/complaints"
MAX_BODY = 64 * 1024  # one case: a few kilobytes of text at most
EXAMPLE = ('{"external_id": "CASE-1", "account": "Acme", "subject": "Invoice wrong", "text": "…", '
           '"opened_at": "2026-12-04T15:30:00+08:00", "owner": "ana@example.com"}')


def make_complaints_hook(services: Services) -> WsgiApp:
    """The WSGI handler bot.runtime.server routes POST /hooks/complaints to (answers: see signed_hook); a 200 says
    'added', 'updated' or 'unchanged'."""

    def take(payload: Any, delivery: Delivery) -> tuple[str, dict[str, Any], list[str]]:
        if not isinstance(payload, dict):
            raise HookRefused([f"body: is not a JSON object; expected one case such as {EXAMPLE}"])
        unknown = sorted(str(k) for k in payload if k not in COLUMNS)
        if unknown:
            raise HookRefused([f"{name}: is not a field of a case; expected {', '.join(COLUMNS)}"
                               for name in unknown[:10]])
        with services.unit() as u:
            fields = {**payload, "opened_at": payload.get("opened_at") or u.now.isoformat()}
            case, problems = check_case(fields, where=str, lookups=Lookups(u.session))
            if case is None:
                raise HookRefused(problems)
            if not u.recognition.take_signature(delivery.key, accepted_until=delivery.accepted_until):
                return "duplicate", {}, []
            added, updated, _ = take_cases(services, u, [case], source="webhook")
            status = "added" if added else "updated" if updated else "unchanged"
            return status, {"status": status, "external_id": case.external_id}, u.messenger.enqueued

    return signed_hook(services, what="complaints", one="one case", max_body=MAX_BODY, example=EXAMPLE, take=take)
