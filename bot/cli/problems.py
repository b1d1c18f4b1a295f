"""An operator's mistakes as one line each (what is wrong, where, what to do), never a traceback unless DEBUG.

`one_line` names the errors the outside world raises (Slack refusing the token or out of reach, files in the way);
anything else is reported as unexpected, with the hint to rerun under LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import logging
import socket
import urllib.error

from slack_sdk.errors import SlackApiError

TOKEN_REFUSALS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                  "no_permission", "missing_scope", "org_login_required", "team_access_not_granted"}


class OperatorError(Exception):
    """A command cannot go on as asked; the message is one line naming the thing and what to do."""

    def __init__(self, thing: str, problem: str) -> None:
        super().__init__(f"{thing}: {problem}")


SUFFIXES = {"export": ".xlsx", "person": ".json"}


def check_arguments(args: object) -> None:
    """Refuse, in one line, an --out that exists or has the wrong suffix and a --locale no catalog speaks."""
    from pathlib import Path

    from bot.i18n import SUPPORTED

    out, command = getattr(args, "out", None), getattr(args, "command", None)
    if out and command in SUFFIXES:
        path, suffix = Path(out), SUFFIXES[command]
        if path.suffix.lower() != suffix:
            raise OperatorError(f"--out {out}", f"expected a file name ending in {suffix}")
        if path.exists():
            raise OperatorError(f"--out {out}", "already exists; give a new file name or move the old file away")
    if out and command == "demo" and Path(out).exists() and not Path(out).is_dir():
        raise OperatorError(f"--out {out}", "is a file; give a folder for the demo's transcript")
    locale = getattr(args, "locale", None)
    if locale and locale.replace("_", "-").split("-")[0].lower() not in SUPPORTED:
        raise OperatorError(f"--locale {locale}", f"expected one of {', '.join(SUPPORTED)} (e.g. ms-MY)")


def slack_refusal(error: SlackApiError, *, token_name: str = "SLACK_BOT_TOKEN") -> str:
    code = error.response.get("error", "unknown") if error.response is not None else "unknown"
    if code in TOKEN_REFUSALS:
        return (f"{token_name}: Slack refused the token ({code}); copy it again from your Slack app's settings "
                "(OAuth & Permissions for xoxb-, Basic Information > App-Level Tokens for xapp-)")
    return f"Slack answered {code}; see https://api.slack.com/methods for what it means"


def unreachable(api_url: str, exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return (f"SLACK_API_URL: cannot reach Slack at {api_url} ({reason}); check the network, a proxy, or "
            "SLACK_API_URL")


def one_line(exc: BaseException, *, api_url: str) -> str | None:
    """The line for a mistake an operator can fix, or None when `exc` is a fault of ours."""
    if isinstance(exc, OperatorError):
        return str(exc)
    if isinstance(exc, SlackApiError):
        return slack_refusal(exc)
    if isinstance(exc, urllib.error.URLError | ConnectionError | socket.timeout | TimeoutError):
        return unreachable(api_url, exc)
    if isinstance(exc, FileExistsError | FileNotFoundError | IsADirectoryError | NotADirectoryError
                   | PermissionError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or type(exc).__name__}"
    return None


def unexpected(exc: BaseException) -> str:
    return (f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}; "
            "rerun with LOG_LEVEL=DEBUG for the details, and please report it")


class NoTracebacks(logging.Formatter):
    """A log line never carries a traceback unless the root logger is at DEBUG: the exception's type is appended
    instead (never its text, which may hold SQL parameters)."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and logging.getLogger().level > logging.DEBUG:
            kind = record.exc_info[0]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
            return f"{super().format(record)} ({kind.__name__ if kind else 'error'}; LOG_LEVEL=DEBUG shows where)"
        return super().format(record)


class OperatorNoise(logging.Filter):
    """bolt warns that the token is unused when it finds SLACK_BOT_TOKEN beside the client we give it (which
    carries that same token); the warning says nothing to an operator. Below DEBUG, slack_sdk's own line for a
    failed call is dropped too: our one line reports it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "slack_sdk.web.base_client" and logging.getLogger().level > logging.DEBUG:
            return False
        return "will be unused" not in record.getMessage()
