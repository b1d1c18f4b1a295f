"""The roster meets Slack: match people to Slack users, import a roster file, keep profiles current."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.bootstrap import Services
from storage.identity import Origin
from storage.roster import (
    ImportSummary,
    RosterErrors,
    RosterRow,
    SlackProfile,
    apply_roster,
    apply_slack_profile,
    parse_roster,
    stored_people,
)
from storage.table_limits import Limits

log = logging.getLogger(__name__)
NOT_FOUND = ("users_not_found", "user_not_found")
# Beyond this many email look-ups, paging users.list (Tier 2, 200 a page) beats lookupByEmail (Tier 3) +
# users.info (Tier 4) for each person.
LIST_OVER = 50


class DirectoryError(RosterErrors):
    """Slack could not be asked at all (bad token, missing scope ...); nothing was imported."""


class Matches(dict[str, SlackProfile]):
    """Slack profiles by (lower-case) email, plus one warning line per person Slack does not know."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []


def profile_of(user: Mapping[str, Any]) -> SlackProfile:
    """A Slack `user` object (users.info, users.list, user_change, team_join) as a SlackProfile."""
    profile = user.get("profile") or {}
    expiration = int(profile.get("status_expiration") or 0)
    return SlackProfile(slack_id=str(user["id"]), tz=user.get("tz"), locale=user.get("locale"),
                        deleted=bool(user.get("deleted")),
                        real_name=str(user.get("real_name") or profile.get("real_name") or ""),
                        status_text=profile.get("status_text") or None,
                        status_emoji=profile.get("status_emoji") or None,
                        status_until=datetime.fromtimestamp(expiration, UTC) if expiration else None)


def match_people(client: WebClient, rows: Iterable[RosterRow], *, known_ids: Mapping[str, str] | None = None,
                 list_over: int = LIST_OVER) -> Matches:
    """Find each row's Slack user: by the file's slack_id, else the stored one, else by email; then read
    tz and locale with users.info(include_locale). Each user is asked for once per call."""
    rows = list(rows)
    known = known_ids or {}
    users: dict[str, dict[str, Any] | None] = {}
    directory: dict[str, dict[str, Any]] | None = None
    if sum(1 for row in rows if not (row.slack_id or known.get(row.email))) > list_over:
        directory = _all_users(client)
        users.update({user["id"]: user for user in directory.values()})

    def info(user_id: str) -> dict[str, Any] | None:
        if user_id not in users:
            users[user_id] = _ask("users.info", client.users_info, user=user_id, include_locale=True)
        return users[user_id]

    matches = Matches()
    for row in rows:
        if row.slack_id:
            user = info(row.slack_id)
            if user is None:
                matches.warnings.append(f"{row.place}: no Slack user with id {row.slack_id} ({row.email}); "
                                        "they get no messages until matched")
                continue
        else:
            stored = known.get(row.email)
            user = info(stored) if stored else None
            if user is None:
                found = directory.get(row.email) if directory is not None else \
                    _ask("users.lookupByEmail", client.users_lookupByEmail, email=row.email)
                user = info(found["id"]) if found else None
            if user is None:
                matches.warnings.append(f"{row.place}: no Slack user with email {row.email}; "
                                        "they get no messages until matched")
                continue
        matches[row.email] = profile_of(user)
    return matches


def _ask(method: str, call: Callable[..., SlackResponse], **params: Any) -> dict[str, Any] | None:
    """One users.* call: the user, or None when Slack does not know them; other errors stop the import."""
    try:
        response = call(**params)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown"))
        if error in NOT_FOUND:
            return None
        raise DirectoryError([f"Slack {method} failed: {error}; expected a bot token with the users:read and "
                              "users:read.email scopes (or import with --offline)"]) from None
    user: dict[str, Any] = response["user"]
    return user


def _all_users(client: WebClient) -> dict[str, dict[str, Any]]:
    """Every user with an email, by lower-case email, through users.list pages (locales included)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        for page in client.users_list(limit=200, include_locale=True):
            for user in page.get("members", []):
                email = str((user.get("profile") or {}).get("email") or "").lower()
                if email and not user.get("is_bot"):
                    found[email] = user
    except SlackApiError as exc:
        raise DirectoryError([f"Slack users.list failed: {exc.response.get('error', 'unknown')}; expected a bot "
                              "token with the users:read and users:read.email scopes (or import with --offline)"]
                             ) from None
    return found


@dataclass
class ImportReport:
    """What a roster import did, printable as the CLI's output (warnings first, then one summary line)."""

    file: str
    rows: int
    summary: ImportSummary
    slack: str
    matched: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def summary_line(self) -> str:
        s = self.summary
        return (f"{self.file}: {self.rows} people: {s.created} created, {s.updated} updated, {s.unchanged} "
                f"unchanged, {s.deactivated} deactivated, {s.teams_created} new teams; Slack: {self.slack}")

    def __str__(self) -> str:
        return "\n".join([*self.warnings, self.summary_line])


def import_roster(services: Services, path: str | Path, *, offline: bool = False,
                  deactivate_missing: bool = False) -> ImportReport:
    """Validate the file (RosterErrors, or ShapeError for a file beyond the limits; nothing written), match people
    in Slack, then write in one transaction."""
    with services.unit() as u:
        stored = stored_people(u.session)
    rows = parse_roster(path, stored=stored, limits=Limits(rows=services.settings.import_max_rows))
    matches = Matches()
    if offline:
        slack = "not asked (--offline)"
    elif not services.settings.slack_bot_token:
        slack = "not asked (SLACK_BOT_TOKEN is not set)"
    else:
        matches = match_people(services.client, rows,
                               known_ids={p.email: p.slack_id for p in stored if p.slack_id})
        slack = f"{len(matches)} of {len(rows)} matched"
    with services.unit() as u:
        summary = apply_roster(u.session, rows, now=u.now, slack_matches=matches,
                               deactivate_missing=deactivate_missing, filename=str(path), warnings=matches.warnings)
    return ImportReport(str(path), len(rows), summary, slack, len(matches), summary.warnings)


def sync_profile(services: Services, user: Mapping[str, Any], *, origin: Origin) -> str:
    """Apply a Slack user object (user_change, team_join) from `origin` to the stored person; returns "updated",
    "unchanged", "unknown" (not in the roster: nothing is stored) or "refused" (linked in another workspace)."""
    if not user.get("id") or user.get("is_bot"):
        return "unknown"
    email = (user.get("profile") or {}).get("email")
    with services.unit() as u:
        outcome = apply_slack_profile(u.session, profile_of(user), origin=origin, email=email)
    if outcome == "unknown":
        log.debug("Slack user %s is not in the roster; nothing stored", user["id"])
    elif outcome == "refused":
        log.info("a profile event from workspace %s for a user linked in another workspace changed nothing",
                 origin.team_id)
    return outcome
