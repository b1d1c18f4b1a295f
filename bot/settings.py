"""Settings read once from the environment (and an optional .env file); the only place that reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from bot.settings_values import (
    DEFAULT_API_URL,
    OAuthApp,
    SettingsError,
    _api_url,
    _choice,
    _currency,
    _database_url,
    _digest_at,
    _kudos_cap,
    _local_time,
    _log_level,
    _oauth,
    _paces,
    _reminder_hours,
    _seconds,
    _secret,
    _share,
    _threshold,
    _token,
    _webhook_secret,
    _whole,
    _words,
    _workspace_ids,
)
from bot.settings_values import DEFAULT_SCOPES as DEFAULT_SCOPES  # re-exported: the manifest's bot scopes


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
    complaint_hours: int = 4  # SALESCOACH_COMPLAINT_HOURS: working hours to answer a complaint
    slack_timeout: float = 15.0  # SALESCOACH_SLACK_TIMEOUT: seconds to wait for Slack's answer to one call
    delivery_workers: int = 4  # SALESCOACH_DELIVERY_WORKERS: threads sending the outbox
    delivery_lease: float = 120.0  # SALESCOACH_DELIVERY_LEASE: seconds a claimed row is a worker's alone
    slack_pace: tuple[tuple[str, float], ...] = ()  # SALESCOACH_SLACK_PACE: (method, calls a second)
    leader_poll_seconds: float = 5.0  # SALESCOACH_LEADER_POLL_SECONDS: how often replicas contend for the scheduler
    import_max_rows: int = 1_000_000  # SALESCOACH_IMPORT_MAX_ROWS: rows of data one import file may hold

    oauth: OAuthApp | None = None  # SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: installs in several workspaces
    # SALESCOACH_ROSTER_WORKSPACES: workspaces (T…) or Grid orgs (E…) that may link roster people to their Slack
    # users; empty: the first installed workspace (OAuth), or the bot token's own workspace
    roster_workspaces: tuple[str, ...] = ()

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
            complaint_hours=_whole("SALESCOACH_COMPLAINT_HOURS", values.get("SALESCOACH_COMPLAINT_HOURS"), 1, 45, 4),
            slack_timeout=_seconds("SALESCOACH_SLACK_TIMEOUT", values.get("SALESCOACH_SLACK_TIMEOUT"),
                                   0.05, 300.0, 15.0),
            delivery_workers=_whole("SALESCOACH_DELIVERY_WORKERS", values.get("SALESCOACH_DELIVERY_WORKERS"),
                                    1, 32, 4),
            delivery_lease=_seconds("SALESCOACH_DELIVERY_LEASE", values.get("SALESCOACH_DELIVERY_LEASE"),
                                    1.0, 3600.0, 120.0),
            slack_pace=_paces(values.get("SALESCOACH_SLACK_PACE")),
            leader_poll_seconds=_seconds("SALESCOACH_LEADER_POLL_SECONDS",
                                         values.get("SALESCOACH_LEADER_POLL_SECONDS"), 0.1, 300.0, 5.0),
            import_max_rows=_whole("SALESCOACH_IMPORT_MAX_ROWS", values.get("SALESCOACH_IMPORT_MAX_ROWS"), 1,
                                   100_000_000, 1_000_000),
            oauth=_oauth(values),
            roster_workspaces=_workspace_ids("SALESCOACH_ROSTER_WORKSPACES",
                                             values.get("SALESCOACH_ROSTER_WORKSPACES")),
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


def debug_requested() -> bool:
    """LOG_LEVEL=DEBUG, read before (or without) the rest of the settings: tracebacks are shown only then."""
    return os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"


def slack_api_url_given() -> str:
    """Where Slack is, for a one-line error raised before the settings could be read."""
    return os.environ.get("SLACK_API_URL") or DEFAULT_API_URL
