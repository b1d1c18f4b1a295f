"""Kudos: reading `/kudos @person [@person ...] [#value] message`, company values, and the giver's weekly cap.

The cap counts receivers, as Bonusly and HeyTaco do: one kudos to three people uses three of the week's five.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coaching.recognition.records import N_, Colleague, RecognitionError

DEFAULT_WEEKLY_CAP = 5
MAX_MESSAGE_LENGTH = 1000  # characters as the reader sees them (Slack's &amp; counts as one)
MAX_DESCRIPTION_LENGTH = 200
VALUE_NAME = re.compile(r"[a-z][a-z0-9-]{1,39}")

_MENTION = r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>"
_CHANNEL = r"<#C[A-Z0-9]+\|([^>]+)>"
_LEAD = re.compile(rf"\s*(?:{_MENTION}|#([A-Za-z][\w-]*)|{_CHANNEL}|(<![^>]*>)|(@[^\s<>]+))(?=\s|$|<)")
_TRAILING_TAG = re.compile(rf"(?:^|\s)(?:#([A-Za-z][\w-]*)|{_CHANNEL})\s*$")
_ANY_MENTION = re.compile(_MENTION)


class KudosError(RecognitionError):
    """A kudos refused: codes no_receiver, not_a_person, not_linked, self_kudos, unknown_value, no_values,
    two_values, empty_message, too_long, unknown_giver, unknown_receiver, cap_reached, over_cap, bad_value_name,
    bad_description."""


@dataclass(frozen=True)
class CompanyValue:
    """One of the company's values a kudos may be tagged with (#customer-first); admins edit them."""

    name: str
    description: str = ""
    active: bool = True


DEFAULT_VALUES: tuple[CompanyValue, ...] = (
    CompanyValue("customer-first", N_("We win when our customers win.")),
    CompanyValue("teamwork", N_("We close together and share what works.")),
    CompanyValue("ownership", N_("We do what we said, and follow up without being asked.")),
    CompanyValue("grit", N_("We keep going after the tenth no.")),
    CompanyValue("integrity", N_("We sell only what we can deliver.")),
)


def values_in_use(stored: Sequence[CompanyValue]) -> tuple[CompanyValue, ...]:
    """The values admins stored, or the defaults while they have stored none."""
    return tuple(stored) if stored else DEFAULT_VALUES


@dataclass(frozen=True)
class KudosDraft:
    """A checked request: receivers by Slack id in the order named, the value, and the message as Slack mrkdwn
    (& < > escaped, people as <@U…>), ready to post."""

    receivers: tuple[str, ...]
    value: str | None
    message: str


@dataclass(frozen=True)
class Kudos:
    """A kudos as stored."""

    id: int
    giver: Colleague
    receivers: tuple[Colleague, ...]
    value: str | None
    message: str
    created_at: datetime

    @property
    def key(self) -> str:
        return f"kudos:{self.id}"

    def post_key(self, channel: str) -> str:
        return f"kudos:{self.id}:{channel}"

    def dm_key(self, receiver: Colleague) -> str:
        return f"kudos:{self.id}:dm:{receiver.person_id}"


def parse_kudos(text: str, *, giver: str, values: Collection[str]) -> KudosDraft:
    """Read a /kudos command's text (Slack escaping on). Receivers are the mentions that open it; a #value may
    sit among them or end the message; later mentions are part of the message. Raises KudosError."""
    receivers: list[str] = []
    tags: list[str] = []
    position = 0
    while match := _LEAD.match(text, position):
        person, tag, channel_tag, special, plain = match.groups()
        if special:
            raise KudosError("not_a_person", N_("Kudos go to people, not to {name}; name each person with @."),
                             name=special.strip("<!>").split("|")[-1].lstrip("^"))
        if plain:
            raise KudosError("not_linked", N_("{name} is not a Slack mention; pick each person from the @ list."),
                             name=plain)
        if person:
            receivers.append(person)
        else:
            tags.append(tag or channel_tag)
        position = match.end()
    message = text[position:].strip()
    if match := _TRAILING_TAG.search(message):
        tag = match.group(1) or match.group(2)
        if match.group(1) or tag.lower() in {v.lower() for v in values}:
            tags.append(tag)
            message = message[:match.start()].rstrip()
    return check_draft(giver=giver, receivers=receivers, tags=tags, message=message, values=values)


