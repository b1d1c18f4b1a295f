"""Settings read once from the environment (and an optional .env file); the only place that reads os.environ."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from babel.numbers import list_currencies
from dotenv import dotenv_values

DEFAULT_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""

    def __init__(self, variable: str, expected: str, value: str | None = None) -> None:
        shown = "is not set" if value is None else f"is {value!r}"
        super().__init__(f"{variable} {shown}: expected {expected}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with. Tokens are optional until a command needs them."""

    database_url: str
    slack_api_url: str = DEFAULT_API_URL
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    anonymity_threshold: int = 5
    log_level: str = "INFO"
    reminder_hours: tuple[int, ...] = (24, 72)
    away_emoji: tuple[str, ...] = ()
    away_words: tuple[str, ...] = ()
    currency: str = "USD"
    digest_day: int = 0  # Monday
    digest_time: str = "08:00"
    digest_period: str = "month"
    min_closed_deals: int = 5
    new_business_target: float = 0.3
    webhook_secret: str | None = None  # SALESCOACH_WEBHOOK_SECRET: signs POST /hooks/deals; unset turns it off
    kudos_cap: int | None = 5  # receivers a giver may thank per week; None: no cap
    nudge_at: str = "09:00"  # SALESCOACH_NUDGE_AT: local time of follow-up and one-on-one nudges
    nudge_top: int = 5  # SALESCOACH_NUDGE_TOP: deals in a rep's daily follow-up nudge
    recognition_gap_days: int = 60  # SALESCOACH_RECOGNITION_GAP_DAYS: nudge managers after this long
    slack_timeout: float = 15.0  # SALESCOACH_SLACK_TIMEOUT: seconds to wait for Slack's answer to one call
    delivery_workers: int = 4  # SALESCOACH_DELIVERY_WORKERS: threads sending the outbox
    delivery_lease: float = 120.0  # SALESCOACH_DELIVERY_LEASE: seconds a claimed row is a worker's alone
    slack_pace: tuple[tuple[str, float], ...] = ()  # SALESCOACH_SLACK_PACE: (method, calls a second)
    leader_poll_seconds: float = 5.0  # SALESCOACH_LEADER_POLL_SECONDS: how often replicas contend for the scheduler

    oauth: OAuthApp | None = None  # SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: installs in several workspaces

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | Path = ".env") -> Settings:
        values: dict[str, str] = {}
        if environ is None:
            if Path(env_file).is_file():
                values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
            values.update(os.environ)
        else:
            values.update(environ)
        return cls(
            database_url=_database_url(values.get("DATABASE_URL")),
            slack_api_url=_api_url(values.get("SLACK_API_URL")),
            slack_bot_token=_token(values, "SLACK_BOT_TOKEN", "xoxb-"),
            slack_signing_secret=_secret(values.get("SLACK_SIGNING_SECRET")),
            slack_app_token=_token(values, "SLACK_APP_TOKEN", "xapp-"),
            anonymity_threshold=_threshold(values.get("SALESCOACH_ANONYMITY_THRESHOLD")),
            log_level=_log_level(values.get("LOG_LEVEL")),
            reminder_hours=_reminder_hours(values.get("SALESCOACH_REMINDER_HOURS")),
            away_emoji=_words(values.get("SALESCOACH_AWAY_EMOJI")),
            away_words=_words(values.get("SALESCOACH_AWAY_WORDS")),
            currency=_currency(values.get("SALESCOACH_CURRENCY")),
            digest_day=_digest_at(values.get("SALESCOACH_DIGEST_AT"))[0],
            digest_time=_digest_at(values.get("SALESCOACH_DIGEST_AT"))[1],
            digest_period=_choice("SALESCOACH_DIGEST_PERIOD", values.get("SALESCOACH_DIGEST_PERIOD"),
                                  ("week", "month", "quarter"), "month"),
            min_closed_deals=_whole("SALESCOACH_MIN_DEALS", values.get("SALESCOACH_MIN_DEALS"), 1, 1000, 5),
            new_business_target=_share("SALESCOACH_NEW_BUSINESS_TARGET", values.get("SALESCOACH_NEW_BUSINESS_TARGET"),
                                       0.3),
            webhook_secret=_webhook_secret(values.get("SALESCOACH_WEBHOOK_SECRET")),
            kudos_cap=_kudos_cap(values.get("SALESCOACH_KUDOS_CAP")),
            nudge_at=_local_time("SALESCOACH_NUDGE_AT", values.get("SALESCOACH_NUDGE_AT"), "09:00"),
            nudge_top=_whole("SALESCOACH_NUDGE_TOP", values.get("SALESCOACH_NUDGE_TOP"), 1, 10, 5),
            recognition_gap_days=_whole("SALESCOACH_RECOGNITION_GAP_DAYS",
                                        values.get("SALESCOACH_RECOGNITION_GAP_DAYS"), 7, 365, 60),
            slack_timeout=_seconds("SALESCOACH_SLACK_TIMEOUT", values.get("SALESCOACH_SLACK_TIMEOUT"),
                                   0.05, 300.0, 15.0),
            delivery_workers=_whole("SALESCOACH_DELIVERY_WORKERS", values.get("SALESCOACH_DELIVERY_WORKERS"),
                                    1, 32, 4),
            delivery_lease=_seconds("SALESCOACH_DELIVERY_LEASE", values.get("SALESCOACH_DELIVERY_LEASE"),
                                    1.0, 3600.0, 120.0),
            slack_pace=_paces(values.get("SALESCOACH_SLACK_PACE")),
            leader_poll_seconds=_seconds("SALESCOACH_LEADER_POLL_SECONDS",
                                         values.get("SALESCOACH_LEADER_POLL_SECONDS"), 0.1, 300.0, 5.0),
            oauth=_oauth(values),
        )

    def require_bot_token(self) -> str:
        if not self.slack_bot_token:
            raise SettingsError("SLACK_BOT_TOKEN", "a bot token starting with xoxb- (Slack app > OAuth & Permissions)")
        return self.slack_bot_token

    def require_signing_secret(self) -> str:
        if not self.slack_signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET", "the app's signing secret (Slack app > Basic Information)"
            )
        return self.slack_signing_secret


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


