"""Recognition use cases: give kudos, log a win, announce won deals once, take a CRM webhook deal, post each
team's weekly shout-out, edit company values, and read history and recognition gaps."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coaching.periods import period_of
from coaching.recognition.kudos import (
    DEFAULT_VALUES,
    DEFAULT_WEEKLY_CAP,
    Allowance,
    CompanyValue,
    Kudos,
    KudosDraft,
    KudosError,
    check_allowance,
    check_description,
    draft_from_modal,
    parse_kudos,
    value_name,
    values_in_use,
    week_of,
)
from coaching.recognition.ports import RecognitionMessenger, RecognitionStore
from coaching.recognition.quiet import DEFAULT_QUIET_DAYS, build_quiet_note, team_manager
from coaching.recognition.records import N_, Colleague, RecognitionTeam
from coaching.recognition.shout_outs import (
    STEP_UP_WEEKS,
    KudosHistory,
    LastRecognised,
    ShoutOut,
    build_shout_out,
)
from coaching.recognition.wins import WebhookDeal, Win, WinError, check_logged_win, quota_milestones

ANNOUNCE_WINDOW = timedelta(days=7)  # won events older than this are history, not news
SHOUT_OUT_DAY, SHOUT_OUT_AT = 4, time(16, 0)  # Friday 16:00 in the team's time zone


@dataclass(frozen=True)
class KudosOutcome:
    """The kudos recorded (or found, for a replayed request: `duplicate`) and what the giver has left."""

    kudos: Kudos
    allowance: Allowance | None
    duplicate: bool = False


def give_kudos(store: RecognitionStore, messenger: RecognitionMessenger, *, giver: str, text: str, key: str,
               now: datetime, cap: int | None = DEFAULT_WEEKLY_CAP) -> KudosOutcome:
    """/kudos: check the text, the receivers and the giver's weekly cap, record once under `key` (Slack's
    trigger id), post to each receiving team's channel and DM each receiver. Raises KudosError."""
    found = store.kudos_with_key(key)
    if found is not None:
        return KudosOutcome(found, None, duplicate=True)
    person = _giver(store, giver)
    draft = parse_kudos(text, giver=giver, values=_active_values(store))
    return _give(store, messenger, person, draft, key=key, now=now, cap=cap)


def give_kudos_from_modal(store: RecognitionStore, messenger: RecognitionMessenger, *, giver: str,
                          receivers: Sequence[str], value: str | None, message: str, key: str, now: datetime,
                          cap: int | None = DEFAULT_WEEKLY_CAP) -> KudosOutcome:
    """The kudos modal: the same rules; `key` is the view id."""
    found = store.kudos_with_key(key)
    if found is not None:
        return KudosOutcome(found, None, duplicate=True)
    person = _giver(store, giver)
    draft = draft_from_modal(giver=giver, receivers=receivers, value=value, message=message,
                             values=_active_values(store))
    return _give(store, messenger, person, draft, key=key, now=now, cap=cap)


def _giver(store: RecognitionStore, slack_id: str) -> Colleague:
    person = store.colleagues_by_slack([slack_id]).get(slack_id)
    if person is None:
        raise KudosError("unknown_giver", N_("You are not in the roster yet; ask an admin to add you."))
    return person


def _active_values(store: RecognitionStore) -> list[str]:
    return [v.name for v in values_in_use(store.company_values()) if v.active]


def _give(store: RecognitionStore, messenger: RecognitionMessenger, giver: Colleague, draft: KudosDraft, *,
          key: str, now: datetime, cap: int | None) -> KudosOutcome:
    people = store.colleagues_by_slack(draft.receivers)
    missing = [s for s in draft.receivers if s not in people]
    if missing:
        raise KudosError("unknown_receiver", N_("{names} cannot receive kudos: not in the roster."),
                         names=", ".join(f"<@{s}>" for s in missing))
    since, until, renews_on = week_of(now, giver.tz)
    used = store.receivers_given(giver_id=giver.person_id, since=since, until=until)
    allowance = check_allowance(used=used, asked=len(draft.receivers), cap=cap, renews_on=renews_on)
    kudos = store.add_kudos(key=key, giver_id=giver.person_id, receiver_ids=[people[s].person_id
                                                                            for s in draft.receivers],
                            value=draft.value, message=draft.message, now=now)
    if kudos is None:  # the same request raced us and won
        again = store.kudos_with_key(key)
        assert again is not None
        return KudosOutcome(again, None, duplicate=True)
    posted: set[str] = set()
    for team_id in dict.fromkeys(r.team_id for r in kudos.receivers):
        team = store.team(team_id)
        if team is not None and team.channel and team.channel not in posted:
            posted.add(team.channel)
            messenger.post_kudos(kudos, channel=team.channel, locale=team.locale)
    for receiver in kudos.receivers:
        if receiver.slack_id:
            messenger.dm_kudos(kudos, receiver=receiver)
    return KudosOutcome(kudos, allowance)


# ---- wins ---------------------------------------------------------------------------------------------------

def log_win(store: RecognitionStore, messenger: RecognitionMessenger, *, rep: str, account: str,
            amount: str | float | None, notes: str | None, origin: str, now: datetime,
            currency: str | None = None) -> Win:
    """/win: a win the rep logs themselves, shown as logged; recorded once per `origin` (the view id)."""
    found = store.win_with_origin(origin)
    if found is not None:
        return found
    person = store.colleagues_by_slack([rep]).get(rep)
    if person is None:
        raise WinError("unknown_rep", N_("You are not in the roster yet; ask an admin to add you."))
    checked = check_logged_win(account=account, amount=amount, notes=notes)
    win = store.add_logged_win(rep_id=person.person_id, win=checked, origin=origin, now=now, currency=currency)
    if win is None:
        again = store.win_with_origin(origin)
        assert again is not None
        return again
    _announce(store, messenger, [win])
    return win


