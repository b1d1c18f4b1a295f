"""The double answers slack_sdk's WebClient over real HTTP with Slack's response shapes and errors."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_double import SlackDouble


def _error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def test_api_url_is_loopback_http_with_trailing_slash(double: SlackDouble):
    assert double.api_url.startswith("http://127.0.0.1:") and double.api_url.endswith("/api/")


def test_auth_test_names_team_and_bot(double: SlackDouble, client: WebClient):
    answer = client.auth_test()
    assert answer["team_id"] == double.workspace.team_id
    assert answer["user_id"] == double.workspace.bot_user_id and answer["bot_id"] == double.workspace.bot_id


def test_missing_and_unknown_tokens_are_rejected_like_slack(double: SlackDouble):
    assert _error(WebClient(base_url=double.api_url).auth_test).response["error"] == "not_authed"
    assert _error(WebClient(token="xoxb-nope", base_url=double.api_url).auth_test).response["error"] == "invalid_auth"


def test_unknown_method_answers_404_unknown_method(client: WebClient, double: SlackDouble):
    error = _error(lambda: client.api_call("chat.teleport"))
    assert error.response.status_code == 404 and error.response["error"] == "unknown_method"
    assert double.calls_to("chat.teleport")[0].status == 404


def test_users_info_has_locale_only_when_asked(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana", email="ana@example.com", locale="fr-FR", tz="Europe/Paris")
    assert "locale" not in client.users_info(user=ana["id"])["user"]
    user = client.users_info(user=ana["id"], include_locale=True)["user"]
    assert user["locale"] == "fr-FR" and user["tz"] == "Europe/Paris" and user["tz_offset"] in (3600, 7200)
    assert _error(lambda: client.users_info(user="U0MISSING")).response["error"] == "user_not_found"


def test_lookup_by_email_finds_active_users_only(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana", email="ana@example.com")
    assert client.users_lookupByEmail(email="ANA@example.com")["user"]["id"] == ana["id"]
    double.set_user(ana["id"], deleted=True)
    assert _error(lambda: client.users_lookupByEmail(email="ana@example.com")).response["error"] == "users_not_found"


def test_users_list_paginates_with_cursor(double: SlackDouble, client: WebClient):
    for i in range(5):
        double.add_user(f"rep{i}")
    seen, cursor = [], None
    while True:
        page = client.users_list(limit=3, cursor=cursor)
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7  # slackbot, the bot and five reps
    assert "USLACKBOT" in seen


def test_dm_to_user_id_lands_in_dm_channel(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    posted = client.chat_postMessage(channel=ana["id"], text="How was your week?")
    assert posted["channel"].startswith("D") and posted["message"]["text"] == "How was your week?"
    assert posted["channel"] == client.conversations_open(users=ana["id"])["channel"]["id"]
    assert [m["ts"] for m in double.messages(ana["id"])] == [posted["ts"]]
    assert double.messages(posted["channel"])[0]["channel"] == posted["channel"]


def test_messages_since_a_count_gives_only_the_newer_ones_as_copies(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    for text in ("one", "two", "three"):
        client.chat_postMessage(channel=ana["id"], text=text)
    assert double.message_count(ana["id"]) == 3 and double.message_count("UNOBODY") == 0
    newer = double.messages(ana["id"], since=1)
    assert [m["text"] for m in newer] == ["two", "three"]
    newer[0]["text"] = "changed"  # a copy: the workspace keeps what Slack holds
    assert [m["text"] for m in double.messages(ana["id"])] == ["one", "two", "three"]


def test_chat_update_edits_the_dm_and_keeps_history(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Rate your week"}}]
    posted = client.chat_postMessage(channel=ana["id"], text="Rate", blocks=blocks)
    updated = client.chat_update(channel=ana["id"], ts=posted["ts"], text="Thanks!", blocks=[])
    assert updated["channel"] == posted["channel"] and updated["ts"] == posted["ts"]
    [message] = double.messages(ana["id"])
    assert message["text"] == "Thanks!" and "blocks" not in message and "edited" in message
    assert message["edit_history"][0]["text"] == "Rate" and message["edit_history"][0]["blocks"][0]["type"] == "section"
    missing = _error(lambda: client.chat_update(channel=posted["channel"], ts="1.000001", text="x"))
    assert missing.response["error"] == "message_not_found"


def test_ts_is_unique_and_increasing(double: SlackDouble, client: WebClient):
    channel = double.add_channel("sales")
    stamps = [client.chat_postMessage(channel=channel, text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_unknown_channel_is_channel_not_found(client: WebClient):
    assert _error(lambda: client.chat_postMessage(channel="C0NOPE", text="hi")).response["error"] == "channel_not_found"


def test_history_returns_newest_first_with_metadata_when_asked(double: SlackDouble, client: WebClient):
    channel = double.add_channel("sales")
    metadata = {"event_type": "pulse_sent", "event_payload": {"round": 7}}
    first = client.chat_postMessage(channel=channel, text="one", metadata=metadata)["ts"]
    second = client.chat_postMessage(channel=channel, text="two")["ts"]
    history = client.conversations_history(channel=channel, include_all_metadata=True)
    assert [m["ts"] for m in history["messages"]] == [second, first]
    assert history["messages"][1]["metadata"] == metadata
    assert "metadata" not in client.conversations_history(channel=channel)["messages"][1]
    assert [m["ts"] for m in client.conversations_history(channel=channel, oldest=first)["messages"]] == [second]
    page = client.conversations_history(channel=channel, limit=1)
    assert page["has_more"] and page["response_metadata"]["next_cursor"]


def test_ephemeral_delete_and_permalink(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    channel = double.add_channel("sales")
    assert client.chat_postEphemeral(channel=channel, user=ana["id"], text="only you")["message_ts"]
    assert double.ephemeral_messages(channel)[0]["ephemeral_user"] == ana["id"]
    ts = client.chat_postMessage(channel=channel, text="hi")["ts"]
    assert client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"].endswith(ts.replace(".", ""))
    client.chat_delete(channel=channel, ts=ts)
    assert double.messages(channel) == []


def test_views_open_needs_a_fresh_trigger_id(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    modal = {"type": "modal", "callback_id": "feedback", "title": {"type": "plain_text", "text": "Feedback"},
             "submit": {"type": "plain_text", "text": "Send"},
             "blocks": [{"type": "input", "block_id": "note", "label": {"type": "plain_text", "text": "Note"},
                         "element": {"type": "plain_text_input", "action_id": "text"}}]}
    trigger = double.issue_trigger_id(ana["id"])
    view = client.views_open(trigger_id=trigger, view=modal)["view"]
    assert view["id"].startswith("V") and view["callback_id"] == "feedback" and view["id"] in double.open_views
    assert _error(lambda: client.views_open(trigger_id=trigger, view=modal)).response["error"] == "exchanged_trigger_id"
    assert _error(lambda: client.views_open(trigger_id="1.2.x", view=modal)).response["error"] == "invalid_trigger_id"
    stale = double.issue_trigger_id(ana["id"])
    double.expire_trigger_id(stale)
    assert _error(lambda: client.views_open(trigger_id=stale, view=modal)).response["error"] == "expired_trigger_id"
    pushed = client.views_push(trigger_id=double.issue_trigger_id(ana["id"]), view=modal)["view"]
    assert pushed["root_view_id"] == view["id"] and pushed["previous_view_id"] == view["id"]


def test_views_update_by_id_or_external_id_and_hash(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    modal = {"type": "modal", "external_id": "fb-1", "title": {"type": "plain_text", "text": "One"}, "blocks": []}
    view = client.views_open(trigger_id=double.issue_trigger_id(ana["id"]), view=modal)["view"]
    by_id = client.views_update(view_id=view["id"], hash=view["hash"], view={**modal, "title": {
        "type": "plain_text", "text": "Two"}})["view"]
    assert by_id["id"] == view["id"] and by_id["title"]["text"] == "Two"
    by_external = client.views_update(external_id="fb-1", view={**modal, "title": {"type": "plain_text", "text": "3"}})
    assert by_external["view"]["id"] == view["id"]
    conflict = _error(lambda: client.views_update(view_id=view["id"], hash=view["hash"], view=modal))
    assert conflict.response["error"] == "hash_conflict"


def test_views_publish_sets_the_home_tab(double: SlackDouble, client: WebClient):
    ana = double.add_user("ana")
    home = {"type": "home", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Your pulse"}}]}
    published = client.views_publish(user_id=ana["id"], view=home)["view"]
    again = client.views_publish(user_id=ana["id"], view=home)["view"]
    assert published["type"] == "home" and again["id"] == published["id"]
    home_view = double.home_view(ana["id"])
    assert home_view is not None and home_view["blocks"][0]["text"]["text"] == "Your pulse"


def test_form_encoded_bodies_and_token_param_are_understood(double: SlackDouble):
    import json
    import urllib.parse
    import urllib.request

    ana = double.add_user("ana")
    body = urllib.parse.urlencode({"token": double.bot_token, "channel": ana["id"], "text": "hi",
                                   "blocks": json.dumps([{"type": "divider"}])}).encode()
    with urllib.request.urlopen(double.api_url + "chat.postMessage", data=body) as response:
        answer = json.loads(response.read())
    assert answer["ok"] and answer["message"]["blocks"][0]["type"] == "divider"
    call = double.calls_to("chat.postMessage")[0]
    assert call.token == double.bot_token and call.params["blocks"] == [{"type": "divider"}]