def draft_from_modal(*, giver: str, receivers: Sequence[str], value: str | None, message: str,
                     values: Collection[str]) -> KudosDraft:
    """The same checks for the modal: receivers from a users select, the value from a select, plain text."""
    return check_draft(giver=giver, receivers=receivers, tags=[value] if value else [],
                       message=escape(message.strip()), values=values)


def check_draft(*, giver: str, receivers: Sequence[str], tags: Sequence[str], message: str,
                values: Collection[str]) -> KudosDraft:
    named = tuple(dict.fromkeys(receivers))
    if not named:
        raise KudosError("no_receiver", N_("Say who the kudos is for: /kudos @person [#value] message."))
    if giver in named:
        raise KudosError("self_kudos", N_("Kudos are for others; you cannot give kudos to yourself."))
    allowed = sorted(v.lower() for v in values)
    chosen = tuple(dict.fromkeys(t.lower() for t in tags))
    for tag in chosen:
        if tag not in allowed:
            if not allowed:
                raise KudosError("no_values", N_("#{value} is not a company value; no values are set, so leave it "
                                                 "out."), value=tag)
            raise KudosError("unknown_value", N_("#{value} is not a company value; use one of {allowed}."),
                             value=tag, allowed=", ".join(f"#{v}" for v in allowed))
    if len(chosen) > 1:
        raise KudosError("two_values", N_("Tag a kudos with one value, not {count}."), count=len(chosen))
    message = _ANY_MENTION.sub(lambda m: f"<@{m.group(1)}>", message)
    if not message:
        raise KudosError("empty_message", N_("Add a few words saying what they did."))
    length = len(unescape(message))
    if length > MAX_MESSAGE_LENGTH:
        raise KudosError("too_long", N_("A kudos message has at most {limit} characters; this one has {length}."),
                         limit=MAX_MESSAGE_LENGTH, length=length)
    return KudosDraft(named, chosen[0] if chosen else None, message)


def escape(text: str) -> str:
    """Plain text as Slack mrkdwn shows it literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def value_name(text: str) -> str:
    """An admin's value name as stored: 'Customer First' and '#customer_first' read 'customer-first'."""
    name = re.sub(r"[\s_]+", "-", text.strip().lstrip("#").strip().lower())
    if not VALUE_NAME.fullmatch(name):
        raise KudosError("bad_value_name", N_("'{name}' cannot name a value; use 2 to 40 letters, digits and "
                                              "dashes, starting with a letter, such as customer-first."), name=text)
    return name


def check_description(text: str) -> str:
    description = " ".join(text.split())
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise KudosError("bad_description", N_("A value's description has at most {limit} characters."),
                         limit=MAX_DESCRIPTION_LENGTH)
    return description


# ---- the weekly cap -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Allowance:
    """A giver's week after this kudos: `cap` receivers a week (None: no cap), `used` so far, `remaining`, and
    the local day the allowance renews (next Monday)."""

    cap: int | None
    used: int
    remaining: int | None
    renews_on: date


def week_of(now: datetime, tz: str) -> tuple[datetime, datetime, date]:
    """The ISO week holding `now` in time zone `tz` (UTC when unknown): its start and end as UTC instants, and
    the local date of the Monday that ends it."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    following = monday + timedelta(days=7)

    def start_of(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)

    return start_of(monday), start_of(following), following


def check_allowance(*, used: int, asked: int, cap: int | None, renews_on: date) -> Allowance:
    """Refuse a kudos that would take the giver past their weekly cap; else say what is left."""
    if cap is None:
        return Allowance(None, used + asked, None, renews_on)
    if used >= cap:
        raise KudosError("cap_reached", N_("You have given all {cap} kudos of this week; you can give more from "
                                           "{renews_on}."), cap=cap, renews_on=renews_on)
    if used + asked > cap:
        raise KudosError("over_cap", N_("This kudos names {asked} people but you have {remaining} of {cap} left "
                                        "this week; name fewer people."),
                         asked=asked, remaining=cap - used, cap=cap, renews_on=renews_on)
    return Allowance(cap, used + asked, cap - used - asked, renews_on)
