"""Identity belongs to a workspace: a bolt middleware that serves a request only for the person linked in the
workspace (or Enterprise Grid org) it came from, and the Origin that the profile listeners link people with.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, BoltResponse

from bot import ids
from bot.i18n import N_, Translator
from bot.runtime.batches import Batches
from storage.identity import Origin, PersonWorkspaces, admission

if TYPE_CHECKING:
    from bot.bootstrap import Services

log = logging.getLogger(__name__)
STRANGER = N_("You are not in the roster yet. Ask your admin to add you.")  # what every command says
ACKS_FIRST = 1.0  # seconds a first contact's binding may wait for a burst of acks before it is written anyway
TIE_AT_MOST = 2000  # first contacts tied in one transaction


def roster_workspaces(services: Services, context: BoltContext) -> frozenset[str]:
    """Which workspaces may link people: SALESCOACH_ROSTER_WORKSPACES, else the first installed workspace (OAuth),
    else the workspace of the bot token (as bolt's auth.test found it)."""
    if services.workspaces is not None:
        return services.workspaces.roster_workspaces()
    if services.settings.roster_workspaces:
        return frozenset(services.settings.roster_workspaces)
    token = context.authorize_result
    own = (token.team_id or token.enterprise_id) if token is not None else None
    return frozenset({own}) if own else frozenset()


def origin_of(services: Services, context: BoltContext) -> Origin:
    """Where a request or event came from, as the storage rules need it."""
    return Origin(context.team_id, context.enterprise_id, roster_workspaces(services, context))


class IdentityGate:
    """Requests whose user id is linked in another workspace get a stranger's answer and read or change nothing;
    a person's first request from a workspace allowed to link people ties them to it (after the ack, unless what
    the request sends them must already go through that workspace)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.people = PersonWorkspaces(services.sessions)
        # a burst of first clicks is tied in one transaction, after the acks (SQLite has one writer)
        self._binder: Batches[tuple[str, Origin]] = Batches(self._first_contacts, lanes=1, limit=TIE_AT_MOST,
                                                            yield_to=services.in_flight.wait_quiet,
                                                            name="first-contacts")

    def admit(self, context: BoltContext, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        """bolt middleware: the request goes on unless its user id is another workspace's person's."""
        user = context.user_id
        if not user:
            return next()
        origin = origin_of(self.services, context)
        if _admitted_with_its_work(body):  # its answer is the same empty 200 either way; it is admitted after it
            context["origin"] = origin
            return next()
        verdict, unbound = admission(self.services.engine, user, origin)
        workspaces = self.services.workspaces
        if unbound and workspaces is not None and not workspaces.sends_to(origin):
            self.people.first_contact(user, origin)  # now: what this request sends them must go through here
        elif unbound:  # what we send them goes to this workspace already: tie them after the ack
            self._binder.submit((user, origin), lane=user, yield_until=time.monotonic() + ACKS_FIRST)
        if verdict != "stranger":
            return next()
        log_stranger(context.team_id)
        if body.get("command"):  # a slash command: the answer anyone not in the roster gets, only they see it
            text = Translator.for_person(None, None).gettext(STRANGER)
            answer = {"response_type": "ephemeral", "text": text,
                      "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
            return BoltResponse(status=200, body=json.dumps(answer),
                                headers={"content-type": ["application/json;charset=utf-8"]})
        return BoltResponse(status=200, body="")

    def _first_contacts(self, contacts: list[tuple[str, Origin]]) -> None:
        for origin, tied in self.people.first_contacts(contacts).items():
            if tied:
                log.info("%d %s tied to workspace %s on their first request from it", tied,
                         "person was" if tied == 1 else "people were", origin.team_id)


def _admitted_with_its_work(body: dict[str, Any]) -> bool:
    """A survey answer click is admitted where it is recorded, a burst in one read (bot.surveys.answer_listeners):
    reading before each ack held 200 clicks at 09:00 back by half again (python -m bench.ack)."""
    actions = body.get("actions") if body.get("type") == "block_actions" else None
    return isinstance(actions, list) and len(actions) == 1 and isinstance(actions[0], dict) and \
        bool(ids.ACTION_SURVEY_ANSWER_RE.match(str(actions[0].get("action_id", ""))))


def log_stranger(team_id: str | None) -> None:
    log.info("a request from workspace %s by a user linked in another workspace was answered as a stranger's",
             team_id)
