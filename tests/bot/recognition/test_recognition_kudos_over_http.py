"""`/kudos` over signed HTTP: posted to the team's recognition channel and DMed to each receiver, the weekly cap,
no self-kudos, a replayed request posted once, history; the same kudos from the shortcut's and App Home's modal.

The people whose replies are read here speak en-US (Rep 4 in Los Angeles, Rep 5 in Auckland, Maria in Vilnius).
"""

import json
from urllib.parse import urlencode

import pytest
from conftest import count_drains, eventually, with_recognition_channel

from bot import ids
from bot.i18n import Translator
from bot.recognition.views import kudos_button
from bot.slack_double import payloads

CHANNEL = "CKUDOS01"


@pytest.fixture
def bot(running_bot):
    return with_recognition_channel(running_bot, CHANNEL, "kudos")


def kudos(bot, user, text, **delivery):
    """`/kudos text` from `user`; the reply only they see (it goes through response_url)."""
    before = len(bot.slack.response_posts)
    response = bot.actor.slash_command(None, "/kudos", text, user_id=user, **delivery)
    assert response.status == 200 and response.body.strip() == b""  # acked at once, nothing inline
    post = eventually(lambda: bot.slack.response_posts[before] if len(bot.slack.response_posts) > before else None)
    return str(post["body"]["text"])


def channel_posts(bot):
    return bot.slack.messages(CHANNEL)


def test_kudos_with_a_value_is_posted_to_the_recognition_channel_and_dmed_to_each_receiver(bot):
    text = "<@UREP5|rep5> <@UMGR|maria> #teamwork thanks for covering the Acme demo &amp; more"  # as Slack escapes
    reply = kudos(bot, "UREP4", text)
    assert reply == "Your kudos to <@UREP5>, <@UMGR> is posted. You can give 3 more of 5 this week."
    post = eventually(lambda: channel_posts(bot))
    assert len(post) == 1
    text = str(post[0]["blocks"])
    assert "<@UREP4> gave kudos to <@UREP5> and <@UMGR>" in text and "*#teamwork*" in text
    assert "thanks for covering the Acme demo &amp; more" in text
    assert "We close together and share what works." in text  # the value's description
    for receiver, other in (("UREP5", "<@UMGR>"), ("UMGR", "<@UREP5>")):
        dm = eventually(lambda receiver=receiver: bot.slack.messages(receiver))
        assert "<@UREP4> gave you kudos" in str(dm[-1]["blocks"]) and other in str(dm[-1]["blocks"])


def test_the_weekly_cap_refuses_the_kudos_that_would_pass_it_with_a_clear_message(bot):
    assert "You can give 1 more of 5" in kudos(bot, "UREP4", "<@UREP0> <@UREP1> <@UREP2> <@UREP3> great week")
    assert kudos(bot, "UREP4", "<@UREP5> <@UMGR> thanks") == (
        "This kudos names 2 people but you have 1 of 5 left this week; name fewer people.")
    assert "You can give 0 more of 5" in kudos(bot, "UREP4", "<@UREP5> thanks")
    # Sunday 16:30 in Los Angeles: the giver's week renews on their Monday
    assert kudos(bot, "UREP4", "<@UMGR> thanks") == (
        "You have given all 5 kudos of this week; you can give more from Nov 23, 2026.")
    assert eventually(lambda: len(channel_posts(bot)) == 2)  # the refused ones post nothing
    bot.clock.advance(days=7)
    assert "You can give 4 more of 5" in kudos(bot, "UREP4", "<@UMGR> thanks for the coaching")


def test_nobody_can_give_kudos_to_themselves(bot):
    assert kudos(bot, "UREP4", "<@UREP4|rep4> <@UREP5> we did it") == (
        "Kudos are for others; you cannot give kudos to yourself.")
    assert channel_posts(bot) == [] and bot.slack.messages("UREP5") == []


def test_an_unknown_value_is_refused_naming_the_values_in_use(bot):
    reply = kudos(bot, "UREP4", "<@UREP5> #hustle late-night proposal")
    assert reply.startswith("#hustle is not a company value; use one of #customer-first, #grit, #integrity")
    assert "*#grit* — We keep going after the tenth no." in kudos(bot, "UREP4", "help")


