"""Block Kit limits: the validator's errors, and the double answering invalid_blocks / invalid_arguments."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_double import SlackDouble, validate_blocks, validate_view


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(action_id: str, text: str = "Go", **extra) -> dict:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}, **extra}


def _modal(title: str, **extra) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [], **extra}


def _post_error(client: WebClient, double: SlackDouble, blocks: list) -> dict:
    channel = double.add_channel("sales")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=channel, text="fallback", blocks=blocks)
    return dict(caught.value.response.data)


def test_fifty_one_blocks_are_invalid_blocks(client: WebClient, double: SlackDouble):
    answer = _post_error(client, double, [{"type": "divider"}] * 51)
    assert answer["error"] == "invalid_blocks"
    assert answer["response_metadata"]["messages"] == ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]


def test_long_section_text_is_invalid_blocks_with_pointer(client: WebClient, double: SlackDouble):
    answer = _post_error(client, double, [_section("x" * 3001)])
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]


def test_button_text_over_75_chars_is_rejected(client: WebClient, double: SlackDouble):
    answer = _post_error(client, double, [{"type": "actions", "elements": [_button("go", "b" * 76)]}])
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"]


def test_duplicate_action_id_is_rejected(client: WebClient, double: SlackDouble):
    answer = _post_error(client, double, [{"type": "actions", "elements": [_button("vote"), _button("vote")]}])
    assert answer["error"] == "invalid_blocks"
    assert answer["response_metadata"]["messages"][0].endswith("[json-pointer:/blocks/0/elements/1/action_id]")


def test_modal_title_over_24_chars_is_invalid_arguments(client: WebClient, double: SlackDouble):
    ana = double.add_user("ana")
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id=double.issue_trigger_id(ana["id"]), view=_modal("t" * 25))
    assert caught.value.response["error"] == "invalid_arguments"
    assert caught.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]


def test_message_text_over_40000_chars_is_msg_too_long(client: WebClient, double: SlackDouble):
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=double.add_channel("sales"), text="x" * 40001)
    assert caught.value.response["error"] == "msg_too_long"


def test_valid_surfaces_pass():
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly pulse"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{i}*"} for i in range(10)],
         "accessory": {"type": "overflow", "action_id": "more", "options": [
             {"text": {"type": "plain_text", "text": "Skip"}, "value": "skip"}]}},
        {"type": "context", "elements": [{"type": "image", "image_url": "https://x.invalid/a.png", "alt_text": "a"},
                                         {"type": "plain_text", "text": "note"}]},
        {"type": "actions", "elements": [_button(f"b{i}", value="v") for i in range(5)] + [
            {"type": "static_select", "action_id": "pick", "options": [
                {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(100)]},
            {"type": "datepicker", "action_id": "day", "initial_date": "2024-05-01"},
            {"type": "timepicker", "action_id": "time", "initial_time": "09:30"},
            {"type": "users_select", "action_id": "who"}, {"type": "conversations_select", "action_id": "where"},
            {"type": "channels_select", "action_id": "chan"}, {"type": "multi_users_select", "action_id": "many"}]},
        {"type": "image", "image_url": "https://x.invalid/b.png", "alt_text": "chart"},
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "x"}]}]},
        {"type": "divider"},
    ]
    assert validate_blocks(blocks) == []
    modal = _modal("Feedback", submit={"type": "plain_text", "text": "Send"}, blocks=[
        {"type": "input", "label": {"type": "plain_text", "text": "Score"}, "element": {
            "type": "radio_buttons", "action_id": "score", "options": [
                {"text": {"type": "mrkdwn", "text": "*1*"}, "value": "1"}]}},
        {"type": "input", "label": {"type": "plain_text", "text": "Why"}, "element": {
            "type": "plain_text_input", "action_id": "why", "multiline": True, "max_length": 3000}},
        {"type": "input", "label": {"type": "plain_text", "text": "Tags"}, "element": {
            "type": "checkboxes", "action_id": "tags", "options": [
                {"text": {"type": "plain_text", "text": "a"}, "value": "a"}]}}])
    assert validate_view(modal) == []


@pytest.mark.parametrize(("blocks", "pointer"), [
    ([{"type": "carousel"}], "/blocks/0"),
    ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}], "/blocks/0/text/type"),
    ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/blocks/0/text/text"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "/blocks/0/fields"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}], "/blocks/0/fields/0/text"),
    ([{"type": "section", "text": {"type": "markdown", "text": "x"}}], "/blocks/0/text/type"),
    ([{"type": "context", "elements": [{"type": "plain_text", "text": "c"}] * 11}], "/blocks/0/elements"),
    ([{"type": "actions", "elements": [_button(f"b{i}") for i in range(26)]}], "/blocks/0/elements"),
    ([{"type": "actions", "elements": [_button("b", value="v" * 2001)]}], "/blocks/0/elements/0/value"),
    ([{"type": "actions", "elements": [_button("b", url="u" * 3001)]}], "/blocks/0/elements/0/url"),
    ([{"type": "actions", "elements": [_button("a" * 256)]}], "/blocks/0/elements/0/action_id"),
    ([{"type": "divider", "block_id": "b" * 256}], "/blocks/0/block_id"),
    ([{"type": "divider", "block_id": "same"}, {"type": "divider", "block_id": "same"}], "/blocks/1/block_id"),
    ([{"type": "actions", "elements": [{"type": "static_select", "action_id": "s", "options": [
        {"text": {"type": "plain_text", "text": "o"}, "value": str(i)} for i in range(101)]}]}],
     "/blocks/0/elements/0/options"),
    ([{"type": "actions", "elements": [{"type": "static_select", "action_id": "s", "options": [
        {"text": {"type": "plain_text", "text": "o" * 76}, "value": "v" * 151}]}]}],
     "/blocks/0/elements/0/options/0/text/text"),
    ([{"type": "input", "label": {"type": "plain_text", "text": "l" * 2001},
       "element": {"type": "plain_text_input", "action_id": "t"}}], "/blocks/0/label/text"),
    ([{"type": "input", "label": {"type": "plain_text", "text": "l"}, "element": _button("b")}],
     "/blocks/0/element/type"),
])
def test_limit_violations_point_at_the_offending_field(blocks: list, pointer: str):
    errors = validate_blocks(blocks)
    assert any(e.endswith(f"[json-pointer:{pointer}]") for e in errors), errors


def test_modal_limits():
    long = {"type": "plain_text", "text": "s" * 25}
    errors = validate_view(_modal("ok", submit=long, close=long, private_metadata="m" * 3001, callback_id="c" * 256))
    pointers = {e.rsplit("json-pointer:", 1)[1].rstrip("]") for e in errors}
    assert pointers == {"/view/submit/text", "/view/close/text", "/view/private_metadata", "/view/callback_id"}
    assert validate_view(_modal("ok", blocks=[{"type": "divider"}] * 101)) == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"]
    assert validate_view({"type": "home", "blocks": [{"type": "divider"}] * 100}) == []


def test_the_same_action_id_in_different_blocks_is_allowed_as_in_slack(client: WebClient, double: SlackDouble):
    blocks = [{"type": "actions", "elements": [_button("value")]}, {"type": "actions", "elements": [_button("value")]}]
    assert client.chat_postMessage(channel=double.add_user("ana")["id"], text="t", blocks=blocks)["ok"]
