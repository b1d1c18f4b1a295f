"""Block Kit validation with Slack's limits; pure functions returning Slack-style error strings.

Each error reads like Slack's: "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
"""

from __future__ import annotations

import re
from typing import Any

MESSAGE_TEXT_LIMIT = 40000
SURFACE_BLOCK_LIMITS = {"message": 50, "modal": 100, "home": 100}
TEXT_TYPES = ("plain_text", "mrkdwn")

SELECTS = {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
MULTI_SELECTS = {"multi_" + name for name in SELECTS}
ACTION_ELEMENTS = {"button", "overflow", "datepicker", "timepicker", "datetimepicker", "radio_buttons",
                   "checkboxes"} | SELECTS | MULTI_SELECTS
ACCESSORY_ELEMENTS = ACTION_ELEMENTS | {"image"}
INPUT_ELEMENTS = (ACTION_ELEMENTS - {"button", "overflow"}) | {
    "plain_text_input", "number_input", "email_text_input", "url_text_input", "rich_text_input", "file_input"}
ALL_ELEMENTS = ACCESSORY_ELEMENTS | INPUT_ELEMENTS
BLOCK_TYPES = {"section", "actions", "context", "divider", "header", "input", "image", "rich_text", "markdown"}


def err(message: str, pointer: str) -> str:
    """Format one error the way Slack does."""
    return f"[ERROR] {message} [json-pointer:{pointer}]"


class _Checker:
    """Walks one payload, remembering action_id/block_id uniqueness and collecting errors."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.action_ids: set[str] = set()
        self.block_ids: set[str] = set()

    def add(self, message: str, pointer: str) -> None:
        self.errors.append(err(message, pointer))

    def string(self, value: Any, pointer: str, limit: int, *, required: bool = True, minimum: int = 1) -> None:
        if value is None:
            if required:
                self.add("missing required field", pointer)
            return
        if not isinstance(value, str):
            self.add("must provide a string", pointer)
        elif len(value) > limit:
            self.add(f"must be less than {limit + 1} characters", pointer)
        elif len(value) < minimum:
            self.add(f"must be more than {minimum - 1} characters", pointer)

    def text(self, obj: Any, pointer: str, limit: int, *, plain_only: bool = False, required: bool = True) -> None:
        if obj is None:
            if required:
                self.add("missing required field", pointer)
            return
        if not isinstance(obj, dict):
            self.add("must provide an object", pointer)
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else TEXT_TYPES
        if kind not in allowed:
            self.add("must be a valid enum value", f"{pointer}/type")
        if kind == "mrkdwn" and "emoji" in obj:
            self.add("unsupported property: emoji", f"{pointer}/emoji")
        self.string(obj.get("text"), f"{pointer}/text", limit)

    def identifier(self, value: Any, pointer: str, seen: set[str], name: str) -> None:
        if value is None:
            return
        self.string(value, pointer, 255)
        if isinstance(value, str):
            if value in seen:
                where = "surface" if name == "block_id" else "block"
                self.add(f"{name} must be unique within the same {where}: {value}", pointer)
            seen.add(value)

    def items(self, value: Any, pointer: str, limit: int, minimum: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.add("must provide an array", pointer)
            return []
        if len(value) > limit:
            self.add(f"no more than {limit} items allowed", pointer)
        elif len(value) < minimum:
            self.add(f"must provide at least {minimum} items", pointer)
        return value

    def confirm(self, obj: Any, pointer: str) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict):
            self.add("must provide an object", pointer)
            return
        self.text(obj.get("title"), f"{pointer}/title", 100, plain_only=True)
        self.text(obj.get("text"), f"{pointer}/text", 300)
        self.text(obj.get("confirm"), f"{pointer}/confirm", 30, plain_only=True)
        self.text(obj.get("deny"), f"{pointer}/deny", 30, plain_only=True)

    def options(self, value: Any, pointer: str, limit: int, *, plain_only: bool, minimum: int = 1) -> None:
        for i, option in enumerate(self.items(value, pointer, limit, minimum)):
            here = f"{pointer}/{i}"
            if not isinstance(option, dict):
                self.add("must provide an object", here)
                continue
            self.text(option.get("text"), f"{here}/text", 75, plain_only=plain_only)
            self.string(option.get("value"), f"{here}/value", 150)
            self.text(option.get("description"), f"{here}/description", 75, required=False)
            self.string(option.get("url"), f"{here}/url", 3000, required=False)

    def element(self, el: Any, pointer: str, allowed: set[str]) -> None:
        if not isinstance(el, dict):
            self.add("must provide an object", pointer)
            return
        kind = el.get("type")
        if kind not in allowed:
            self.add(f"must be a valid enum value: unsupported element type {kind!r}", f"{pointer}/type")
            return
        if kind == "image":
            self.string(el.get("image_url"), f"{pointer}/image_url", 3000, required="slack_file" not in el)
            self.string(el.get("alt_text"), f"{pointer}/alt_text", 2000)
            return
        self.identifier(el.get("action_id"), f"{pointer}/action_id", self.action_ids, "action_id")
        self.confirm(el.get("confirm"), f"{pointer}/confirm")
        self.text(el.get("placeholder"), f"{pointer}/placeholder", 150, plain_only=True, required=False)
        if kind == "button":
            self.text(el.get("text"), f"{pointer}/text", 75, plain_only=True)
            self.string(el.get("value"), f"{pointer}/value", 2000, required=False)
            self.string(el.get("url"), f"{pointer}/url", 3000, required=False)
            if el.get("style") not in (None, "primary", "danger"):
                self.add("must be a valid enum value", f"{pointer}/style")
        elif kind in ("static_select", "multi_static_select"):
            if "option_groups" in el:
                for g, group in enumerate(self.items(el["option_groups"], f"{pointer}/option_groups", 100)):
                    gp = f"{pointer}/option_groups/{g}"
                    group = group if isinstance(group, dict) else {}
                    self.text(group.get("label"), f"{gp}/label", 75, plain_only=True)
                    self.options(group.get("options"), f"{gp}/options", 100, plain_only=True)
            else:
                self.options(el.get("options"), f"{pointer}/options", 100, plain_only=True)
        elif kind == "overflow":
            self.options(el.get("options"), f"{pointer}/options", 5, plain_only=True)
        elif kind in ("radio_buttons", "checkboxes"):
            self.options(el.get("options"), f"{pointer}/options", 10, plain_only=False)
        elif kind == "datepicker":
            self._pattern(el.get("initial_date"), f"{pointer}/initial_date", r"\d{4}-\d{2}-\d{2}")
        elif kind == "timepicker":
            self._pattern(el.get("initial_time"), f"{pointer}/initial_time", r"\d{2}:\d{2}")
        elif kind == "plain_text_input":
            self.string(el.get("initial_value"), f"{pointer}/initial_value", 3000, required=False, minimum=0)
            for key in ("min_length", "max_length"):
                value = el.get(key)
                if value is not None and (not isinstance(value, int) or not 0 <= value <= 3000):
                    self.add("must be an integer between 0 and 3000", f"{pointer}/{key}")

    def _pattern(self, value: Any, pointer: str, pattern: str) -> None:
        if value is not None and not (isinstance(value, str) and re.fullmatch(pattern, value)):
            self.add("must match the expected format", pointer)

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict):
            self.add("must provide an object", pointer)
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.add("failed to match all allowed schemas", pointer)
            self.add(f"unsupported type: {kind}", f"{pointer}/type")
            return
        self.identifier(block.get("block_id"), f"{pointer}/block_id", self.block_ids, "block_id")
        self.action_ids = set()  # Slack: an action_id is unique among the action_ids of its containing block
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.add("must provide either text or fields", pointer)
            self.text(block.get("text"), f"{pointer}/text", 3000, required=False)
            if "fields" in block:
                for i, field in enumerate(self.items(block["fields"], f"{pointer}/fields", 10)):
                    self.text(field, f"{pointer}/fields/{i}", 2000)
            if "accessory" in block:
                self.element(block["accessory"], f"{pointer}/accessory", ACCESSORY_ELEMENTS)
        elif kind == "header":
            self.text(block.get("text"), f"{pointer}/text", 150, plain_only=True)
        elif kind == "context":
            for i, el in enumerate(self.items(block.get("elements"), f"{pointer}/elements", 10)):
                here = f"{pointer}/elements/{i}"
                if isinstance(el, dict) and el.get("type") == "image":
                    self.element(el, here, {"image"})
                else:
                    self.text(el, here, 3000)
        elif kind == "actions":
            for i, el in enumerate(self.items(block.get("elements"), f"{pointer}/elements", 25)):
                self.element(el, f"{pointer}/elements/{i}", ACTION_ELEMENTS)
        elif kind == "input":
            self.text(block.get("label"), f"{pointer}/label", 2000, plain_only=True)
            self.text(block.get("hint"), f"{pointer}/hint", 2000, plain_only=True, required=False)
            if "element" not in block:
                self.add("missing required field", f"{pointer}/element")
            else:
                self.element(block["element"], f"{pointer}/element", INPUT_ELEMENTS)
        elif kind == "image":
            self.string(block.get("image_url"), f"{pointer}/image_url", 3000, required="slack_file" not in block)
            self.string(block.get("alt_text"), f"{pointer}/alt_text", 2000)
            self.text(block.get("title"), f"{pointer}/title", 2000, plain_only=True, required=False)
        elif kind == "markdown":
            self.string(block.get("text"), f"{pointer}/text", 12000)
        elif kind == "rich_text":
            self.items(block.get("elements"), f"{pointer}/elements", 1000, minimum=0)

    def blocks(self, blocks: Any, pointer: str, surface: str) -> None:
        for i, block in enumerate(self.items(blocks, pointer, SURFACE_BLOCK_LIMITS[surface], minimum=0)):
            self.block(block, f"{pointer}/{i}")


def validate_blocks(blocks: Any, *, surface: str = "message", pointer: str = "/blocks") -> list[str]:
    """Errors for a blocks array on a surface ("message", "modal" or "home")."""
    checker = _Checker()
    checker.blocks(blocks, pointer, surface)
    return checker.errors


def validate_message(text: Any, blocks: Any) -> list[str]:
    """Errors for a message's blocks (and text type); an over-long text is reported separately."""
    checker = _Checker()
    if text is not None and not isinstance(text, str):
        checker.add("must provide a string", "/text")
    if blocks is not None:
        checker.blocks(blocks, "/blocks", "message")
    return checker.errors


def message_text_too_long(text: Any) -> bool:
    """True when a message text is over Slack's 40,000 character limit (Slack answers msg_too_long)."""
    return isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT


def validate_view(view: Any) -> list[str]:
    """Errors for a modal or home view, pointers under /view like Slack's views.* answers."""
    checker = _Checker()
    if not isinstance(view, dict):
        checker.add("must provide an object", "/view")
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.add("must be a valid enum value", "/view/type")
        return checker.errors
    checker.string(view.get("private_metadata"), "/view/private_metadata", 3000, required=False, minimum=0)
    checker.string(view.get("callback_id"), "/view/callback_id", 255, required=False, minimum=0)
    checker.string(view.get("external_id"), "/view/external_id", 255, required=False)
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", 24, plain_only=True)
        checker.text(view.get("submit"), "/view/submit", 24, plain_only=True, required=False)
        checker.text(view.get("close"), "/view/close", 24, plain_only=True, required=False)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            checker.add("submit is required when an input block is within the blocks array", "/view/submit")
    checker.blocks(view.get("blocks"), "/view/blocks", kind)
    return checker.errors
