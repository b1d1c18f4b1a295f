"""Every slash command in app_manifest.yml against hostile text, as real signed requests over HTTP: each is acked
with a 200, no traceback reaches a message or the log (captured at DEBUG), and the bot keeps serving."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from conftest import eventually
from sqlalchemy import func, select

from bot import ids
from bot.slack_double import payloads
from storage.recognition.models import Kudos

pytestmark = pytest.mark.both_databases  # hostile text (NUL, long, control characters) stored by each engine

MANIFEST = Path(__file__).parents[2] / "app_manifest.yml"
LONG_MENTIONS = " ".join(f"<@UREP{i % 6}|rep{i % 6}>" for i in range(400))
HOSTILE = [
    "", " ", "   \t  ", "a" * 5000, "\u202eevil\u202c reversed", "\u202e<@UREP1|rep1>\u202c weekly tue 10:00",
    "<@UNOBODY1|x>", "<@UNOBODY1|x> <@UNOBODY2|y> thanks", "<@W0000|> weekly tue 09:00", "<@U|x>", "<@>",
    "'; DROP TABLE people; --", "1 OR 1=1", "\" OR \"\"=\"", "%s", "%(name)s %d", "{0}", "{}", "{name}",
    "{{7*7}}", "${7*7}", "\x00", "a\x00b", "\x01\x02\x1b[31mred", "\r\n\r\n", "🎉🔥 <@UREP1|rep1> 🚀", "۱۲۳۴",
    "<@UREP1|rep1> weekly tue ۱۰:۰۰", "action <@UREP1|rep1> ۲۰۲۶-۱۲-۰۴ send it", "add", "action", "history",
    "help", "list", "results <!channel>", "close 99999999999999999999999", "pause -1", "resume ٣", "close ²",
    "<!channel> <!here> <!everyone>", "<!subteam^S0001|@sales> hi", "<http://evil.example|click>",
    "<#C0001|general>", "me", "this quarter", "2017-Q9", "@UREP1 0000-00-00", "<@UREP1|rep1> yearly feb 25:99",
    "action <@UREP1|rep1> 2026-02-30 x", "action <@UREP1|rep1> me", LONG_MENTIONS, LONG_MENTIONS + " #grit great",
    "<@UREP1|rep1> #" + "x" * 300 + " thanks", "xx-YY", "../../etc/passwd", "<script>alert(1)</script>", "\\",
    "`", "null", "NaN", "1e309", "-0",
]
# Text that is not valid UTF-8 once percent-decoded (a lone surrogate, stray bytes, an overlong NUL); raw invalid
# bytes in a body are a malformed request, not a command's text
BROKEN_TEXTS = [b"%ED%A0%80", b"%FF%FE%FD", b"ok%C3", b"%C0%AF%00"]
USERS = ("UMGR", "UREP1", "UNOBODY")  # a manager, a rep, and someone not in the roster
# Hostile text inside requests that are otherwise valid, from the manager of UREP1 and UREP2 (whose one-on-one with
# UREP1 exists), so that it reaches parsing, storage and rendering, not only the first refusal
SHAPED = [
    "<@UREP2|rep2> thanks a\x00b", "<@UREP2|rep2> \u202ethanks\u202c {0} %s {{7*7}} '; DROP TABLE kudos; --",
    "<@UREP2|rep2> " + "x" * 5000, "<@UREP2|rep2> #" + "\x00" * 3 + " thanks", "add <@UREP1|rep1> a\x00b",
    "add <@UREP1|rep1> " + "y" * 5000, "action <@UREP1|rep1> 2026-12-04 \x00\x1b[0m", "action <@UREP1|rep1> me "
    "9999-12-31 far", "<@UREP1|rep1> weekly tue 10:00\x00", "<@UREP1|rep1>", "Hunters\x00", "<@UREP1|rep1> "
    "this quarter", "<@UREP1|rep1> 2017-Q3 extra", "fa\x00", "Acme\x00 & <Globex>",
]


def _commands() -> list[str]:
    manifest = yaml.safe_load(MANIFEST.read_text())
    return [c["command"] for c in manifest["features"]["slash_commands"]]


def _raw_slash(bot, command: str, user: str, text: bytes):
    """A slash command whose text is the given bytes as they stand in the form body, signed as Slack signs."""
    channel = bot.slack.dm_channel_id(user)
    fields = payloads.slash_command(bot.slack.workspace, command=command, text="", user_id=user,
                                    channel_id=channel, response_url=bot.slack.issue_response_url(channel, user),
                                    trigger_id=bot.actor.trigger_id(user))
    body = urlencode(fields).encode().replace(b"&text=&", b"&text=" + text + b"&")
    return bot.actor.post(None, body, "application/x-www-form-urlencoded")


def test_every_slash_command_answers_hostile_text_with_a_200_and_no_traceback(running_bot, caplog):
    bot = running_bot
    # threads an earlier test left behind (a queued answer still delivering to its closed double) are not ours;
    # this bot's own server threads (waitress) and everything started from here on are
    earlier = {t.ident for t in threading.enumerate()
               if t is not threading.main_thread() and not t.name.startswith("waitress")}
    bot.slack.add_user("nobody", id="UNOBODY", email="nobody@example.com", real_name="No Body")
    commands = _commands()
    assert len(commands) == 9
    assert bot.actor.slash_command(None, "/oneonone", "<@UREP1|rep1> weekly tue 10:00", user_id="UMGR").status == 200
    # PostgreSQL gets what can reach its storage differently: the valid-shaped requests (SHAPED), bytes that are not
    # UTF-8, control characters, and long text (a 300-character tag, 400 mentions); the rest, short printable text,
    # is parsed and answered alike on both and runs on SQLite only
    everything = bot.services.engine.dialect.name == "sqlite"
    hostile = [t for t in HOSTILE if everything or len(t) > 200 or any(ord(ch) < 32 for ch in t)]
    jobs = [(c, USERS[i % len(USERS)], text) for c in commands for i, text in enumerate(hostile)]
    jobs += [(c, "UMGR", text) for c in commands for text in SHAPED]
    raw_jobs = [(c, USERS[i % len(USERS)], text) for c in commands for i, text in enumerate(BROKEN_TEXTS)]
    assert len(HOSTILE) + len(BROKEN_TEXTS) >= 40
    with caplog.at_level(logging.DEBUG):
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda j: bot.actor.slash_command(None, j[0], j[2], user_id=j[1]), jobs))
            answers += list(pool.map(lambda j: _raw_slash(bot, *j), raw_jobs))
        refused = [(j[0], j[1], j[2][:40], a.status) for j, a in zip(jobs + raw_jobs, answers, strict=True)
                   if a.status != 200]
        assert refused == [], refused
        said = {(j[0], j[1], j[2]): a.text for j, a in zip(jobs, answers[:len(jobs)], strict=True)}
        assert json.loads(said[("/kudos", "UMGR", "<@UREP2|rep2> thanks a\x00b")]) == {
            "text": "Remove the control characters (such as NUL) from your text and try again."}
        assert not everything or said[("/pulse", "UNOBODY", "close 99999999999999999999999")] == (
            "Say which survey: /pulse close ID (see /pulse list).")  # bolt answers a text-only ack as plain text
        # the process keeps serving: a normal command still gets its answer
        before = len(bot.slack.response_posts)
        assert bot.actor.slash_command(None, "/kudos", "help", user_id="UREP1").status == 200
        assert eventually(lambda: any("/kudos @person" in json.dumps(p["body"])
                                      for p in bot.slack.response_posts[before:]))
        bot.app.listener_runner.listener_executor.shutdown(wait=True)  # every listener's work after its ack
    sent = json.dumps([c.params for c in bot.slack.calls] + [p["body"] for p in bot.slack.response_posts]
                      + [a.text for a in answers if a.body], ensure_ascii=False)
    assert "Traceback" not in sent and "Traceback" not in caplog.text
    assert [m for m in ("<!channel", "<!here", "<!everyone", "<!subteam", "<http") if m in sent] == []  # echoes
    failed = [r.getMessage() for r in caplog.records
              if (r.levelno >= logging.ERROR or r.exc_info) and r.thread not in earlier]
    assert failed == [], failed


def test_a_modal_field_with_a_control_character_is_refused_on_that_field_and_nothing_is_recorded(running_bot):
    bot = running_bot
    assert bot.actor.slash_command(None, "/kudos", "", user_id="UREP4").status == 200
    view = eventually(lambda: next((v for v in bot.slack.open_views.values() if v["callback_id"] == ids.VIEW_KUDOS),
                                   None))
    answer = bot.actor.submit_view(None, view["id"], {"receivers": ["UREP5"], "message": "great\x00 work"},
                                   user_id="UREP4")
    assert answer.status == 200 and answer.json() == {"response_action": "errors", "errors": {
        "message": "Remove the control characters (such as NUL) from your text and try again."}}
    bot.deliver()
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Kudos)) == 0
    assert bot.slack.messages("UREP5") == []