def _database_url(value: str | None) -> str:
    if _blank(value):
        return "sqlite:///" + str(Path.cwd() / "salescoach.db")
    assert value is not None
    url = value.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if not re.match(r"^(sqlite|postgresql\+psycopg)://", url):
        raise SettingsError(
            "DATABASE_URL", "sqlite:///PATH or postgresql://USER@HOST:PORT/DB", value
        )
    return url


def _api_url(value: str | None) -> str:
    if _blank(value):
        return DEFAULT_API_URL
    assert value is not None
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError("SLACK_API_URL", "an http(s) URL such as https://slack.com/api/", value)
    url = value.strip()
    return url if url.endswith("/") else url + "/"


def _token(values: Mapping[str, str], name: str, prefix: str) -> str | None:
    value = values.get(name)
    if _blank(value):
        return None
    assert value is not None
    if not value.strip().startswith(prefix) or len(value.strip()) < len(prefix) + 4:
        raise SettingsError(name, f"a Slack token starting with {prefix}", _redact(value))
    return value.strip()


def _secret(value: str | None) -> str | None:
    if _blank(value):
        return None
    assert value is not None
    if len(value.strip()) < 8:
        raise SettingsError("SLACK_SIGNING_SECRET", "the app's signing secret (at least 8 characters)", "***")
    return value.strip()


def _threshold(value: str | None) -> int:
    if _blank(value):
        return 5
    assert value is not None
    if not value.strip().isdigit() or not 3 <= int(value) <= 10:
        raise SettingsError("SALESCOACH_ANONYMITY_THRESHOLD", "a whole number from 3 to 10", value)
    return int(value)


def _log_level(value: str | None) -> str:
    if _blank(value):
        return "INFO"
    assert value is not None
    level = value.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("LOG_LEVEL", "one of DEBUG, INFO, WARNING, ERROR", value)
    return level


def _redact(token: str) -> str:
    return token[:5] + "…" if len(token) > 5 else "…"


