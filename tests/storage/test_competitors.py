"""The competitor list: added once ignoring case and spaces, listed by name, removed by name; bad names refused in
one line; and the CLI over it."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from storage.competitors import (
    CompetitorError,
    add_competitor,
    competitor,
    competitors,
    find_competitor,
    remove_competitor,
)
from storage.db import make_engine, make_sessions


def test_a_competitor_is_listed_once_whatever_its_case_and_removed_by_name(migrated_database_url):
    engine = make_engine(migrated_database_url)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        acme, added = add_competitor(session, "  Acme   CRM ")
        assert (acme.name, added) == ("Acme CRM", True)
        assert add_competitor(session, "acme crm") == (acme, False)
        add_competitor(session, "Bolt")
    with sessions.begin() as session:
        assert [c.name for c in competitors(session)] == ["Acme CRM", "Bolt"]
        assert competitor(session, acme.id) == acme and find_competitor(session, "ACME crm") == acme
        assert remove_competitor(session, "ACME CRM") == acme
        assert competitor(session, acme.id) is None
        with pytest.raises(CompetitorError, match="not on the competitor list"):
            remove_competitor(session, "Acme CRM")
    engine.dispose()


@pytest.mark.parametrize("name,says", [("   ", "must not be empty"), ("x" * 81, "at most 80 characters"),
                                       ("Acme\u202e", "control characters")])
def test_a_bad_name_is_refused_in_one_line(name, says):
    with pytest.raises(CompetitorError, match=says):
        add_competitor(None, name)  # type: ignore[arg-type]  # refused before the database is asked


def test_the_competitor_cli_adds_lists_and_removes(cli_database, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli-test")
    assert main(["competitor", "add", "Acme"]) == 0 and main(["competitor", "add", "ACME"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Acme: added", "Acme: already on the list"]
    assert main(["competitor", "list"]) == 0 and capsys.readouterr().out == "Acme\n"
    assert main(["competitor", "remove", "Nobody"]) == 1
    assert capsys.readouterr().err.strip() == ("salescoach: 'Nobody' is not on the competitor list; see "
                                               "`salescoach competitor list`")
    assert main(["competitor", "remove", "acme"]) == 0 and capsys.readouterr().out == "Acme: removed\n"
