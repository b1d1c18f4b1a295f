"""Web API methods views.* and the files upload v2 trio, answered with Slack's response shapes."""

from __future__ import annotations

import copy
from typing import Any

from bot.slack_double.blockkit import validate_view
from bot.slack_double.webapi import Context, Handler, require
from bot.slack_double.workspace import ApiError, Workspace

PUSH_LIMIT = 3


def _view_spec(p: dict[str, Any], kind: str) -> dict[str, Any]:
    require(p, "view")
    view = p["view"]
    errors = validate_view(view)
    if not errors and view.get("type") != kind:
        errors = [f"[ERROR] must be a valid enum value: {kind} expected [json-pointer:/view/type]"]
    if errors:
        raise ApiError("invalid_arguments", response_metadata={"messages": errors})
    return dict(view)


def _ok(view: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "view": copy.deepcopy(view)}


def views_open(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    spec = _view_spec(p, "modal")
    user_id = ws.use_trigger(p.get("trigger_id"))
    for view_id in [v for v, owner in ws.view_users.items() if owner == user_id]:
        ws.close_view(view_id)
    view = ws.make_view(spec)
    ws.views[view["id"]], ws.view_users[view["id"]] = view, user_id
    return _ok(view)


def views_push(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    spec = _view_spec(p, "modal")
    user_id = ws.use_trigger(p.get("trigger_id"))
    stack = [v for v, owner in ws.view_users.items() if owner == user_id]
    if len(stack) >= PUSH_LIMIT:
        raise ApiError("push_limit_reached")
    top = ws.views[stack[-1]] if stack else None
    view = ws.make_view(spec, root_view_id=top["root_view_id"] if top else None,
                        previous_view_id=top["id"] if top else None)
    ws.views[view["id"]], ws.view_users[view["id"]] = view, user_id
    return _ok(view)


def views_update(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not p.get("view_id") and not p.get("external_id"):
        raise ApiError("invalid_arguments", response_metadata={
            "messages": ["[ERROR] either view_id or external_id is required"]})
    current = ws.find_view(p.get("view_id"), p.get("external_id"))
    spec = _view_spec(p, current["type"])
    if p.get("hash") and p["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    fresh = ws.make_view(spec, view_id=current["id"], root_view_id=current["root_view_id"],
                         previous_view_id=current["previous_view_id"])
    fresh["state"] = current["state"]
    current.clear()
    current.update(fresh)
    return _ok(current)


def views_publish(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "user_id")
    spec = _view_spec(p, "home")
    user = ws.user(p["user_id"])
    current = ws.home_views.get(user["id"])
    if current and p.get("hash") and p["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    view = ws.make_view(spec, view_id=current["id"] if current else None)
    ws.home_views[user["id"]] = view
    return _ok(view)


def files_get_upload_url_external(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "filename", "length")
    file_id = ws.new_id("F")
    ws.files[file_id] = {"id": file_id, "name": p["filename"], "title": p["filename"], "length": int(p["length"]),
                         "alt_txt": p.get("alt_txt"), "content": None, "channels": [], "completed": False}
    return {"ok": True, "upload_url": f"{ctx.base_url}upload/v1/{file_id}", "file_id": file_id}


def files_complete_upload_external(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    require(p, "files")
    entries = p["files"]
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    targets = [ws.resolve(p["channel_id"])] if p.get("channel_id") else []
    targets += [ws.resolve(c.strip()) for c in str(p.get("channels") or "").split(",") if c.strip()]
    out = []
    for entry in entries:
        stored = ws.files.get(str(entry.get("id")))
        if stored is None or stored["content"] is None:
            raise ApiError("file_not_found")
        stored.update(title=entry.get("title") or stored["name"], completed=True,
                      channels=[c.id for c in targets], initial_comment=p.get("initial_comment"),
                      thread_ts=p.get("thread_ts"))
        out.append({"id": stored["id"], "created": int(ws.clock()), "timestamp": int(ws.clock()),
                    "name": stored["name"], "title": stored["title"], "mimetype": "application/octet-stream",
                    "filetype": stored["name"].rsplit(".", 1)[-1], "user": ws.bot_user_id,
                    "size": len(stored["content"]), "mode": "hosted", "is_external": False,
                    "url_private": f"{ctx.base_url}files/{stored['id']}",
                    "permalink": f"https://{ws.domain}.slack.com/files/{ws.bot_user_id}/{stored['id']}",
                    "channels": [c.id for c in targets], "shares": {}})
    for channel in targets:
        message: dict[str, Any] = {"type": "message", "text": p.get("initial_comment") or "", "upload": True,
                                   "user": ws.bot_user_id, "bot_id": ws.bot_id, "ts": ws.next_ts(),
                                   "files": copy.deepcopy(out), "channel": channel.id, "edit_history": []}
        if p.get("thread_ts"):
            message["thread_ts"] = p["thread_ts"]
        channel.messages.append(message)
    return {"ok": True, "files": out}


def store_upload(ws: Workspace, file_id: str, content: bytes) -> bool:
    """Keep the bytes POSTed to an upload URL; False when the URL is unknown."""
    stored = ws.files.get(file_id)
    if stored is None or stored["completed"]:
        return False
    stored["content"] = content
    return True


METHODS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}
