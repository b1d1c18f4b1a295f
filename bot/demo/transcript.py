"""Readable text for Block Kit, and Block Kit Builder links: what the demo prints of each message."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

BUILDER = "https://app.slack.com/block-kit-builder/#"


def builder_link(blocks: list[dict[str, Any]], *, view_type: str | None = None) -> str:
    """A link that opens the blocks in Slack's Block Kit Builder."""
    body: dict[str, Any] = {"blocks": blocks}
    if view_type:
        body["type"] = view_type
    return BUILDER + quote(json.dumps(body, ensure_ascii=False, separators=(",", ":")), safe="")


def _text(obj: dict[str, Any] | None) -> str:
    return (obj or {}).get("text", "")


def _element(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind == "button":
        label = _text(element.get("text"))
        return f"[{label}]" if element.get("style") != "primary" else f"[*{label}*]"
    if kind in ("mrkdwn", "plain_text"):
        return str(element.get("text", ""))
    if kind in ("static_select", "multi_static_select"):
        return "[" + _text(element.get("placeholder")) + " ▾]"
    return f"[{kind}]"


def blocks_to_text(blocks: list[dict[str, Any]]) -> list[str]:
    """One or more lines per block, roughly as Slack lays them out."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"# {_text(block.get('text'))}")
        elif kind == "section":
            text = _text(block.get("text"))
            if block.get("accessory"):
                text += "  " + _element(block["accessory"])
            lines.extend(text.splitlines() or [""])
            lines.extend(_text(f) for f in block.get("fields", []))
        elif kind == "actions":
            lines.append(" ".join(_element(e) for e in block.get("elements", [])))
        elif kind == "context":
            lines.append("  " + " · ".join(_element(e) for e in block.get("elements", [])))
        elif kind == "divider":
            lines.append("  ───")
        elif kind == "input":
            lines.append(f"{_text(block.get('label'))}: {_element(block.get('element', {}))}")
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
    return lines
