"""Web API methods auth.*, users.* , conversations.* and chat.* answered with Slack's response shapes."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.slack_double.blockkit import message_text_too_long, validate_message
from bot.slack_double.workspace import ApiError, Channel, Workspace


@dataclass
class Context:
    """What a method needs beyond its params: the caller's token and the double's addresses."""

    token: str
    base_url: str
    socket_url: Callable[[], str]


Handler = Callable[[Workspace, dict[str, Any], Context], dict[str, Any]]


def flag(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is True or (isinstance(value, str | int) and str(value).lower() in ("true", "1"))


def integer(params: dict[str, Any], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments") from None


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(str(cursor)).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        raise ApiError("invalid_cursor") from None


def require(params: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if params.get(n) in (None, "")]
    if missing:
        raise ApiError("invalid_arguments", response_metadata={
            "messages": [f"[ERROR] missing required field: {n}" for n in missing]})


def check_content(text: Any, blocks: Any) -> None:
    errors = validate_message(text, blocks)
    if errors:
        raise ApiError("invalid_blocks", response_metadata={"messages": errors})
    if message_text_too_long(text):
        raise ApiError("msg_too_long")


def check_metadata(metadata: Any) -> None:
    if metadata is None:
        return
    if not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str):
        raise ApiError("invalid_metadata_format")
    if not isinstance(metadata.get("event_payload", {}), dict):
        raise ApiError("invalid_metadata_schema")


# ---- auth, apps, users ----------------------------------------------------------------------------

def auth_test(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"ok": True, "url": f"https://{ws.domain}.slack.com/", "team": ws.team_name, "user": ws.bot_name,
            "team_id": ws.team_id, "user_id": ws.bot_user_id, "bot_id": ws.bot_id, "is_enterprise_install": False}


def apps_connections_open(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"ok": True, "url": ctx.socket_url()}


def _user_out(user: dict[str, Any], include_locale: bool) -> dict[str, Any]:
    out = copy.deepcopy(user)
    if not include_locale:
        out.pop("locale", None)
    return out


def users_info(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "user")
    return {"ok": True, "user": _user_out(ws.user(p["user"]), flag(p, "include_locale"))}


def users_lookup_by_email(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "email")
    wanted = str(p["email"]).lower()
    for user in ws.users.values():
        if not user["deleted"] and str(user["profile"].get("email", "")).lower() == wanted:
            return {"ok": True, "user": _user_out(user, False)}
    raise ApiError("users_not_found")


def users_list(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    members = list(ws.users.values())
    start, limit = decode_cursor(p.get("cursor")), integer(p, "limit", 0)
    end = len(members) if limit <= 0 else min(start + limit, len(members))
    page = [_user_out(u, flag(p, "include_locale")) for u in members[start:end]]
    return {"ok": True, "members": page, "cache_ts": int(ws.clock()),
            "response_metadata": {"next_cursor": encode_cursor(end) if end < len(members) else ""}}


# ---- conversations ----------------------------------------------------------------------------------

def conversations_open(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if p.get("channel"):
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": ws.resolve(p["channel"]).id}}
    users = [u.strip() for u in str(p.get("users") or "").split(",") if u.strip()]
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        raise ApiError("not_supported_by_double", detail="group DMs are not modelled")
    if ws.user(users[0])["is_bot"]:
        raise ApiError("cannot_dm_bot")
    already = ("D" + users[0][1:]) in ws.channels
    channel = ws.dm_channel(users[0])
    info: dict[str, Any] = {"id": channel.id}
    if flag(p, "return_im"):
        info.update({"created": int(ws.clock()), "is_im": True, "is_org_shared": False, "user": channel.user,
                     "is_user_deleted": False, "priority": 0})
    return {"ok": True, "no_op": already, "already_open": already, "channel": info}


def _channel_by_id(ws: Workspace, channel_id: Any) -> Channel:
    if not isinstance(channel_id, str) or channel_id not in ws.channels:
        raise ApiError("channel_not_found")
    return ws.channels[channel_id]


def conversations_history(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel")
    channel = _channel_by_id(ws, p["channel"])
    oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or 9e12)
    inclusive = flag(p, "inclusive")
    chosen = [m for m in reversed(channel.messages)
              if m.get("thread_ts", m["ts"]) == m["ts"]
              and (oldest <= float(m["ts"]) <= latest if inclusive else oldest < float(m["ts"]) < latest)]
    start, limit = decode_cursor(p.get("cursor")), integer(p, "limit", 100) or 100
    page, has_more = chosen[start:start + limit], start + limit < len(chosen)
    with_metadata = flag(p, "include_all_metadata")
    return {"ok": True, "messages": [ws.public_message(m, with_metadata=with_metadata) for m in page],
            "has_more": has_more, "pin_count": 0, "channel_actions_ts": None, "channel_actions_count": 0,
            "response_metadata": {"next_cursor": encode_cursor(start + limit) if has_more else ""}}


def conversations_replies(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel", "ts")
    channel = _channel_by_id(ws, p["channel"])
    ws.find_message(channel, p["ts"])
    thread = [m for m in channel.messages if m["ts"] == p["ts"] or m.get("thread_ts") == p["ts"]]
    with_metadata = flag(p, "include_all_metadata")
    return {"ok": True, "messages": [ws.public_message(m, with_metadata=with_metadata) for m in thread],
            "has_more": False, "response_metadata": {"next_cursor": ""}}


# ---- chat -----------------------------------------------------------------------------------------

def new_message(ws: Workspace, p: dict[str, Any], channel: Channel) -> dict[str, Any]:
    """Validate and store a bot message in a channel; returns the stored dict."""
    text, blocks, metadata = p.get("text"), p.get("blocks"), p.get("metadata")
    if not text and not blocks and not p.get("attachments"):
        raise ApiError("no_text")
    check_content(text, blocks)
    check_metadata(metadata)
    ws.fill_ids(blocks)
    message: dict[str, Any] = {
        "type": "message", "text": text or "", "user": ws.bot_user_id, "bot_id": ws.bot_id, "app_id": ws.app_id,
        "team": ws.team_id, "ts": ws.next_ts(),
        "bot_profile": {"id": ws.bot_id, "app_id": ws.app_id, "name": ws.bot_name, "deleted": False,
                        "team_id": ws.team_id},
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if p.get(key) is not None:
            message[key] = p[key]
    message["channel"], message["edit_history"] = channel.id, []
    channel.messages.append(message)
    return message


def edit_message(ws: Workspace, message: dict[str, Any], p: dict[str, Any]) -> None:
    """Apply chat.update semantics: given fields replace, omitted ones are kept; history is recorded."""
    check_content(p.get("text"), p.get("blocks"))
    check_metadata(p.get("metadata"))
    ws.fill_ids(p.get("blocks"))
    message["edit_history"].append({k: copy.deepcopy(message.get(k)) for k in ("text", "blocks", "metadata")})
    for key in ("text", "blocks", "attachments", "metadata"):
        if p.get(key) is not None:
            message[key] = p[key]
    if message.get("blocks") == []:
        del message["blocks"]
    message["edited"] = {"user": ws.bot_user_id, "ts": ws.next_ts()}


def chat_post_message(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel")
    channel = ws.resolve(p["channel"])
    message = new_message(ws, p, channel)
    return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": ws.public_message(message)}


def chat_update(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel", "ts")
    channel = ws.resolve(p["channel"])
    message = ws.find_message(channel, p["ts"])
    edit_message(ws, message, p)
    return {"ok": True, "channel": channel.id, "ts": message["ts"], "text": message["text"],
            "message": ws.public_message(message)}


def chat_delete(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel", "ts")
    channel = ws.resolve(p["channel"])
    channel.messages.remove(ws.find_message(channel, p["ts"]))
    return {"ok": True, "channel": channel.id, "ts": p["ts"]}


def chat_post_ephemeral(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel", "user")
    channel = ws.resolve(p["channel"])
    user = ws.user(p["user"])
    text, blocks = p.get("text"), p.get("blocks")
    if not text and not blocks and not p.get("attachments"):
        raise ApiError("no_text")
    check_content(text, blocks)
    ws.fill_ids(blocks)
    message: dict[str, Any] = {"type": "message", "subtype": "bot_message", "text": text or "", "ts": ws.next_ts(),
                               "bot_id": ws.bot_id, "channel": channel.id, "is_ephemeral": True,
                               "ephemeral_user": user["id"]}
    if blocks is not None:
        message["blocks"] = blocks
    channel.ephemeral.append(message)
    return {"ok": True, "message_ts": message["ts"]}


def chat_get_permalink(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "channel", "message_ts")
    channel = ws.resolve(p["channel"])
    ws.find_message(channel, p["message_ts"])
    link = f"https://{ws.domain}.slack.com/archives/{channel.id}/p{str(p['message_ts']).replace('.', '')}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def respond(ws: Workspace, target: dict[str, Any], body: dict[str, Any]) -> None:
    """Act on a POST to a response_url: replace/delete the original, post in channel, or post ephemerally."""
    channel = ws.channels[target["channel"]]
    original_ts = target.get("message_ts")
    if flag(body, "delete_original"):
        if original_ts:
            channel.messages.remove(ws.find_message(channel, original_ts))
        return
    if flag(body, "replace_original") and original_ts:
        edit_message(ws, ws.find_message(channel, original_ts), body)
        return
    if body.get("response_type") == "in_channel":
        new_message(ws, body, channel)
        return
    chat_post_ephemeral(ws, {**body, "channel": channel.id, "user": target["user"]}, Context("", "", str))


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "apps.connections.open": apps_connections_open,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "users.list": users_list,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
}
