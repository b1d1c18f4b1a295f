"""/intel over signed HTTP: the command opens the modal, a forged option value is refused, the item is kept and
posted once (escaped, pinging no one), reactions on that post count once per person and emoji while reactions on
other messages or from another workspace do not, and the week's intel lands in the manager's digest, in an admin's
weekly intel DM and in the pack's Intel sheet; without an intel channel the shortcut's modal says the item is kept
but not posted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import block_texts, eventually
from nudge_fixtures import add_deal, dms, listeners_done, pack_clicked
from sqlalchemy import func, select

from bot.slack_double import SlackActor, payloads
from storage.competitors import add_competitor
from storage.crm.models import CrmAccount
from storage.intel import IntelItem, IntelReaction, set_intel_channel
from storage.models import Person

MONDAY = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 08:00 in Vilnius, when Maria's digest is due
SUNDAY = MONDAY - timedelta(days=1)
TEXT = "Acme CRM cut prices 30% for <!channel> renewals, ask <@UMGR>"
CHANNEL = "CINTEL01"


def _setup(bot, *, channel: bool = True) -> dict[str, int]:
    bot.clock.now = SUNDAY
    with bot.services.sessions.begin() as s:
        owner = s.scalar(select(Person.id).where(Person.slack_id == "UREP4"))
        account = CrmAccount(name="Globex", owner_id=owner)
        s.add(account)
        s.flush()
        listed, _ = add_competitor(s, "Acme CRM")
        s.add(Person(email="ada@example.com", name="Ada Admin", team_id=s.scalar(select(Person.team_id)),
                     role="admin", slack_id="UADMIN", tz="Europe/Vilnius", locale="en-US", active=True))
        if channel:
            set_intel_channel(s, channel_id=CHANNEL, locale=None)
        ids = {"account": account.id, "competitor": listed.id}
    bot.slack.add_user("ada", id="UADMIN", email="ada@example.com", real_name="Ada Admin", tz="Europe/Vilnius")
    if channel:
        bot.slack.add_channel("intel", id=CHANNEL)
    return ids


def _opened(bot, before: set[str]) -> dict:
    return eventually(lambda: next((v for k, v in bot.slack.open_views.items() if k not in before), None))


def _reacting(bot, monkeypatch) -> list[bool]:
    """What each reaction event came to, as the listener saw it (it runs after the ack)."""
    import bot.intel.usecases as usecases

    seen: list[bool] = []
    react = usecases.react

    def recording(*args, **kwargs):
        seen.append(react(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(usecases, "react", recording)
    return seen


def _react(actor, user: str, ts: str, *, kind: str = "reaction_added", reaction: str = "fire",
           channel: str = CHANNEL, **delivery):
    return actor.send_event(None, {"type": kind, "user": user, "reaction": reaction, "item_user": "UBOT",
                                   "item": {"type": "message", "channel": channel, "ts": ts}}, **delivery)


def _count(bot, model) -> int:
    with bot.services.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.both_databases  # reactions counted once per person and emoji on each engine
def test_intel_is_kept_and_posted_once_reactions_count_once_and_the_week_lands_in_the_digests(running_bot,
                                                                                               monkeypatch):
    bot = running_bot
    ids = _setup(bot)
    add_deal(bot, "D-1", "UREP4", 9000.0)
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        assert bot.actor.slash_command(None, "/intel", "they cut prices", user_id="UREP4").status == 200
    view = _opened(bot, before)
    assert view["callback_id"] == "intel_view" and "Globex" in str(view) and "Acme CRM" in str(view)
    forged = payloads.view_submission(bot.slack.workspace, view=view, user_id="UREP4", trigger_id="1.2",
                                      values={"kind": "competitor", "text": TEXT, "account": str(ids["account"])})
    forged["view"]["state"]["values"]["account"]["account"]["selected_option"]["value"] = str(ids["account"] + 99)
    answer = bot.actor._deliver(None, "interactive", forged, form="payload").json()  # an account not offered
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"account"}
    values = {"kind": "competitor", "text": TEXT, "account": str(ids["account"]),
              "competitor": str(ids["competitor"])}
    with listeners_done(bot, 2):
        for retry in (None, 1):  # Slack retries the submission: one item, one post
            answer = bot.actor.submit_view(None, view, values, user_id="UREP4", retry_num=retry).json()
    assert answer["response_action"] == "update" and f"<#{CHANNEL}>" in block_texts(answer["view"]["blocks"])
    assert _count(bot, IntelItem) == 1
    (post,) = eventually(lambda: bot.slack.messages(CHANNEL))
    shown = block_texts(post["blocks"])
    assert "Competitor move from Rep 4" in shown and "Account: Globex" in shown and "Competitor: Acme CRM" in shown
    assert "&lt;!channel&gt;" in shown and "&lt;@UMGR&gt;" in shown and "<!channel>" not in post["text"] + shown

    seen = _reacting(bot, monkeypatch)
    hostile = SlackActor(bot.slack, bot.url, team_id="T0HOSTILE")  # another workspace, the same channel and ts
    bot.slack.add_user("mallory", id="UMALLORY", email="mallory@example.com")
    for actor, user, ts, retry in ((bot.actor, "UREP1", post["ts"], None), (bot.actor, "UREP1", post["ts"], 1),
                                   (bot.actor, "UREP2", "1.000200", None), (hostile, "UMALLORY", post["ts"], None),
                                   (bot.actor, "UMGR", post["ts"], None)):
        assert _react(actor, user, ts, retry_num=retry).status == 200
    assert eventually(lambda: len(seen) >= 4)
    assert eventually(lambda: _count(bot, IntelReaction) == 2)  # UREP1 once (a replay), UMGR; the rest ignored
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(IntelItem.reactions)) == 2
    assert _react(bot.actor, "UMGR", post["ts"], kind="reaction_removed").status == 200
    assert eventually(lambda: _count(bot, IntelReaction) == 1)

    bot.clock.now = MONDAY
    assert bot.job("digests", MONDAY).endswith("and 1 admin intel digest(s)")
    bot.deliver()
    (digest,) = dms(bot, "UMGR", "Coaching digest")
    shown = block_texts(digest["blocks"])
    assert "1 intel item in the last 7 days: Competitor move 1" in shown
    assert "By competitor: Acme CRM 1" in shown and "Competitor move (1 reaction): Acme CRM cut prices" in shown
    (weekly,) = dms(bot, "UADMIN", "Field intel this week")
    assert "By competitor: Acme CRM 1" in block_texts(weekly["blocks"])
    assert "admin intel" not in bot.job("digests", MONDAY + timedelta(hours=1))  # once an ISO week
    sent = json.dumps([c.params for c in bot.slack.calls], ensure_ascii=False)
    assert "<!channel" not in sent and "<@UMGR" not in sent  # the post, the digest and the DM: no ping anywhere
    rows = list(pack_clicked(bot, "UMGR", "UMGR", "2026-11")["Intel"].iter_rows(values_only=True))
    assert rows == [("date", "kind", "account", "competitor", "text", "reactions"),
                    (SUNDAY.replace(tzinfo=None), "Competitor move", "Globex", "Acme CRM", TEXT, 1)]


def test_without_an_intel_channel_the_shortcut_says_the_item_is_kept_but_not_posted(running_bot):
    bot = running_bot
    _setup(bot, channel=False)
    before = set(bot.slack.open_views)
    shortcut = {"type": "shortcut", "token": payloads.VERIFICATION_TOKEN, "callback_id": "intel_shortcut",
                "trigger_id": bot.actor.trigger_id("UREP4"), "team": payloads.team_ref(bot.slack.workspace),
                "user": payloads.user_ref(bot.slack.workspace, "UREP4"), "api_app_id": bot.slack.workspace.app_id,
                "action_ts": "1.0", "is_enterprise_install": False, "enterprise": None}
    with listeners_done(bot):
        assert bot.actor._deliver(None, "interactive", shortcut, form="payload").status == 200
    view = _opened(bot, before)
    assert "No intel channel is set yet" in block_texts(view["blocks"])
    answer = bot.actor.submit_view(None, view, {"kind": "market", "text": "Budgets freeze in Q1",
                                                "competitor_text": "  acme   crm "}, user_id="UREP4").json()
    assert "it was not posted: no intel channel is set yet" in block_texts(answer["view"]["blocks"])
    with bot.services.sessions.begin() as s:
        item = s.scalar(select(IntelItem))
        assert (item.kind, item.competitor, item.channel_id, item.post_key) == ("market", "Acme CRM", None, None)
    assert not bot.services.delivery.drain().sent
