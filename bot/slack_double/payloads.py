"""Builders for the payloads Slack sends to an app (slash commands, interactivity, events), in Slack's shapes."""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterator
from typing import Any

from bot.slack_double.workspace import PRIVATE_KEYS, Workspace

VERIFICATION_TOKEN = "double-verification-token"
VALUE_KEYS = {
    "static_select": "selected_option", "external_select": "selected_option", "radio_buttons": "selected_option",
    "overflow": "selected_option", "multi_static_select": "selected_options", "checkboxes": "selected_options",
    "multi_external_select": "selected_options", "users_select": "selected_user",
    "multi_users_select": "selected_users", "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations", "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels", "datepicker": "selected_date", "timepicker": "selected_time",
    "datetimepicker": "selected_date_time", "rich_text_input": "rich_text_value",
}
INITIAL_KEYS = {"selected_option": "initial_option", "selected_options": "initial_options",
                "selected_user": "initial_user", "selected_users": "initial_users",
                "selected_conversation": "initial_conversation", "selected_conversations": "initial_conversations",
                "selected_channel": "initial_channel", "selected_channels": "initial_channels",
                "selected_date": "initial_date", "selected_time": "initial_time",
                "selected_date_time": "initial_date_time", "rich_text_value": "initial_value", "value": "initial_value"}


def action_ts() -> str:
    return f"{time.time():.6f}"


def user_ref(ws: Workspace, user_id: str) -> dict[str, Any]:
    user = ws.users.get(user_id, {"name": user_id})
    return {"id": user_id, "username": user["name"], "name": user["name"], "team_id": ws.team_id}


def team_ref(ws: Workspace) -> dict[str, Any]:
    return {"id": ws.team_id, "domain": ws.domain}


