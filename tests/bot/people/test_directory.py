"""The roster meets Slack: people matched over HTTP to a loopback Slack, and profile events kept current."""

from __future__ import annotations

import csv
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from sqlalchemy import select

from bot.bootstrap import Services, bootstrap
from bot.people.directory import DirectoryError, import_roster, match_people, sync_profile
from bot.people.listeners import PeopleListeners
from bot.runtime.pacing import make_client
from bot.settings import Settings
from bot.slack_double import SlackDouble, sign
from bot.slack_double.payloads import event_callback
from storage.identity import Origin
from storage.models import ImportRun, Person
from storage.roster import RosterErrors, parse_roster

TOKEN = "xoxb-test-token"
HERE = Origin("T0DOUBLE01", roster=frozenset({"T0DOUBLE01"}))  # the double's team: the bot token's workspace
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HEADER = ["email", "name", "team", "manager_email", "role", "slack_id", "timezone", "locale"]
ROSTER = [
    ["maria@example.com", "Maria Manager", "Hunters", "", "manager", "UMARIA", "", ""],
    ["ana@example.com", "Ana Rep", "Hunters", "maria@example.com", "rep", "", "", ""],
    ["li@example.com", "Li Rep", "Hunters", "maria@example.com", "rep", "", "Asia/Shanghai", ""],
    ["ghost@example.com", "Gus Ghost", "Hunters", "maria@example.com", "rep", "", "", ""],
]


@pytest.fixture
def double():
    with SlackDouble(bot_token=TOKEN) as running:
        running.add_user("maria", id="UMARIA", email="maria@example.com", tz="Europe/Vilnius", locale="lt-LT")
        running.add_user("ana", id="UANA", email="Ana@Example.com", tz="Asia/Kuala_Lumpur", locale="ms-MY")
        running.add_user("li", id="ULI", email="li@example.com", tz="America/Los_Angeles", locale="zh-CN")
        yield running


def make_services(tmp_path: Path, double: SlackDouble, token: str | None = TOKEN) -> Services:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/directory.db", slack_api_url=double.api_url,
                        slack_bot_token=token)
    return bootstrap(settings, clock=lambda: NOW, client=make_client(token=TOKEN, base_url=double.api_url))


@pytest.fixture
def services(tmp_path, double):
    built = make_services(tmp_path, double)
    yield built
    built.close()


