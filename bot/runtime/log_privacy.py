"""Log redaction for the whole process: Slack tokens and configured secrets never reach a log line, and the
debug output of libraries that log request bodies or SQL parameters (answers, comments) is withheld."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

# xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe- (and rotated xoxe.xoxp-), xapp- tokens
TOKEN = re.compile(r"\b(?:xox[a-z](?:\.xox[a-z])?|xapp)-[0-9A-Za-z-]+")
# the SQL parameters SQLAlchemy puts in its exception texts
SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
# loggers whose records below WARNING may carry message bodies or SQL parameters, i.e. answers and comments
PAYLOAD_LOGGERS = ("slack_bolt", "slack_sdk", "sqlalchemy.engine", "sqlalchemy.pool", "urllib3")
PAYLOAD_PACKAGES = ("slack_bolt", "slack_sdk", "urllib3")
WITHHELD = "[withheld: may carry message content]"
REDACTED = "[redacted]"


class RedactingFilter(logging.Filter):
    """Rewrites each record in place: token patterns and the given secrets become [redacted] in the message,
    its arguments and the exception text; payload loggers' records below WARNING keep only their first words."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return SQL_PARAMETERS.sub("[parameters: " + REDACTED + "]", TOKEN.sub(REDACTED, text))

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_salescoach_redacted", False):
            return True
        if record.levelno < logging.WARNING and _carries_payloads(record) and (
                record.args or not record.name.startswith("sqlalchemy")):  # SQL itself is kept, never parameters
            template = str(record.msg)
            head = template.split("%", 1)[0].split("{", 1)[0].split(":", 1)[0][:60].strip()
            record.msg, record.args = f"{head} {WITHHELD}".strip(), None
        else:
            try:
                message = record.getMessage()
            except Exception:  # a malformed call: keep its template only, never its arguments
                message = str(record.msg)
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        record._salescoach_redacted = True
        return True


def _carries_payloads(record: logging.LogRecord) -> bool:
    """From a payload logger, or from library code logging through ours (bolt logs through the app's logger)."""
    name = record.name
    if any(name == p or name.startswith(p + ".") for p in PAYLOAD_LOGGERS):
        return True
    path = record.pathname.replace("\\", "/")
    return any(f"/{package}/" in path for package in PAYLOAD_PACKAGES)


_installed: RedactingFilter | None = None
_base_factory: Callable[..., logging.LogRecord] | None = None


def install(secrets: Iterable[str | None] = ()) -> RedactingFilter:
    """Redact every record this process makes, whatever handler (added now or later) writes it.

    Works through the log record factory, so records are clean before any handler or filter sees them;
    installing again replaces the secrets, never stacks a second filter.
    """
    global _installed, _base_factory
    current = logging.getLogRecordFactory()
    if _base_factory is None or getattr(current, "_salescoach", False) is False:
        _base_factory = current
    base = _base_factory
    redactor = RedactingFilter(secrets)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        redactor.filter(record)
        return record

    factory._salescoach = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    _installed = redactor
    return redactor


def secrets_of(settings: Any) -> list[str | None]:
    """The secrets a Settings holds: bot and app tokens, the signing and CRM webhook secrets, and with OAuth the
    client secret and the keys that seal stored tokens."""
    found: list[str | None] = [getattr(settings, name, None) for name in
                               ("slack_bot_token", "slack_app_token", "slack_signing_secret", "webhook_secret")]
    oauth = getattr(settings, "oauth", None)
    if oauth is not None:
        found += [oauth.client_secret, *oauth.encryption_keys]
    return found
