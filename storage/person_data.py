"""Everything stored about one person: the export (a subject access request) and the erasure that keeps
anonymous aggregates (rounds, eNPS, team KPIs) intact. Callers own the transaction."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.complaints.erasure import erase_complaints
from storage.complaints.models import ComplaintRow
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal, CrmLead, CrmQuota
from storage.followups.models import (
    AccountHold,
    AgendaItem,
    FollowupHold,
    HelpAsk,
    NudgeLog,
    OneOnOne,
    OneOnOneMeeting,
)
from storage.intel import erase_intel_author, export_intel
from storage.models import Answer, ImportRun, OutboxMessage, Person, Recipient, Round, Survey, SurveyFocus, Team
from storage.recognition.models import Kudos, KudosReceiver, Win
from storage.schema import metadata

ERASED_NAME = "Erased person"
ERASED_DOMAIN = "@erased.invalid"
ERASED_MENTION = "a former colleague"
ERASED_TEXT = "[erased]"
ERASED_INSTALLER = "erased"  # slack_installations.user_id is NOT NULL; nothing looks an install up by it


class PersonNotFound(LookupError):
    """No one with this email is stored (the message names it)."""


@dataclass
class Erasure:
    """What an erasure changed, table by table; `already` when the person had been erased before."""

    email: str
    already: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    intel_posts: list[tuple[int, bool]] = field(default_factory=list)  # channel posts to show without their name

    def add(self, what: str, n: int | None) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n


def tombstone_email(email: str) -> str:
    """What stands in for an erased address: a SHA-256 of it, so a repeated request is recognised, no more."""
    return "erased-" + hashlib.sha256(email.strip().lower().encode()).hexdigest() + ERASED_DOMAIN


def _plain(row: Any, *skip: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in skip:
            continue
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def _person(session: Session, email: str) -> Person | None:
    return session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower()))


def _naming(slack_id: str | None) -> list[ColumnElement[bool]]:
    """Outbox rows that name a Slack user without being for them (a channel post mentioning them), or rows from
    before outbox.person_id whose key or channel holds the id."""
    if not slack_id:
        return []
    o = OutboxMessage
    return [o.channel == slack_id, o.key.like(f"%:{slack_id}:%"), o.key.like(f"%:{slack_id}"),
            cast(o.payload, String).like(f'%"{slack_id}"%'), cast(o.payload, String).like(f"%<@{slack_id}>%"),
            cast(o.payload, String).like(f"%<@{slack_id}|%")]


def export_person(session: Session, email: str) -> dict[str, Any]:
    """Everything stored about the person with this email, as plain JSON-ready values."""
    person = _person(session, email)
    if person is None:
        raise PersonNotFound(f"no one with email {email!r} is stored (see the roster)")
    pid = person.id
    emails: dict[int, str] = {pid_: email_ for pid_, email_ in session.execute(select(Person.id, Person.email))}
    profile = _plain(person)
    profile["team"] = session.scalar(select(Team.name).where(Team.id == person.team_id))
    profile["manager_email"] = emails.get(person.manager_id) if person.manager_id else None
    profile["reports"] = sorted(session.scalars(select(Person.email).where(Person.manager_id == pid)))
    rounds = []
    for recipient, round_ in session.execute(select(Recipient, Round).join(Round, Round.id == Recipient.round_id)
                                             .where(Recipient.person_id == pid).order_by(Round.id)):
        entry = _plain(recipient, "respondent_token", "person_id")
        entry.update(survey_id=round_.survey_id, cycle_date=round_.cycle_date.isoformat(),
                     closed=round_.closed_at is not None)
        if recipient.respondent_token:  # open round: the answers are still theirs
            entry["answers"] = [_plain(a, "id", "round_id", "respondent") for a in session.scalars(
                select(Answer).where(Answer.round_id == round_.id, Answer.respondent == recipient.respondent_token)
                .order_by(Answer.question_id))]
        else:
            entry["answers"] = None
            entry["answers_note"] = ("anonymous: the link to this person was destroyed when the round closed"
                                     if round_.closed_at else "no answers")
        rounds.append(entry)
    given = session.scalars(select(Kudos).where(Kudos.giver_id == pid).order_by(Kudos.id)).all()
    receivers: dict[int, list[str]] = {}
    for kudos_id, person_id in session.execute(select(KudosReceiver.kudos_id, KudosReceiver.person_id).where(
            KudosReceiver.kudos_id.in_([k.id for k in given])).order_by(KudosReceiver.position)):
        receivers.setdefault(kudos_id, []).append(emails.get(person_id, ""))
    received = session.scalars(select(Kudos).join(KudosReceiver, KudosReceiver.kudos_id == Kudos.id)
                               .where(KudosReceiver.person_id == pid).order_by(Kudos.id)).all()
    pairs = session.scalars(select(OneOnOne).where(or_(OneOnOne.manager_id == pid, OneOnOne.rep_id == pid))).all()
    pair_ids = [p.id for p in pairs]
    deal_ids = list(session.scalars(select(CrmDeal.id).where(CrmDeal.owner_id == pid)))
    return {
        "person": profile,
        "survey_rounds": rounds,
        "surveys_created": list(session.scalars(select(Survey.id).where(Survey.created_by == pid))),
        "kudos_given": [{**_plain(k, "giver_id", "key"), "receivers": receivers.get(k.id, [])} for k in given],
        "kudos_received": [{**_plain(k, "giver_id", "key"), "giver": emails.get(k.giver_id)} for k in received],
        "wins": [_plain(w) for w in session.scalars(select(Win).where(or_(Win.rep_id == pid, Win.logged_by == pid))
                                                    .order_by(Win.id))],
        "one_on_ones": [{**_plain(p), "manager": emails.get(p.manager_id), "rep": emails.get(p.rep_id)}
                        for p in pairs],
        "one_on_one_meetings": [_plain(m) for m in session.scalars(
            select(OneOnOneMeeting).where(OneOnOneMeeting.pair_id.in_(pair_ids)).order_by(OneOnOneMeeting.id))],
        "agenda_items": [_plain(i, "origin") for i in session.scalars(select(AgendaItem).where(or_(
            AgendaItem.pair_id.in_(pair_ids), AgendaItem.author_id == pid, AgendaItem.owner_id == pid))
            .order_by(AgendaItem.id))],
        "help_asks": [{**_plain(a, "origin"), "rep": emails.get(a.rep_id), "manager": emails.get(a.manager_id or 0)}
                      for a in session.scalars(select(HelpAsk).where(or_(HelpAsk.rep_id == pid,
                                                                         HelpAsk.manager_id == pid))
                                               .order_by(HelpAsk.id))],
        "complaints": [{**_plain(c, "origin", "action_ts"), "owner": emails.get(c.owner_id or 0),
                        "logged_by": emails.get(c.logged_by or 0),
                        "account": session.scalar(select(CrmAccount.name).where(CrmAccount.id == c.account_id))}
                       for c in session.scalars(select(ComplaintRow).where(or_(
                           ComplaintRow.owner_id == pid, ComplaintRow.logged_by == pid)).order_by(ComplaintRow.id))],
        "focuses_chosen": [_plain(f, "origin") for f in session.scalars(select(SurveyFocus).where(
            SurveyFocus.created_by == pid).order_by(SurveyFocus.id))],
        "nudges": [_plain(n) for n in session.scalars(select(NudgeLog).where(NudgeLog.person_id == pid)
                                                      .order_by(NudgeLog.id))],
        "follow_up_holds": [_plain(h) for h in session.scalars(select(FollowupHold).where(
            FollowupHold.deal_id.in_(deal_ids)).order_by(FollowupHold.id))],
        "account_follow_up_holds": [_plain(h) for h in session.scalars(select(AccountHold).where(
            AccountHold.person_id == pid).order_by(AccountHold.id))],
        "outbox": [_plain(o, "claimed_until") for o in session.scalars(  # every message for them, sent or not
            select(OutboxMessage).where(OutboxMessage.person_id == pid).order_by(OutboxMessage.id))],
        "crm_deals": [_plain(d) for d in session.scalars(select(CrmDeal).where(CrmDeal.owner_id == pid)
                                                         .order_by(CrmDeal.id))],
        "crm_activities": [_plain(a) for a in session.scalars(select(CrmActivity).where(CrmActivity.rep_id == pid)
                                                              .order_by(CrmActivity.id))],
        "crm_quotas": [_plain(q) for q in session.scalars(select(CrmQuota).where(CrmQuota.rep_id == pid)
                                                          .order_by(CrmQuota.id))],
        "crm_leads": [_plain(lead) for lead in session.scalars(select(CrmLead).where(CrmLead.owner_id == pid)
                                                               .order_by(CrmLead.id))],
        "crm_accounts_managed": [_plain(a) for a in session.scalars(select(CrmAccount).where(
            CrmAccount.owner_id == pid).order_by(CrmAccount.id))],
        **export_intel(session, person_id=pid, slack_id=person.slack_id),
    }


def erase_person(session: Session, email: str) -> Erasure:
    """Erase a person and keep what others' anonymous figures need.

    The person row becomes a tombstone (no name, email, Slack id, time zone, status); it keeps its id, team, role
    and manager so rounds' invited counts, eNPS and team KPIs add up as before. Open rounds: the link to their
    answers is cut and the text they wrote blanked (the rows stay, so respondent counts do not move); closed
    rounds are already unlinked. Kudos they gave or were the only receiver of, one-on-ones they are in, their
    nudge log, snoozes and messages addressed to them are deleted; wins and CRM records stay with the tombstone
    as owner, without notes (a lost deal keeps its reason and competitor, not the owner's note). Their /intel
    items stay without an author (company knowledge); their reactions go, and `intel_posts` names the channel
    posts the caller shows again without their name (bot.intel.usecases).
    """
    result = Erasure(email.strip().lower())
    person = _person(session, email)
    if person is None:
        if session.scalar(select(Person.id).where(Person.email == tombstone_email(email))) is not None:
            result.already = True
            return result
        raise PersonNotFound(f"no one with email {email!r} is stored (see the roster)")
    pid, slack_id, old_email = person.id, person.slack_id, person.email
    tokens = [t for t in session.scalars(select(Recipient.respondent_token).where(
        Recipient.person_id == pid, Recipient.respondent_token.is_not(None))) if t]
    if tokens:
        result.add("open-round answers unlinked", len(tokens))
        result.add("comments blanked", _run(session, update(Answer).where(
            Answer.respondent.in_(tokens), Answer.comment.is_not(None)).values(comment=None)))
        session.execute(update(Recipient).where(Recipient.person_id == pid).values(respondent_token=None))
        for token in tokens:  # the answers stay, counted, under a token no row links to anyone
            session.execute(update(Answer).where(Answer.respondent == token).values(respondent=secrets.token_hex(16)))
    result.add("focuses unlinked from their manager", _run(session,
        update(SurveyFocus).where(SurveyFocus.created_by == pid).values(created_by=None)))
    result.add("surveys unlinked from their creator", _run(session,
        update(Survey).where(Survey.created_by == pid).values(created_by=None)))
    given = list(session.scalars(select(Kudos.id).where(Kudos.giver_id == pid)))
    received = list(session.scalars(select(KudosReceiver.kudos_id).where(KudosReceiver.person_id == pid)))
    result.add("kudos receipts", _run(session, delete(KudosReceiver).where(KudosReceiver.person_id == pid)))
    lonely = list(session.scalars(select(Kudos.id).where(Kudos.id.in_(received),
                                                         ~Kudos.id.in_(select(KudosReceiver.kudos_id)))))
    doomed = sorted(set(given) | set(lonely))
    if doomed:
        session.execute(delete(KudosReceiver).where(KudosReceiver.kudos_id.in_(doomed)))
        result.add("kudos", _run(session, delete(Kudos).where(Kudos.id.in_(doomed))))
    if slack_id:
        for kudos in session.scalars(select(Kudos).where(Kudos.message.contains(f"<@{slack_id}"))):
            kudos.message = _unmention(kudos.message, slack_id)
            result.add("kudos mentions removed", 1)
    pairs = list(session.scalars(select(OneOnOne.id).where(or_(OneOnOne.manager_id == pid, OneOnOne.rep_id == pid))))
    result.add("agenda items", _run(session, delete(AgendaItem).where(or_(
        AgendaItem.pair_id.in_(pairs), AgendaItem.author_id == pid, AgendaItem.owner_id == pid))))
    session.execute(delete(OneOnOneMeeting).where(OneOnOneMeeting.pair_id.in_(pairs)))
    session.execute(update(OneOnOneMeeting).where(OneOnOneMeeting.recorded_by == pid).values(recorded_by=None))
    result.add("one-on-ones", _run(session, delete(OneOnOne).where(OneOnOne.id.in_(pairs))))
    asked = list(session.scalars(select(HelpAsk.id).where(HelpAsk.rep_id == pid)))
    for ask in asked:  # the manager's DM about it (and its edit) holds the rep's note: not theirs to keep
        result.add("messages about their asks", _run(session, delete(OutboxMessage).where(
            or_(OutboxMessage.key == f"ask:{ask}", OutboxMessage.key.like(f"ask:{ask}:%")))))
    result.add("asks for help", _run(session, delete(HelpAsk).where(HelpAsk.rep_id == pid)))
    result.add("asks for help unlinked from their manager", _run(session, update(HelpAsk).where(
        HelpAsk.manager_id == pid).values(manager_id=None)))
    anonymised, result.intel_posts = erase_intel_author(session, person_id=pid, slack_id=slack_id)
    result.add("intel items made anonymous", anonymised)
    for what, n in erase_complaints(session, pid, erased_text=ERASED_TEXT):
        result.add(what, n)
    result.add("nudges", _run(session, delete(NudgeLog).where(NudgeLog.person_id == pid)))
    result.add("follow-up snoozes", _run(session, delete(FollowupHold).where(
        FollowupHold.deal_id.in_(select(CrmDeal.id).where(CrmDeal.owner_id == pid)))))
    result.add("loss notes", _run(session, update(CrmDeal).where(  # their words; the reason stays with the deal
        CrmDeal.owner_id == pid, CrmDeal.loss_note.is_not(None)).values(loss_note=None)))
    result.add("account follow-up snoozes", _run(session, delete(AccountHold).where(AccountHold.person_id == pid)))
    result.add("win notes", _run(session, update(Win).where(
        or_(Win.rep_id == pid, Win.logged_by == pid), Win.notes.is_not(None)).values(notes=None)))
    theirs = or_(OutboxMessage.person_id == pid, *_naming(slack_id))
    keys = select(OutboxMessage.key).where(theirs).scalar_subquery()
    edits = list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.edits_key.in_(keys))))
    result.add("outbox messages", _run(session, delete(OutboxMessage).where(or_(theirs, OutboxMessage.id.in_(edits)))))
    if slack_id:
        installs = metadata.tables["slack_installations"]
        result.add("app installs unlinked from their installer", _run(session, update(installs).where(
            installs.c.user_id == slack_id).values(user_id=ERASED_INSTALLER, user_token=None, user_scopes=None,
                                                   user_refresh_token=None, user_token_expires_at=None)))
    for run in session.scalars(select(ImportRun)):
        errors = _without(run.errors or [], (old_email,))
        if errors != run.errors:
            run.errors = errors
            result.add("import error lines", 1)
    result.add("other mentions removed", _scrub(session, slack_id=slack_id, email=old_email))
    person.email, person.name, person.slack_id = tombstone_email(old_email), ERASED_NAME, None
    person.tz, person.locale, person.language, person.active = "UTC", "en", None, False
    person.status_text = person.status_emoji = None
    person.status_until = None
    result.add("person", 1)
    session.flush()
    return result


def _run(session: Session, statement: Any) -> int:
    """Execute an UPDATE or DELETE; how many rows it touched."""
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _scrub(session: Session, *, slack_id: str | None, email: str) -> int:
    """Every text and JSON column of every other table: a mention of the person becomes "a former colleague", any
    other trace of their Slack id or email "[erased]". Returns how many rows changed."""
    needles = [n.lower() for n in (slack_id, email) if n]
    changed = 0
    for table in metadata.sorted_tables:
        columns = [c for c in table.c if isinstance(c.type, String | JSON)]
        if table.name == "person" or not columns:
            continue
        found = or_(*(func.lower(cast(c, String)).contains(n, autoescape=True) for c in columns for n in needles))
        keys = list(table.primary_key.columns)
        for row in session.execute(select(*keys, *columns).where(found)).all():
            values = {c.key: _clean(row._mapping[c], slack_id, email) for c in columns}
            values = {k: v for k, v in values.items() if v != row._mapping[table.c[k]]}
            if values:
                session.execute(update(table).where(*(k == row._mapping[k] for k in keys)).values(values))
                changed += 1
    return changed


def _clean(value: Any, slack_id: str | None, email: str) -> Any:
    if isinstance(value, str):
        text = value
        if slack_id:  # whole ids only: erasing U01 leaves U012 alone
            text = re.sub(rf"(?<![A-Z0-9]){re.escape(slack_id)}(?![A-Z0-9])", ERASED_TEXT, _unmention(text, slack_id))
        return re.sub(rf"(?<![\w.+-]){re.escape(email)}(?![\w.-])", ERASED_TEXT, text, flags=re.IGNORECASE)
    if isinstance(value, list):
        return [_clean(v, slack_id, email) for v in value]
    if isinstance(value, dict):
        return {_clean(k, slack_id, email): _clean(v, slack_id, email) for k, v in value.items()}
    return value


def _unmention(text: str, slack_id: str) -> str:
    return re.sub(rf"<@{re.escape(slack_id)}(\|[^>]*)?>", ERASED_MENTION, text)


def _without(lines: Iterable[str], words: Iterable[str]) -> list[str]:
    out = list(lines)
    for word in words:
        out = [line.replace(word, "[erased]") for line in out]
    return out