@pytest.fixture
def roster(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_roster(Path("roster.csv"), ROSTER)


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def stored(services: Services) -> dict[str, Person]:
    with services.sessions.begin() as session:
        return {p.email: p for p in session.scalars(select(Person))}


def user_calls(double: SlackDouble) -> list[tuple[str, str]]:
    return [(c.method, c.params.get("email") or c.params.get("user") or "") for c in double.calls
            if c.method.startswith("users.")]


def deliver_event(services: Services, double: SlackDouble, event: dict[str, Any]) -> None:
    """Dispatch a signed Events API request through bolt, as Slack would send it, and wait for the listener."""
    app = App(client=services.client, signing_secret=double.signing_secret, token_verification_enabled=False,
              process_before_response=True)
    PeopleListeners(services).register(app)
    body = json.dumps(event_callback(double.workspace, event))
    ts = str(int(time.time()))
    response = app.dispatch(BoltRequest(body=body, headers={
        "content-type": ["application/json"], "x-slack-request-timestamp": [ts],
        "x-slack-signature": [sign(double.signing_secret, ts, body.encode())]}))
    assert response.status == 200


# ---- importing -----------------------------------------------------------------------------------------

def test_people_are_matched_by_email_and_take_tz_and_locale_from_slack(services, double, roster):
    report = import_roster(services, roster)
    people = stored(services)
    assert {e: (p.slack_id, p.tz, p.locale) for e, p in people.items()} == {
        "maria@example.com": ("UMARIA", "Europe/Vilnius", "lt-LT"),
        "ana@example.com": ("UANA", "Asia/Kuala_Lumpur", "ms-MY"),
        "li@example.com": ("ULI", "Asia/Shanghai", "zh-CN"),  # the file's time zone wins for Li
        "ghost@example.com": (None, "UTC", "en")}
    assert user_calls(double) == [
        ("users.info", "UMARIA"), ("users.lookupByEmail", "ana@example.com"), ("users.info", "UANA"),
        ("users.lookupByEmail", "li@example.com"), ("users.info", "ULI"),
        ("users.lookupByEmail", "ghost@example.com")]  # Maria's row names her id: no email look-up
    assert all(c.params.get("include_locale") in (True, "true", "1", 1) for c in double.calls_to("users.info"))
    assert report.slack == "3 of 4 matched" and report.summary.created == 4


def test_someone_not_in_slack_is_a_warning_not_an_error(services, double, roster):
    report = import_roster(services, roster)
    warning = "roster.csv:5: no Slack user with email ghost@example.com; they get no messages until matched"
    assert report.warnings == [warning]
    assert str(report).splitlines() == [warning, "roster.csv: 4 people: 4 created, 0 updated, 0 unchanged, "
                                        "0 deactivated, 1 new teams; Slack: 3 of 4 matched"]
    assert stored(services)["ghost@example.com"].active
    with services.sessions.begin() as session:
        assert session.scalars(select(ImportRun.errors)).one() == [warning]


def test_bad_rows_are_all_reported_and_nothing_is_written(services, double, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = [list(row) for row in ROSTER]
    bad[1][4], bad[2][7], bad[3][3] = "boss", "klingon", "nobody@example.com"
    with pytest.raises(RosterErrors) as caught:
        import_roster(services, write_roster(Path("roster.csv"), bad))
    assert [line.split(": ")[0] for line in caught.value.errors] == ["roster.csv:3:E", "roster.csv:4:H",
                                                                     "roster.csv:5:D"]
    assert stored(services) == {} and user_calls(double) == []  # validated before Slack was asked
    with services.sessions.begin() as session:
        assert session.scalars(select(ImportRun)).all() == []


def test_reimporting_the_same_roster_changes_nothing(services, double, roster):
    import_roster(services, roster)
    double.clear_calls()
    again = import_roster(services, roster)
    s = again.summary
    assert (s.created, s.updated, s.unchanged, s.deactivated, s.teams_created) == (0, 0, 4, 0, 0)
    # stored Slack ids are reused: only the unmatched person is looked up by email again
    assert [m for m, _ in user_calls(double)].count("users.lookupByEmail") == 1


def test_a_deactivated_slack_account_imports_inactive(services, double, roster):
    import_roster(services, roster)
    double.set_user("UANA", deleted=True)
    report = import_roster(services, roster)
    assert report.summary.updated == 1 and stored(services)["ana@example.com"].active is False


def test_offline_or_tokenless_imports_ask_slack_nothing(tmp_path, double, roster):
    tokenless = make_services(tmp_path, double, token=None)
    try:
        assert import_roster(tokenless, roster).slack == "not asked (SLACK_BOT_TOKEN is not set)"
        assert import_roster(tokenless, roster, offline=True).slack == "not asked (--offline)"
        assert stored(tokenless)["ana@example.com"].slack_id is None
    finally:
        tokenless.close()
    assert user_calls(double) == []


def test_a_large_roster_is_matched_from_one_paged_users_list(services, double, roster):
    rows = parse_roster(roster)
    matches = match_people(services.client, rows, list_over=2)
    assert sorted(matches) == ["ana@example.com", "li@example.com", "maria@example.com"]
    assert matches["ana@example.com"].locale == "ms-MY" and len(matches.warnings) == 1
    assert {m for m, _ in user_calls(double)} == {"users.list"}  # Maria's id was already in the list


def test_a_slack_error_other_than_not_found_stops_the_import_with_one_line(services, double, roster):
    double.fail_next("users.lookupByEmail", status=200, error="missing_scope")
    with pytest.raises(DirectoryError) as caught:
        import_roster(services, roster)
    assert caught.value.errors == ["Slack users.lookupByEmail failed: missing_scope; expected a bot token with the "
                                   "users:read and users:read.email scopes (or import with --offline)"]
    assert stored(services) == {}


# ---- Slack events ---------------------------------------------------------------------------------------

def test_user_change_updates_tz_and_locale(services, double, roster):
    import_roster(services, roster)
    double.set_user("UANA", tz="Asia/Tokyo", locale="ja-JP")
    deliver_event(services, double, {"type": "user_change", "user": double.user("UANA")})
    ana = stored(services)["ana@example.com"]
    assert (ana.tz, ana.locale, ana.active) == ("Asia/Tokyo", "ja-JP", True)


def test_user_change_without_a_locale_keeps_the_stored_one(services, double, roster):
    import_roster(services, roster)
    user = double.set_user("UANA", tz="Europe/London")
    del user["locale"]
    assert sync_profile(services, user, origin=HERE) == "updated"
    ana = stored(services)["ana@example.com"]
    assert (ana.tz, ana.locale) == ("Europe/London", "ms-MY")


def test_deactivated_user_is_marked_inactive(services, double, roster):
    import_roster(services, roster)
    double.set_user("ULI", deleted=True)
    deliver_event(services, double, {"type": "user_change", "user": double.user("ULI")})
    assert stored(services)["li@example.com"].active is False


def test_team_join_links_a_rostered_person_by_email(services, double, roster):
    import_roster(services, roster)
    double.add_user("gus", id="UGHOST", email="ghost@example.com", tz="Asia/Tehran", locale="fa-IR")
    deliver_event(services, double, {"type": "team_join", "user": double.user("UGHOST")})
    ghost = stored(services)["ghost@example.com"]
    assert (ghost.slack_id, ghost.tz, ghost.locale) == ("UGHOST", "Asia/Tehran", "fa-IR")


def test_team_join_of_someone_not_in_the_roster_stores_nothing(services, double, roster):
    import_roster(services, roster)
    before = {e: (p.slack_id, p.tz, p.locale, p.active) for e, p in stored(services).items()}
    double.add_user("stranger", id="USTRANGER", email="stranger@example.com")
    deliver_event(services, double, {"type": "team_join", "user": double.user("USTRANGER")})
    assert sync_profile(services, double.user("USTRANGER"), origin=HERE) == "unknown"
    assert {e: (p.slack_id, p.tz, p.locale, p.active) for e, p in stored(services).items()} == before