def _reminder_hours(value: str | None) -> tuple[int, ...]:
    if value is None:
        return (24, 72)
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if len(parts) > 2 or not all(p.isdigit() and 1 <= int(p) <= 24 * 14 for p in parts):
        raise SettingsError("SALESCOACH_REMINDER_HOURS",
                            "at most two hour counts after the survey, from 1 to 336, e.g. 24,72 (empty: none)", value)
    hours = tuple(int(p) for p in parts)
    if list(hours) != sorted(set(hours)):
        raise SettingsError("SALESCOACH_REMINDER_HOURS", "increasing hour counts, e.g. 24,72", value)
    return hours


def _words(value: str | None) -> tuple[str, ...]:
    return tuple(w.strip().lower() for w in (value or "").split(",") if w.strip())


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _currency(value: str | None) -> str:
    if _blank(value):
        return "USD"
    assert value is not None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in list_currencies():
        raise SettingsError("SALESCOACH_CURRENCY", "an ISO 4217 currency code such as USD, MYR, CNY, EUR or IRR", value)
    return code


def _digest_at(value: str | None) -> tuple[int, str]:
    if _blank(value):
        return 0, "08:00"
    assert value is not None
    match = re.fullmatch(r"([a-z]{3})[a-z]*\s+([01]?\d|2[0-3]):([0-5]\d)", value.strip().lower())
    if not match or match.group(1) not in DAYS:
        raise SettingsError("SALESCOACH_DIGEST_AT", "a weekday and local time, e.g. mon 08:00", value)
    return DAYS.index(match.group(1)), f"{int(match.group(2)):02d}:{match.group(3)}"


def _choice(name: str, value: str | None, allowed: tuple[str, ...], default: str) -> str:
    if _blank(value):
        return default
    assert value is not None
    if value.strip().lower() not in allowed:
        raise SettingsError(name, "one of " + ", ".join(allowed), value)
    return value.strip().lower()


def _whole(name: str, value: str | None, low: int, high: int, default: int) -> int:
    if _blank(value):
        return default
    assert value is not None
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise SettingsError(name, f"a whole number from {low} to {high}", value)
    return int(value)


def _share(name: str, value: str | None, default: float) -> float:
    if _blank(value):
        return default
    assert value is not None
    try:
        share = float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise SettingsError(name, "a share from 0 to 1, or a percentage such as 30%", value)
    return share


def _webhook_secret(value: str | None) -> str | None:
    if _blank(value):
        return None
    assert value is not None
    if len(value.strip()) < 16:
        raise SettingsError("SALESCOACH_WEBHOOK_SECRET", "a shared secret of at least 16 characters, e.g. from "
                            "`openssl rand -hex 32`", "***")
    return value.strip()


def _kudos_cap(value: str | None) -> int | None:
    if _blank(value):
        return 5
    assert value is not None
    if value.strip().lower() in ("0", "none", "off"):
        return None
    return _whole("SALESCOACH_KUDOS_CAP", value, 1, 100, 5)


PACE = re.compile(r"([A-Za-z]+(?:\.[A-Za-z0-9]+)+)\s*=\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute)")


def _paces(value: str | None) -> tuple[tuple[str, float], ...]:
    """`chat.postMessage=50/s, conversations.history=50/min` -> ((method, calls a second), ...)."""
    paces: list[tuple[str, float]] = []
    for part in (value or "").split(","):
        match = PACE.fullmatch(part.strip())
        if part.strip() and (not match or float(match.group(2)) <= 0):
            raise SettingsError("SALESCOACH_SLACK_PACE", "Web API methods and their pace, comma-separated, "
                                f"e.g. chat.postMessage=50/s,conversations.history=50/min (not {part.strip()!r})",
                                value)
        if match:
            per = 1.0 if match.group(3).startswith("s") else 60.0
            paces.append((match.group(1), float(match.group(2)) / per))
    return tuple(paces)