def test_a_replayed_kudos_command_is_recorded_and_posted_once(bot, monkeypatch):
    done = count_drains(bot, monkeypatch, "kudos-reply:")
    fields = payloads.slash_command(bot.slack.workspace, command="/kudos", text="<@UREP5|rep5> #grit tenth call won",
                                    user_id="UREP4", channel_id=bot.slack.dm_channel_id("UREP4"),
                                    response_url=bot.slack.issue_response_url(bot.slack.dm_channel_id("UREP4"),
                                                                              "UREP4"),
                                    trigger_id=bot.actor.trigger_id("UREP4"))
    body = urlencode(fields).encode()
    for retry in (None, 1, 2):
        response = bot.actor.post(None, body, "application/x-www-form-urlencoded", retry_num=retry)
        assert response.status == 200
    assert eventually(lambda: len(done) == 3)  # each of the three requests has finished
    bot.deliver()
    assert len(channel_posts(bot)) == 1 and len(bot.slack.messages("UREP5")) == 1
    assert len(bot.slack.response_posts) == 1
    assert "You can give 3 more of 5" in kudos(bot, "UREP4", "<@UMGR> thanks")  # the replays used none


def test_kudos_history_lists_what_a_person_received_and_gave(bot):
    kudos(bot, "UREP4", "<@UREP5> #ownership chased the signature")
    kudos(bot, "UREP5", "<@UMGR> thanks for the intro")
    eventually(lambda: len(channel_posts(bot)) == 2)
    history = bot.actor.slash_command(None, "/kudos", "history", user_id="UREP5")
    assert history.status == 200
    post = eventually(lambda: bot.slack.response_posts[-1] if len(bot.slack.response_posts) == 3 else None)
    text = str(post["body"]["blocks"])
    received, given = text.split("*Given*")
    assert "<@UREP4> *#ownership*: chased the signature" in received
    assert "<@UMGR>: thanks for the intro" in given


def _open_view(bot, callback_id):
    return eventually(lambda: next((v for v in bot.slack.open_views.values() if v.get("callback_id") == callback_id),
                                   None))


def test_the_global_shortcut_opens_the_kudos_modal_and_its_submission_posts_once(bot):
    payload = {"type": "shortcut", "token": payloads.VERIFICATION_TOKEN, "action_ts": payloads.action_ts(),
               "team": payloads.team_ref(bot.slack.workspace), "user": payloads.user_ref(bot.slack.workspace, "UMGR"),
               "is_enterprise_install": False, "enterprise": None, "callback_id": ids.SHORTCUT_KUDOS,
               "trigger_id": bot.actor.trigger_id("UMGR")}
    response = bot.actor.post(None, urlencode({"payload": json.dumps(payload)}).encode(),
                              "application/x-www-form-urlencoded")
    assert response.status == 200
    view = _open_view(bot, ids.VIEW_KUDOS)
    refused = bot.actor.submit_view(None, view["id"], {"receivers": ["UMGR"], "message": "me!"})
    assert refused.json() == {"response_action": "errors", "errors": {
        "receivers": "Kudos are for others; you cannot give kudos to yourself."}}
    values = {"receivers": ["UREP4"], "company_value": "customer-first", "message": "Saved the <Globex> renewal"}
    assert bot.actor.submit_view(None, view["id"], values, user_id="UMGR").status == 200
    post = eventually(lambda: channel_posts(bot))
    assert "<@UMGR> gave kudos to <@UREP4>" in str(post) and "Saved the &lt;Globex&gt; renewal" in str(post)
    bot.actor.submit_view(None, view, values, user_id="UMGR", retry_num=1)  # Slack retries the submission
    bot.deliver()
    assert len(channel_posts(bot)) == 1
    confirmation = eventually(lambda: bot.slack.messages("UMGR"))
    assert "You can give 4 more of 5 this week." in confirmation[-1]["text"]


def test_the_app_home_button_opens_the_kudos_modal(bot):
    home = {"type": "home", "id": "VHOME0001", "blocks": [kudos_button(Translator("en"))]}
    assert bot.actor.click(None, "UREP2", home, ids.ACTION_KUDOS_OPEN).status == 200
    view = _open_view(bot, ids.VIEW_KUDOS)
    assert [b["block_id"] for b in view["blocks"]] == ["receivers", "company_value", "message"]
