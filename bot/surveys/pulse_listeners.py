"""/pulse and /enps: managers and admins create, list, pause, resume and close surveys and see results."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.i18n import Translator
from bot.slack_text import literal, plain
from bot.surveys import admin as pulse_admin
from bot.surveys import usecases
from bot.surveys.access import survey_teams
from bot.surveys.admin import NotAllowed
from bot.surveys.admin_views import enps_trends, help_text, latest_results, survey_list
from bot.surveys.pulse_views import (
    create_view,
    created_text,
    parse_create,
    question_count_error,
    second_survey_error,
)
from surveys.service import QuestionCount, SurveyError, TeamHasSurvey


class PulseListeners:
    """`/pulse` opens the create-survey modal (team, questions, cadence, weekday, local time)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_PULSE)(self.on_pulse)
        app.command(ids.CMD_ENPS)(self.on_enps)
        app.view(ids.VIEW_PULSE_CREATE)(self.on_create_submitted)

    def on_pulse(self, ack: Ack, body: dict[str, Any]) -> None:
        """`/pulse` opens the modal; `/pulse list|pause|resume|close|results|help` answer the asker only."""
        verb, _, rest = plain((body.get("text") or "").strip()).partition(" ")
        if verb.lower() in ("", "new", "create"):
            self._open_create(ack, body)
            return
        t = self._translator(body["user_id"])
        if verb.lower() == "close" and rest.strip().isdecimal() and len(rest.strip()) <= 9:
            ack()  # closing works out the results and draws their chart: Slack waits 3 s for the ack, not for that
            self._close(t, int(rest.strip()), body)
            return
        try:
            text, blocks = self._admin(t, verb.lower(), rest.strip(), body["user_id"])
        except (NotAllowed, SurveyError) as refusal:
            text, blocks = literal(t.gettext(str(refusal))), None  # it may quote what they typed
        ack(text=text, blocks=blocks)

    def _close(self, t: Translator, survey_id: int, body: dict[str, Any]) -> None:
        """`/pulse close ID` after its ack: the round closed, the reply through the response_url, then the results."""
        keys: list[str] = []
        try:
            keys = pulse_admin.close_now(self.services, slack_user=body["user_id"], survey_id=survey_id)
            text = t.gettext("Closed. The results are on their way to the team's managers.")
        except (NotAllowed, SurveyError) as refusal:
            text = literal(t.gettext(str(refusal)))  # it may quote what they typed
        with self.services.unit() as u:
            member = u.people.by_slack_id(body["user_id"])
            u.messenger.respond(f"pulse-close:{body['trigger_id']}", body["response_url"], text, [],
                                person_id=member.person_id if member else None)
            reply = u.messenger.enqueued
        self.services.delivery.drain(keys=reply)  # the reply first, then the results
        self.services.delivery.drain(keys=keys)

    def on_enps(self, ack: Ack, body: dict[str, Any]) -> None:
        """`/enps [team]`: the eNPS trend, round by round, for the teams you may see."""
        t = self._translator(body["user_id"])
        try:
            text, blocks = enps_trends(t, *pulse_admin.enps_overview(
                self.services, slack_user=body["user_id"], team=plain((body.get("text") or "").strip()) or None))
        except NotAllowed as refusal:
            text, blocks = literal(t.gettext(str(refusal))), None  # it may quote what they typed
        ack(text=text, blocks=blocks)

    def _admin(self, t: Translator, verb: str, rest: str, user: str) -> tuple[str, list[dict[str, Any]] | None]:
        if verb == "list":
            return survey_list(t, pulse_admin.list_surveys(self.services, slack_user=user))
        if verb == "results":
            histories, _ = pulse_admin.enps_overview(self.services, slack_user=user, team=rest or None)
            return latest_results(t, histories[0])
        if verb in ("pause", "resume", "close"):  # a well-formed close is answered after its ack (_close)
            if not rest.isdecimal() or len(rest) > 9:  # isdigit() lets '²' through; ids fit an INTEGER
                return t.gettext("Say which survey: /pulse {verb} ID (see /pulse list).", verb=verb), None
            plan = pulse_admin.set_active(self.services, slack_user=user, survey_id=int(rest),
                                          active=verb == "resume")
            return (t.gettext("Survey #{id} is paused.", id=plan.id) if verb == "pause"
                    else t.gettext("Survey #{id} is running again.", id=plan.id)), None
        return help_text(t), None

    def _translator(self, slack_user: str) -> Translator:
        with self.services.unit() as u:
            member = u.people.by_slack_id(slack_user)
        return Translator.for_person(member.locale if member else None, member.tz if member else None)

    def _open_create(self, ack: Ack, body: dict[str, Any]) -> None:
        with self.services.unit() as u:
            member = u.people.by_slack_id(body["user_id"])
            t = Translator.for_person(member.locale if member else None, member.tz if member else None)
            teams = survey_teams(u, member)
            if not teams:
                ack(text=t.gettext("Only managers and admins in the roster can create pulse surveys."))
                return
            ack()
            u.messenger.open_view(body["trigger_id"], create_view(t, teams, u.surveys.bank()), for_user=body["user_id"],
                                  person_id=member.person_id if member else None)
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)

    def on_create_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = parse_create(view["state"]["values"])
        result = usecases.create_survey(self.services, created_by=body["user"]["id"], origin=f"view:{view['id']}",
                                        **values)
        t = Translator.for_person(result.member.locale if result.member else None,
                                  result.member.tz if result.member else None)
        if isinstance(result.error, TeamHasSurvey):
            ack(response_action="errors", errors={"team": second_survey_error(t, result.error.plan)})
            return
        if isinstance(result.error, QuestionCount):
            ack(response_action="errors", errors={"questions": question_count_error(t, result.error)})
            return
        if result.status != "created":
            message = result.detail or t.gettext("You can create surveys only for teams you manage.")
            ack(response_action="errors", errors={"questions" if "question" in message else "team": message})
            return
        ack()
        text = created_text(t, survey_id=result.detail, team=literal(values["team"]), cadence=values["cadence"],
                            weekday=values["weekday"], send_time=values["send_time"])
        with self.services.unit() as u:
            u.messenger.post(f"pulse-created:{result.detail}", body["user"]["id"], text,
                             [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
                             person_id=result.member.person_id if result.member else None)
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)