def _local_time(name: str, value: str | None, default: str) -> str:
    if _blank(value):
        return default
    assert value is not None
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise SettingsError(name, "a local time HH:MM, e.g. 09:00", value)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _seconds(name: str, value: str | None, low: float, high: float, default: float) -> float:
    if _blank(value):
        return default
    assert value is not None
    try:
        seconds = float(value.strip())
    except ValueError:
        seconds = -1.0
    if not low <= seconds <= high:
        raise SettingsError(name, f"a number of seconds from {low:g} to {high:g}, e.g. 5", value)
    return seconds


# The bot scopes of app_manifest.yml (a test keeps them equal); SLACK_SCOPES overrides them for OAuth installs.
DEFAULT_SCOPES = ("chat:write", "chat:write.public", "commands", "files:write", "im:history", "im:write",
                  "users:read", "users:read.email")
KEY_COMMAND = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


@dataclass(frozen=True)
class OAuthApp:
    """What installing in several workspaces needs: the app's credentials, scopes and the key that seals tokens."""

    client_id: str
    client_secret: str
    encryption_keys: tuple[str, ...]
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    redirect_uri: str | None = None

    def __repr__(self) -> str:
        return f"OAuthApp(client_id={self.client_id!r}, scopes={self.scopes!r}, redirect_uri={self.redirect_uri!r})"


def _oauth(values: Mapping[str, str]) -> OAuthApp | None:
    client_id, secret = values.get("SLACK_CLIENT_ID"), values.get("SLACK_CLIENT_SECRET")
    keys = _encryption_keys(values.get("SALESCOACH_ENCRYPTION_KEY"))
    if _blank(client_id) and _blank(secret):
        return None
    if _blank(client_id):
        raise SettingsError("SLACK_CLIENT_ID", "the app's client ID (Slack app > Basic Information > App "
                            "Credentials), since SLACK_CLIENT_SECRET is set")
    assert client_id is not None
    if not re.fullmatch(r"\d+\.\d+", client_id.strip()):
        raise SettingsError("SLACK_CLIENT_ID", "the app's client ID, digits.digits such as 1234567890.0987654321",
                            client_id)
    if _blank(secret) or len((secret or "").strip()) < 8:
        raise SettingsError("SLACK_CLIENT_SECRET", "the app's client secret (Slack app > Basic Information > App "
                            "Credentials), since SLACK_CLIENT_ID is set", None if _blank(secret) else "***")
    if not keys:
        raise SettingsError("SALESCOACH_ENCRYPTION_KEY", "a Fernet key that seals workspace tokens, from "
                            f"`{KEY_COMMAND}` (needed with SLACK_CLIENT_ID)")
    assert secret is not None
    return OAuthApp(client_id=client_id.strip(), client_secret=secret.strip(), encryption_keys=keys,
                    scopes=_scopes(values.get("SLACK_SCOPES")),
                    redirect_uri=_redirect_uri(values.get("SLACK_REDIRECT_URI")))


def _encryption_keys(value: str | None) -> tuple[str, ...]:
    if _blank(value):
        return ()
    assert value is not None
    from cryptography.fernet import Fernet

    keys = tuple(k.strip() for k in value.split(",") if k.strip())
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            raise SettingsError("SALESCOACH_ENCRYPTION_KEY", f"Fernet keys (32 url-safe base64-encoded bytes) from "
                                f"`{KEY_COMMAND}`, comma-separated, newest first", "***") from None
    return keys


def _scopes(value: str | None) -> tuple[str, ...]:
    if _blank(value):
        return DEFAULT_SCOPES
    assert value is not None
    scopes = tuple(s.strip() for s in value.split(",") if s.strip())
    if not all(re.fullmatch(r"[a-z][a-z0-9_.:-]*", s) for s in scopes):
        raise SettingsError("SLACK_SCOPES", "bot scopes, comma-separated, e.g. chat:write,commands,users:read", value)
    return scopes


def _redirect_uri(value: str | None) -> str | None:
    if _blank(value):
        return None
    assert value is not None
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError("SLACK_REDIRECT_URI", "the Redirect URL set in the Slack app, e.g. "
                            "https://salescoach.example.com/slack/oauth_redirect", value)
    return value.strip()
