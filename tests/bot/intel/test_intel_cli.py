"""`salescoach intel channel`: set (with the posts' language), cleared with none, and a bad id refused in one line
that says what is allowed."""

from __future__ import annotations

from sqlalchemy import create_engine

from bot.cli.main import main
from storage.db import make_sessions
from storage.intel import intel_channel


def test_the_intel_channel_is_set_cleared_and_a_bad_id_is_refused_in_one_line(cli_database, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli-test")
    assert main(["intel", "channel", "C0123ABCD", "--locale", "ms-MY"]) == 0
    assert capsys.readouterr().out == "intel goes to C0123ABCD (posts in ms)\n"
    assert main(["intel", "channel", "#sales-intel"]) == 1
    assert capsys.readouterr().err == ("salescoach: '#sales-intel' is not a Slack channel id; expected one like "
                                       "C0123ABCD, or none\n")
    engine = create_engine(cli_database)
    with make_sessions(engine).begin() as session:
        assert intel_channel(session) == ("C0123ABCD", "ms")
    assert main(["intel", "channel", "none"]) == 0
    assert capsys.readouterr().out == "intel is kept and rolled up, but posted nowhere\n"
    with make_sessions(engine).begin() as session:
        assert intel_channel(session) == (None, "ms")
    engine.dispose()
