"""app_manifest.yml: valid against Slack's schema (vendored copy), and in step with the code both ways."""

import ast
import json
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from bot import ids

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).parent / "manifest_schema"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.{}.json"


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "app_manifest.yml").read_text())


def _validator() -> Draft7Validator:
    registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        contents = json.loads((SCHEMAS / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(REMOTE.format(version), Resource.from_contents(contents))
    return Draft7Validator(json.loads((SCHEMAS / "manifest.schema.json").read_text()), registry=registry)


def _registered() -> dict[str, set[str]]:
    """What the listener classes register, read from their `app.command(ids.X)`-style calls."""
    found: dict[str, set[str]] = {"command": set(), "event": set(), "action": set(), "view": set(),
                               "shortcut": set()}
    for path in (ROOT / "bot").glob("*/*listeners.py"):  # each feature package's listeners
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "app"
                    and node.func.attr in found and node.args):
                arg = node.args[0]
                assert isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "ids", (
                    f"{path.name}:{node.lineno}: ids come from bot/ids.py")
                value = getattr(ids, arg.attr)
                found[node.func.attr].add(value if isinstance(value, str) else value.pattern)
    return found


def test_manifest_passes_slacks_schema():
    errors = [e.message for e in _validator().iter_errors(_manifest())]
    assert errors == []


def test_schema_check_can_fail():
    broken = _manifest()
    broken["display_information"]["name"] = ""
    broken["features"]["slash_commands"][0]["command"] = "pulse with spaces"
    assert list(_validator().iter_errors(broken))


def test_every_command_in_the_manifest_has_a_handler_and_every_handler_is_in_the_manifest():
    manifest = {c["command"] for c in _manifest()["features"]["slash_commands"]}
    assert manifest == set(ids.COMMANDS) == _registered()["command"]


def test_every_event_in_the_manifest_has_a_handler_and_every_handler_is_in_the_manifest():
    manifest = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert manifest == set(ids.EVENTS) == _registered()["event"]


def test_every_shortcut_in_the_manifest_has_a_handler_and_every_handler_is_in_the_manifest():
    manifest = {s["callback_id"] for s in _manifest()["features"].get("shortcuts", [])}
    assert manifest == set(ids.SHORTCUTS) == _registered()["shortcut"]


def test_manifest_asks_for_exactly_the_scopes_the_code_uses():
    assert set(_manifest()["oauth_config"]["scopes"]["bot"]) == set(ids.BOT_SCOPES)


def test_interactivity_is_on_and_every_request_url_is_the_one_endpoint():
    settings = _manifest()["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = {settings["interactivity"]["request_url"], settings["event_subscriptions"]["request_url"]}
    urls |= {c["url"] for c in _manifest()["features"]["slash_commands"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")


def test_actions_and_views_are_registered_from_ids():
    registered = _registered()
    assert ids.ACTION_SURVEY_ANSWER_RE.pattern in registered["action"]
    assert {ids.VIEW_PULSE_CREATE, ids.VIEW_SURVEY_COMMENT} <= registered["view"]
