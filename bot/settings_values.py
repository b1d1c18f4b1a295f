"""How each setting's text is read and checked: one parser per kind of value, each failing with one line that
names the variable, what it holds and what is allowed (a SettingsError)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from babel.numbers import list_currencies

DEFAULT_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""

    def __init__(self, variable: str, expected: str, value: str | None = None) -> None:
        shown = "is not set" if value is None else f"is {value!r}"
        super().__init__(f"{variable} {shown}: expected {expected}")
        self.variable = variable


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
    if not value.strip().startswith(prefix):
        raise SettingsError(name, f"a Slack token starting with {prefix}", _redact(value))
    if len(value.strip()) < len(prefix) + 4:
        raise SettingsError(name, f"the whole token, which is much longer; copy it again from the Slack app's "
                            f"settings ({'OAuth & Permissions' if prefix == 'xoxb-' else 'Basic Information'})",
                            _redact(value))
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


def _workspace_ids(name: str, value: str | None) -> tuple[str, ...]:
    """Slack workspace (T…) and Enterprise Grid org (E…) ids, comma-separated."""
    ids = tuple(w.strip() for w in (value or "").split(",") if w.strip())
    if any(not re.fullmatch(r"[TE][A-Z0-9]{2,31}", w) for w in ids):
        raise SettingsError(name, "workspace ids (T…) or Enterprise Grid org ids (E…), comma-separated, "
                                  "e.g. T024BE7LD,E0123ABCD", value)
    return ids


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
                  "reactions:read", "users:read", "users:read.email")
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