def iter_elements(blocks: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element in a blocks array."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        elements += [block[k] for k in ("accessory", "element") if k in block]
        for element in elements:
            if isinstance(element, dict) and "action_id" in element:
                yield str(block.get("block_id", "")), element


def find_element(blocks: Any, action_id: str) -> tuple[str, dict[str, Any]]:
    for block_id, element in iter_elements(blocks):
        if element["action_id"] == action_id:
            return block_id, element
    raise LookupError(f"no element with action_id {action_id!r} in these blocks")


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def chosen_value(element: dict[str, Any], value: Any) -> tuple[str, Any]:
    """The state key and value for an element set to `value` (option values are looked up by value)."""
    kind = element.get("type", "")
    key = VALUE_KEYS.get(kind, "value")
    if key == "selected_option" and isinstance(value, str):
        matches = [o for o in _options(element) if o.get("value") == value]
        if not matches:
            raise LookupError(f"no option with value {value!r} in {element.get('action_id')!r}")
        value = matches[0]
    elif key == "selected_options" and isinstance(value, list | tuple):
        wanted = [v for v in value if isinstance(v, str)]
        value = [o for o in _options(element) if o.get("value") in wanted] + [v for v in value if isinstance(v, dict)]
    return key, copy.deepcopy(value)


def state_values(blocks: Any, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Slack's view.state.values: every stateful element, set from `values` (by action_id or block_id)."""
    state: dict[str, dict[str, Any]] = {}
    for block_id, element in iter_elements(blocks):
        if element.get("type") in ("button", "overflow"):
            continue
        action_id = element["action_id"]
        key = VALUE_KEYS.get(element.get("type", ""), "value")
        if action_id in values or block_id in values:
            key, chosen = chosen_value(element, values.get(action_id, values.get(block_id)))
        else:
            chosen = copy.deepcopy(element.get(INITIAL_KEYS[key], [] if key.endswith("s") else None))
        entry: dict[str, Any] = {"type": element.get("type"), key: chosen}
        state.setdefault(block_id, {})[action_id] = entry
    return state


def slash_command(ws: Workspace, *, command: str, text: str, user_id: str, channel_id: str,
                  response_url: str, trigger_id: str) -> dict[str, str]:
    channel = ws.channels.get(channel_id)
    name = "directmessage" if channel is None or channel.is_im else channel.name
    return {"token": VERIFICATION_TOKEN, "team_id": ws.team_id, "team_domain": ws.domain, "channel_id": channel_id,
            "channel_name": name, "user_id": user_id, "user_name": user_ref(ws, user_id)["name"],
            "command": command, "text": text, "api_app_id": ws.app_id, "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": trigger_id}


def block_actions(ws: Workspace, *, user_id: str, source: dict[str, Any], action: dict[str, Any],
                  trigger_id: str, response_url: str | None) -> dict[str, Any]:
    """A block_actions payload for an action in a stored message (from double.messages) or a view."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": user_ref(ws, user_id), "api_app_id": ws.app_id,
        "token": VERIFICATION_TOKEN, "trigger_id": trigger_id, "team": team_ref(ws), "enterprise": None,
        "is_enterprise_install": False, "actions": [action],
    }
    if source.get("type") in ("modal", "home"):
        payload["container"] = {"type": "view", "view_id": source["id"]}
        payload["view"] = copy.deepcopy(source)
        return payload
    channel_id = source["channel"]
    channel = ws.channels.get(channel_id)
    ephemeral = bool(source.get("is_ephemeral"))
    payload["container"] = {"type": "message", "message_ts": source["ts"], "channel_id": channel_id,
                            "is_ephemeral": ephemeral}
    payload["channel"] = {"id": channel_id, "name": "directmessage" if channel is None or channel.is_im
                          else channel.name}
    if not ephemeral:
        payload["message"] = {k: copy.deepcopy(v) for k, v in source.items() if k not in PRIVATE_KEYS}
    payload["state"] = {"values": state_values(source.get("blocks"), {})}
    payload["response_url"] = response_url
    return payload


def action_for(element: dict[str, Any], block_id: str, value: Any = None) -> dict[str, Any]:
    """The entry of `actions` Slack sends when a user uses an element (button click or a selection)."""
    kind = element.get("type", "")
    action: dict[str, Any] = {"action_id": element["action_id"], "block_id": block_id, "type": kind,
                              "action_ts": action_ts()}
    if kind == "button":
        action["text"] = copy.deepcopy(element.get("text"))
        if "value" in element or value is not None:
            action["value"] = value if value is not None else element["value"]
        if "style" in element:
            action["style"] = element["style"]
        return action
    key, chosen = chosen_value(element, value)
    action[key] = chosen
    if "placeholder" in element:
        action["placeholder"] = copy.deepcopy(element["placeholder"])
    return action


def view_submission(ws: Workspace, *, view: dict[str, Any], values: dict[str, Any], user_id: str,
                    trigger_id: str) -> dict[str, Any]:
    submitted = copy.deepcopy(view)
    submitted["state"] = {"values": state_values(view.get("blocks"), values)}
    return {"type": "view_submission", "team": team_ref(ws), "user": user_ref(ws, user_id), "api_app_id": ws.app_id,
            "token": VERIFICATION_TOKEN, "trigger_id": trigger_id, "view": submitted, "response_urls": [],
            "is_enterprise_install": False, "enterprise": None}


def event_callback(ws: Workspace, event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    now = time.time()
    event = {**event, "event_ts": event.get("event_ts", f"{now:.6f}")}
    return {"token": VERIFICATION_TOKEN, "team_id": ws.team_id, "context_team_id": ws.team_id,
            "context_enterprise_id": None, "api_app_id": ws.app_id, "event": event, "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(), "event_time": int(now),
            "authorizations": [{"enterprise_id": None, "team_id": ws.team_id, "user_id": ws.bot_user_id,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False, "event_context": "4-" + uuid.uuid4().hex}


def as_from(payload: dict[str, Any], team_id: str, enterprise_id: str | None = None) -> dict[str, Any]:
    """The same payload as Slack sends it for the app's install in workspace `team_id` (of Grid org
    `enterprise_id`): slash command fields, an interactivity payload or an event_callback."""
    sent = copy.deepcopy(payload)
    if "command" in sent:
        sent["team_id"] = team_id
        if enterprise_id:
            sent["enterprise_id"] = enterprise_id
    elif sent.get("type") == "event_callback":
        sent["team_id"] = sent["context_team_id"] = team_id
        sent["context_enterprise_id"] = enterprise_id
        for authorization in sent.get("authorizations") or []:
            authorization.update(team_id=team_id, enterprise_id=enterprise_id)
        if isinstance(sent["event"].get("user"), dict):
            sent["event"]["user"]["team_id"] = team_id
    else:
        sent["team"] = {"id": team_id, "domain": team_id.lower(), "enterprise_id": enterprise_id}
        sent["enterprise"] = {"id": enterprise_id, "name": f"Org {enterprise_id}"} if enterprise_id else None
        if isinstance(sent.get("user"), dict):
            sent["user"]["team_id"] = team_id
    return sent
