"""/intel, each one transaction around one coaching.intel.service call: the modal opened, the item kept and posted
once to the intel channel, and the reactions on that post counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.bootstrap import Services, Unit
from bot.followups.messenger import translator
from bot.i18n import Translator
from bot.intel.views import channel_post, intel_view, notice_view, shared_view
from bot.people.identity import STRANGER
from coaching.intel import service
from coaching.intel.service import Intel, IntelError
from storage.competitors import competitors
from storage.intel import IntelRepository, intel_channel


@dataclass
class Outcome:
    keys: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # the modal's errors by block id
    view: dict[str, Any] | None = None  # what the modal turns into


def refusal(t: Translator, reason: str) -> tuple[str, str]:
    """(the block the error shows under, why) in the person's language."""
    return {
        "empty": ("text", t.gettext("Write what you saw or heard.")),
        "too_long": ("text", t.gettext("That is too long.")),
        "bad_kind": ("kind", t.gettext("Pick one of the kinds.")),
        "bad_account": ("account", t.gettext("That account is not in the CRM data.")),
        "bad_competitor": ("competitor", t.gettext("That competitor is no longer on the list.")),
        "two_competitors": ("competitor_text", t.gettext("Pick a competitor or type one, not both.")),
        "not_yours": ("text", t.gettext("This form is not yours. Open your own with /intel.")),
    }[reason]


def open_form(services: Services, *, slack_user: str, trigger_id: str, text: str = "") -> list[str]:
    """/intel or the shortcut: the modal, with the person's accounts and the competitor list."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        if member is None:
            view = notice_view(t, t.gettext(STRANGER))
        else:
            channel, _ = intel_channel(u.session)
            view = intel_view(t, accounts=IntelRepository(u.session).accounts_of(member.person_id),
                              competitors=[(c.id, c.name) for c in competitors(u.session)],
                              channel_set=channel is not None, text=text)
        u.messenger.open_view(trigger_id, view, for_user=slack_user, person_id=member.person_id if member else None)
        return u.messenger.enqueued


def submit(services: Services, *, slack_user: str, slack_team_id: str | None, view_id: str, kind: str, text: str,
           account_id: int | None, competitor_id: int | None, competitor_text: str) -> Outcome:
    """The modal's Share: the item kept (once per modal) and its channel post queued once; the modal says where it
    went, or that no channel is set (the item is kept all the same)."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        if member is None:
            return Outcome(errors={"text": t.gettext(STRANGER)})
        channel, locale = intel_channel(u.session)
        store = IntelRepository(u.session)
        try:
            item, new = service.submit(store, author_id=member.person_id, slack_team_id=slack_team_id, kind=kind,
                                       text=text, account_id=account_id, competitor_id=competitor_id,
                                       competitor_text=competitor_text, now=u.now, origin=f"view:{view_id}",
                                       channel_id=channel)
        except IntelError as refused:
            block, why = refusal(t, refused.reason)
            return Outcome(errors={block: why})
        if new and item.channel_id is not None:
            post(u, item, author=member.name, locale=locale, for_user=slack_user)
        return Outcome(keys=u.messenger.enqueued, view=shared_view(t, channel_id=item.channel_id))


def post(u: Unit, item: Intel, *, author: str | None, locale: str, for_user: str | None, key: str | None = None,
         edits: str | None = None) -> None:
    """The item's channel post under `intel:{id}` (or `key`), in the channel's language; `edits`: that post
    edited in place instead."""
    if item.channel_id is None:
        return
    text, blocks = channel_post(Translator.for_person(locale), item, author=author)
    if edits is not None:
        u.outbox.enqueue(key or f"{edits}:edit", "chat.update", {"text": text, "blocks": blocks}, now=u.now,
                         edits_key=edits, person_id=None)
        u.messenger.enqueued.append(key or f"{edits}:edit")
        return
    u.messenger.post(key or f"intel:{item.id}", item.channel_id, text, blocks, person_id=None, for_user=for_user)


def react(services: Services, *, slack_team_id: str | None, slack_user: str | None, item: dict[str, Any],
          reaction: str, added: bool) -> bool:
    """A reaction added to (or removed from) a message: counted when the message is an intel post of this
    workspace; anything else (another message, another workspace, a replayed event) changes nothing."""
    channel, ts = item.get("channel"), item.get("ts")
    if item.get("type") != "message" or not (isinstance(channel, str) and isinstance(ts, str)) or not slack_user \
            or not reaction:
        return False
    with services.unit() as u:
        store = IntelRepository(u.session)
        intel_id = store.posted(channel_id=channel, ts=ts, slack_team_id=slack_team_id)
        return intel_id is not None and store.react(intel_id, slack_user=slack_user, reaction=reaction, added=added)


def unsign_posts(u: Unit, posts: list[tuple[int, bool]]) -> None:
    """After `person delete`: each of their items' channel posts shown without their name, edited in place when it
    was sent (`intel:{id}:erased`), posted anew when it was still waiting (`intel:{id}:anonymous`)."""
    store = IntelRepository(u.session)
    _, locale = intel_channel(u.session)
    for intel_id, sent in posts:
        item = store.item(intel_id)
        if item is None:
            continue
        if sent:
            post(u, item, author=None, locale=locale, for_user=None, key=f"intel:{intel_id}:erased",
                 edits=f"intel:{intel_id}")
        else:
            post(u, item, author=None, locale=locale, for_user=None, key=f"intel:{intel_id}:anonymous")
