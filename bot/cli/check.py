"""`salescoach check`: the setup an admin must get right, one line per finding; `serve` runs the same checks.

Settings, the database and its migration, Slack's answer to the bot token and its scopes, the Socket Mode token,
people not matched to Slack, teams without a channel, a CJK font for charts, and the OAuth key.
"""

from __future__ import annotations

import logging
import math
import sys
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cli.problems import slack_refusal, unreachable
from bot.settings import Settings
from bot.settings_values import DEFAULT_SCOPES
from storage.db import make_engine
from storage.schema_state import DatabaseProblem, read_state, sqlite_file, where

OFFLINE_ERRORS = (urllib.error.URLError, ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn" (works, but something is missing) or "fail" (must be fixed)
    thing: str
    text: str

    @property
    def line(self) -> str:
        return f"{self.level:<4} {self.thing}: {self.text}"


def settings_findings(settings: Settings, *, serving: str | None = None) -> Iterator[Finding]:
    """How the bot reaches Slack; `serving` ("socket" or "http") is the mode `serve` was asked for."""
    if settings.oauth is None and not settings.slack_bot_token:
        yield Finding("fail", "SLACK_BOT_TOKEN", "not set; copy the Bot User OAuth Token (xoxb-) from your Slack "
                      "app's OAuth & Permissions page, or set SLACK_CLIENT_ID for installs in several workspaces")
    socket, http = bool(settings.slack_app_token), bool(settings.slack_signing_secret)
    if serving == "socket" and not socket:
        yield Finding("fail", "SLACK_APP_TOKEN", "not set; Socket Mode needs an app-level token (xapp-), or "
                      "pass --http")
    elif serving == "http" and not http:
        yield Finding("fail", "SLACK_SIGNING_SECRET", "not set; --http needs the app's signing secret "
                      "(Basic Information)")
    elif not socket and not http:
        yield Finding("fail", "SLACK_APP_TOKEN", "neither it nor SLACK_SIGNING_SECRET is set; set SLACK_APP_TOKEN "
                      "for Socket Mode or SLACK_SIGNING_SECRET for `serve --http`")
    else:
        modes = [m for m, on in (("Socket Mode", socket), ("HTTP", http)) if on]
        yield Finding("ok", "settings", f"{' and '.join(modes)} configured; logs at {settings.log_level}")
    if settings.oauth is not None:
        yield Finding("ok", "SALESCOACH_ENCRYPTION_KEY", f"OAuth installs on; {len(settings.oauth.encryption_keys)} "
                      "key(s) seal the installed tokens")


def database_findings(url: str, *, will_migrate: bool = False) -> Iterator[Finding]:
    file = sqlite_file(url)
    if file is not None and file.parent.is_dir() and not file.exists() and not will_migrate:
        yield Finding("fail", "database", f"{file} does not exist; run `salescoach db upgrade` to create it")
        return
    engine = make_engine(url)
    try:
        state = read_state(engine)
    except DatabaseProblem as problem:
        thing, _, text = str(problem).partition(": ")
        yield Finding("fail", thing, text)
        return
    finally:
        engine.dispose()
    if state.current:
        yield Finding("ok", "database", f"{where(url)} is at the latest migration ({state.head})")
    elif will_migrate:
        yield Finding("ok", "database", f"{where(url)} is at {state.revision or 'no migration'}; serve applies "
                      f"the migrations to {state.head}")
    else:
        yield Finding("fail", "database", f"{where(url)} is at {state.revision or 'no migration'} and this version "
                      f"needs {state.head}; run `salescoach db upgrade`")


def _header(headers: object, name: str) -> str | None:
    if not isinstance(headers, dict):
        return None
    return next((str(v[0] if isinstance(v, list) else v) for k, v in headers.items() if k.lower() == name), None)


def slack_findings(settings: Settings) -> Iterator[Finding]:
    """auth.test with the bot token (its scopes against app_manifest.yml's), apps.connections.open with the app's."""
    quiet = logging.getLogger("salescoach.check.slack")  # the finding says it; slack_sdk's own lines would repeat it
    quiet.setLevel(logging.CRITICAL)
    client = WebClient(base_url=settings.slack_api_url, timeout=max(1, math.ceil(min(settings.slack_timeout, 10.0))),
                       logger=quiet,
                       retry_handlers=[])
    if settings.slack_bot_token and settings.oauth is None:
        try:
            answer = client.auth_test(token=settings.slack_bot_token)
        except SlackApiError as exc:
            yield Finding("fail", *slack_refusal(exc).split(": ", 1))
            return
        except OFFLINE_ERRORS as exc:
            yield Finding("fail", *unreachable(settings.slack_api_url, exc).split(": ", 1))
            return
        yield Finding("ok", "Slack", f"the bot is @{answer.get('user')} in {answer.get('team')}")
        granted = _header(answer.headers, "x-oauth-scopes")
        missing = [] if granted is None else sorted(set(DEFAULT_SCOPES) - {s.strip() for s in granted.split(",")})
        if missing:
            yield Finding("fail", "scopes", f"the bot token lacks {', '.join(missing)}, which app_manifest.yml asks "
                          "for; add them under OAuth & Permissions and reinstall the app")
        elif granted is not None:
            yield Finding("ok", "scopes", "the bot token has every scope app_manifest.yml asks for")
    if settings.slack_app_token:
        try:
            client.apps_connections_open(app_token=settings.slack_app_token)
        except SlackApiError as exc:
            yield Finding("fail", *slack_refusal(exc, token_name="SLACK_APP_TOKEN").split(": ", 1))
            return
        except OFFLINE_ERRORS as exc:
            yield Finding("fail", *unreachable(settings.slack_api_url, exc).split(": ", 1))
            return
        yield Finding("ok", "SLACK_APP_TOKEN", "Slack accepts it for Socket Mode (connections:write)")


def roster_findings(url: str) -> Iterator[Finding]:
    from storage.db import make_sessions
    from storage.health import setup_health

    engine = make_engine(url)
    try:
        with make_sessions(engine)() as session:
            health = setup_health(session)
    finally:
        engine.dispose()
    if health.people == 0:
        yield Finding("warn", "roster", "nobody yet; run `salescoach import roster people.xlsx`")
    elif health.unmatched:
        yield Finding("warn", "roster", f"{health.unmatched} of {health.people} people are not matched to Slack yet: "
                      "run `salescoach import roster` with Slack reachable, or add slack_id")
    else:
        yield Finding("ok", "roster", f"{health.people} people, each matched to Slack")
    if health.teams_without_channel:
        yield Finding("warn", "teams", f"no channel for {', '.join(health.teams_without_channel)}; shared summaries "
                      "and wins need one: `salescoach team channel TEAM C0123ABCD`")


def font_findings() -> Iterator[Finding]:
    from bot.charts import cjk_family

    family = cjk_family()
    if family is None:
        yield Finding("warn", "fonts", "no font for Chinese on this server: Chinese chart labels would be empty "
                      "boxes; reinstall salescoach, whose package brings one (bot/fonts)")
    else:
        yield Finding("ok", "fonts", f"charts draw Chinese, Persian and Lithuanian with {family}")


def findings(settings: Settings, *, offline: bool = False, serving: str | None = None,
             will_migrate: bool = False, fonts: bool = True) -> list[Finding]:
    """Every finding in order; `serve` leaves out fonts (matplotlib would stay in its memory)."""
    url = settings.database_url
    found = [*settings_findings(settings, serving=serving), *database_findings(url, will_migrate=will_migrate)]
    if not offline:
        found += slack_findings(settings)
    if not any(f.level == "fail" and f.thing in ("database", "DATABASE_URL") for f in found) and not will_migrate:
        found += roster_findings(url)
    if fonts:
        found += font_findings()
    return found


def run_check(settings: Settings, *, offline: bool = False) -> int:
    found = findings(settings, offline=offline)
    for finding in found:
        print(finding.line)
    failed = sum(f.level == "fail" for f in found)
    print(f"{failed} problem(s) to fix" if failed else "ready", file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0
