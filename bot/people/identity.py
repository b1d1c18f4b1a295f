"""Identity belongs to a workspace: a bolt middleware that serves a request only for the person linked in the
workspace (or Enterprise Grid org) it came from, and the Origin that the profile listeners link people with.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, BoltResponse

from bot.i18n import N_, Translator
from storage.db import reading
from storage.identity import Origin, admission, bind_first_contact

if TYPE_CHECKING:
    from bot.bootstrap import Services

log = logging.getLogger(__name__)
ACKS_FIRST = 1.0  # seconds a first contact's binding may wait for a burst of acks to go out
STRANGER = N_("You are not in the roster yet. Ask your admin to add you.")  # what every command says


class IdentityGate:
    """Requests whose user id is linked in another workspace get a stranger's answer and read or change nothing."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # first contacts are bound after the ack, one at a time: the ack path only reads
        self.binder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="identity-binding")

    def roster_workspaces(self, context: BoltContext) -> frozenset[str]:
        """Which workspaces may link people: SALESCOACH_ROSTER_WORKSPACES, else the first installed workspace
        (OAuth), else the workspace of the bot token (as bolt's auth.test found it)."""
        if self.services.workspaces is not None:
            return self.services.workspaces.roster_workspaces()
        if self.services.settings.roster_workspaces:
            return frozenset(self.services.settings.roster_workspaces)
        token = context.authorize_result
        own = (token.team_id or token.enterprise_id) if token is not None else None
        return frozenset({own}) if own else frozenset()

    def origin(self, context: BoltContext) -> Origin:
        """Where this request came from, as the storage rules need it."""
        return Origin(context.team_id, context.enterprise_id, self.roster_workspaces(context))

    def _bind(self, user: str, origin: Origin) -> None:
        self.services.in_flight.wait_quiet(time.monotonic() + ACKS_FIRST)  # a burst of first contacts: acks first
        with self.services.unit() as u:
            bind_first_contact(u.session, user, origin)

    def admit(self, context: BoltContext, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        """bolt middleware: the request goes on unless its user id is another workspace's person's."""
        user = context.user_id
        if not user:
            return next()
        origin = self.origin(context)
        with reading(self.services.engine) as session:
            decided, unbound = admission(session, user, origin)
        if unbound:
            self.binder.submit(self._bind, user, origin)
        if decided != "stranger":
            return next()
        log.info("a request from workspace %s by a user linked in another workspace was answered as a stranger's",
                 context.team_id)
        if body.get("command"):  # a slash command: the answer anyone not in the roster gets, only they see it
            text = Translator.for_person(None, None).gettext(STRANGER)
            answer = {"response_type": "ephemeral", "text": text,
                      "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
            return BoltResponse(status=200, body=json.dumps(answer),
                                headers={"content-type": ["application/json;charset=utf-8"]})
        return BoltResponse(status=200, body="")