def announce_wins(store: RecognitionStore, messenger: RecognitionMessenger, *, now: datetime,
                  window: timedelta = ANNOUNCE_WINDOW) -> list[Win]:
    """Record and post every deal an import turned won (in the last `window`) that has no win yet."""
    wins = store.record_imported_wins(since=now - window, now=now)
    _announce(store, messenger, wins)
    return wins


def receive_deal(store: RecognitionStore, messenger: RecognitionMessenger, *, deal: WebhookDeal, signature: str,
                 accepted_until: datetime, now: datetime) -> str:
    """A verified webhook deal: 'duplicate' for a signature taken before (a replay: nothing is written), 'won'
    when it made a win, else 'recorded'. Raises DealRefused (owner not in the roster): let it roll the caller's
    transaction back."""
    if not store.take_signature(signature, accepted_until=accepted_until):
        return "duplicate"
    win = store.apply_webhook_deal(deal, now=now)
    if win is None:
        return "recorded"
    _announce(store, messenger, [win])
    return "won"


def _announce(store: RecognitionStore, messenger: RecognitionMessenger, wins: Sequence[Win]) -> None:
    teams: dict[int, RecognitionTeam | None] = {}

    def team_of(win: Win) -> RecognitionTeam | None:
        if win.rep.team_id not in teams:
            teams[win.rep.team_id] = store.team(win.rep.team_id)
        return teams[win.rep.team_id]

    for win in wins:
        team = team_of(win)
        if team is not None and team.channel:
            messenger.post_win(win, channel=team.channel, locale=team.locale)
    if not any(w.counts_toward_quota for w in wins):
        return
    for milestone in quota_milestones(wins=wins, progress=store.quota_progress(wins)):
        team = team_of(milestone.win)
        if team is not None and team.channel:
            messenger.post_milestone(milestone, channel=team.channel, locale=team.locale)


# ---- the weekly shout-out -----------------------------------------------------------------------------------

def post_shout_outs(store: RecognitionStore, messenger: RecognitionMessenger, *, now: datetime,
                    weekday: int = SHOUT_OUT_DAY, at: time = SHOUT_OUT_AT,
                    quiet_days: int = DEFAULT_QUIET_DAYS) -> list[ShoutOut]:
    """Once a week per team with a channel, from `weekday` `at` (team time): the 7 days up to then, posted to the
    channel (a week with neither a win nor a kudos posts nothing there), and to the manager who leads the team, by
    direct message, the members nobody has thanked in `quiet_days` days. The channel never names them."""
    posted = []
    org = None
    for team in store.teams():
        if not team.channel or not team.members:
            continue
        zone = _zone(team.tz)
        today = now.astimezone(zone).date()
        monday = today - timedelta(days=today.weekday())
        slot = datetime.combine(monday + timedelta(days=weekday), at, tzinfo=zone)
        if now < slot or not store.claim_shout_out(team.id, monday):
            continue
        since = slot - timedelta(days=7)
        week = period_of("week", monday)
        kudos = store.kudos_between(since=since, until=slot, team_id=team.id)
        shout_out = build_shout_out(
            team=team, week=week, since=since, until=slot, kudos=kudos,
            wins=store.wins_between(since=since - timedelta(weeks=STEP_UP_WEEKS), until=slot, team_id=team.id))
        if not shout_out.is_empty:
            messenger.post_shout_out(shout_out, channel=team.channel, locale=team.locale)
            posted.append(shout_out)
        org = store.org_chart() if org is None else org
        lead = team_manager(team.id, org=org)
        note = build_quiet_note(
            team=team, week=week, until=slot, kudos=shout_out.kudos,
            last_kudos=store.last_kudos_received([m.person_id for m in team.members]),
            manager=store.colleagues([lead]).get(lead) if lead is not None else None, org=org,
            quiet_days=quiet_days)
        if note is not None:
            messenger.dm_quiet_note(note)
    return posted


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ---- values, history, gaps ----------------------------------------------------------------------------------

def set_company_value(store: RecognitionStore, *, name: str, now: datetime, description: str | None = None,
                      active: bool = True) -> CompanyValue:
    """Add, edit, retire (active=False) or bring back a value; the defaults are stored first the first time."""
    stored = store.company_values()
    if not stored:
        for value in DEFAULT_VALUES:
            store.save_company_value(value, now=now)
        stored = list(DEFAULT_VALUES)
    key = value_name(name)
    current = next((v for v in stored if v.name == key), None)
    text = check_description(description) if description is not None else (current.description if current else "")
    value = CompanyValue(key, text, active)
    store.save_company_value(value, now=now)
    return value


def company_values(store: RecognitionStore) -> tuple[CompanyValue, ...]:
    return values_in_use(store.company_values())


def kudos_history(store: RecognitionStore, *, person: str, limit: int = 10) -> KudosHistory:
    """/kudos history: the latest kudos the person gave and received."""
    return store.kudos_history(_giver(store, person), limit=limit)


def last_recognised(store: RecognitionStore, *, person_ids: Collection[int]) -> dict[int, LastRecognised]:
    """When each person was last recognised, by kudos and by a win (input to the one-on-one helper's gaps)."""
    kudos, wins = store.last_kudos_received(person_ids), store.last_win(person_ids)
    return {p: LastRecognised(p, kudos.get(p), wins.get(p)) for p in person_ids}
