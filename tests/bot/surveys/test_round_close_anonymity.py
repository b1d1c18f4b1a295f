"""After a round closes, whoever holds the whole database or the logs cannot link a rep to an answer: not by a
key, not by the order of rows or ids, not by a time; and two reps who swap answers leave the same traces."""

import hashlib
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import eventually
from round_play import OPENED, bot_on, captured_logs, click, close, dump, open_round, play, tokens, xmins

from storage.models import Answer

pytestmark = pytest.mark.both_databases  # what a dump of either database holds after close

ANSWERS = {"UREP0": (9, 2), "UREP1": (3, 5), "UREP2": (10, 4), "UREP3": (0, 1), "UREP4": (7, 3), "UREP5": (5, 5)}
ORDER = ["UREP4", "UREP1", "UREP5", "UREP0", "UREP3", "UREP2"]  # clicks in an order unlike the values'


def _identifiers(bot, user):
    from storage.models import Person

    with bot.services.sessions.begin() as s:
        person = s.query(Person).filter_by(slack_id=user).one()
        return {user, person.email, person.name, bot.slack.dm_channel_id(user)}, person.id


def _old_style_hashes(values):
    enps, manager = values
    states = [{"enps": enps}, {"enps": enps, "manager": manager}]
    return {hashlib.sha256(repr(sorted(s.items())).encode()).hexdigest()[:12] for s in states}


def test_after_close_no_key_row_order_or_time_in_the_database_or_logs_links_a_rep_to_an_answer(running_bot):
    bot = running_bot
    url = str(bot.services.engine.url.render_as_string(hide_password=False))
    with captured_logs(bot) as logs:
        survey_id = open_round(bot)
        click_times = play(bot, ANSWERS, ORDER)
        changed_at = OPENED + timedelta(minutes=40)
        click(bot, "UREP2", "manager:1", changed_at)  # a change of mind, later than everyone else
        click_times.append(changed_at)
        open_tokens = tokens(bot)
        assert len(open_tokens) == 6
        close(bot, survey_id)
    database, log = dump(url), logs.getvalue()
    everything = [(table, row) for table, rows in database.items() for row in rows]
    answered = dict(ANSWERS, UREP2=(10, 1))

    for user, values in answered.items():  # by key or content: nothing names a rep beside their answers
        names, person_id = _identifiers(bot, user)
        derived = {open_tokens[user], *_old_style_hashes(values)}
        for table, row in everything:
            cells = " ".join(str(c) for c in row)
            assert not any(d in cells for d in derived), f"{table} keeps {user}'s token or answer hash: {row}"
        for line in log.splitlines():
            if any(n in line for n in names) or f":{person_id}:" in line:
                assert not any(d in line for d in derived), f"log links {user} to their answers: {line}"
    assert not any(t in log for t in open_tokens.values())

    rows = database["survey_answer"]  # by order: rows and ids sorted by question and value, not by click
    columns = [c.key for c in Answer.__table__.columns]
    q, v, i = columns.index("question_id"), columns.index("value"), columns.index("id")
    in_storage = [(r[q], r[v]) for r in rows]
    if bot.services.engine.dialect.name == "sqlite":  # PostgreSQL places rows by free space, never by answer order
        assert in_storage == sorted(in_storage)
    assert [(r[q], r[v]) for r in sorted(rows, key=lambda r: r[i])] == sorted(in_storage)
    assert sorted(in_storage) == sorted([("enps", e) for e, _ in answered.values()]
                                        + [("manager", m) for _, m in answered.values()])
    labels = {r[columns.index("respondent")] for r in rows}
    assert not labels & set(open_tokens.values())

    for table, row in everything:  # by time: no row keeps the moment of any click
        for cell in row:
            if isinstance(cell, datetime):
                naive = cell.replace(tzinfo=None)
                assert naive not in {t.replace(tzinfo=None) for t in click_times}, f"{table} keeps a click time"
            elif isinstance(cell, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d.*", cell):
                stamp = datetime.fromisoformat(cell).replace(tzinfo=None)
                assert stamp not in {t.replace(tzinfo=None) for t in click_times}, f"{table} keeps a click time"
    assert all(r[columns.index("action_ts")] is None for r in rows)
    if bot.services.engine.dialect.name == "postgresql":  # the transactions that wrote the rows: one, the close's
        assert len(xmins(url, "survey_answer")) == 1
        assert len(xmins(url, "survey_recipient")) == 1


def test_an_old_backup_no_longer_matches_the_closed_round_even_on_disk(running_bot):
    """SQLite: deleted tokens are zeroed in the file (secure_delete), not left in free pages or the WAL: neither in
    a copy of the files taken while the bot runs, right after the close, nor once the bot has stopped."""
    bot = running_bot
    if bot.services.engine.dialect.name != "sqlite":
        pytest.skip("reads the SQLite file's bytes")
    survey_id = open_round(bot)
    play(bot, {u: ANSWERS[u] for u in ORDER[:3]}, ORDER[:3])
    open_tokens = tokens(bot)
    close(bot, survey_id)
    path = bot.services.engine.url.database
    files = [Path(path), Path(path + "-wal"), Path(path + "-journal")]

    def on_disk() -> bytes:
        return b"".join(f.read_bytes() for f in files if f.exists())

    running = on_disk()  # what a file-level backup of the running bot holds (threads may still be writing)
    bot.services.engine.dispose()  # when no other connection is open, the last one checkpoints the WAL
    stopped = on_disk()
    for user, token in open_tokens.items():
        assert token.encode() not in running, f"{user}'s open-round token is still on disk while the bot runs"
        assert token.encode() not in stopped, f"{user}'s open-round token is still in the database file"


def _normalised(database, log):
    """What may differ between two runs: Slack's message timestamps and real-clock times; and, outside the survey
    tables, the physical order in which concurrent delivery threads updated rows (so those are sorted by id)."""
    volatile = re.compile(rb"\d{10}\.\d{6}|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?")
    rows = {table: [tuple(volatile.sub(b"<ts>", str(c).encode()) for c in row)
                    for row in (table_rows if table.startswith("survey") else sorted(table_rows, key=str))]
            for table, table_rows in database.items()}
    timing = re.compile(rb"\(\d+ millis\)|\d+(\.\d+)? ?(ms|s)\b")
    lines = sorted(timing.sub(b"<took>", volatile.sub(b"<ts>", line.encode())) for line in log.splitlines()
                   if not line.startswith(("DEBUG matplotlib", "DEBUG PIL")))  # font caches: once a process
    return rows, lines


def test_two_reps_swapping_answers_leave_the_same_database_and_logs_behind(migrated_database_url, clock, tmp_path,
                                                                         migrated_sqlite, _migrated_postgres):
    """The same round twice, every click at the same injected time; only UREP0 and UREP1 swap their answers."""
    from bot.slack_double import SlackDouble

    swapped = dict(ANSWERS, UREP0=ANSWERS["UREP1"], UREP1=ANSWERS["UREP0"])
    seen = []
    for run, answers in enumerate((ANSWERS, swapped)):
        url = migrated_database_url
        if url.startswith("sqlite"):
            if run == 1:
                shutil.copyfile(migrated_sqlite, tmp_path / "second.db")
                url = f"sqlite:///{tmp_path}/second.db"
        else:  # each run on a new schema: an emptied one keeps earlier tests' dead rows, and where new rows land
            schema = _migrated_postgres["test"]  # in the heap would differ for that reason alone
            schema.drop()
            schema.create()
            url = schema.url
        with SlackDouble() as slack, bot_on(url, slack, type(clock)(clock.now)) as bot, captured_logs(bot) as logs:
            survey_id = open_round(bot)
            play(bot, answers, ORDER)
            close(bot, survey_id)
            seen.append(_normalised(dump(url), logs.getvalue()))
    (first_db, first_log), (second_db, second_log) = seen
    for table in first_db:
        assert first_db[table] == second_db[table], f"{table} differs when two reps swap answers"
    assert first_log == second_log


def test_a_refused_edit_is_logged_without_who_changed_an_answer(running_bot):
    bot = running_bot
    open_round(bot)
    with bot.slack.workspace.lock:  # an admin deleted the survey DM: Slack refuses its edits
        dm = bot.slack.workspace.dm_channel("UREP0")
        dm_message = dm.messages.pop()
    with captured_logs(bot) as logs:
        bot.clock.now = OPENED + timedelta(minutes=5)
        assert bot.actor.click(None, "UREP0", dict(dm_message, channel=dm.id), "survey_answer:enps:9").status == 200
        assert eventually(lambda: "message_not_found" in logs.getvalue())
    _, person_id = _identifiers(bot, "UREP0")
    failed = [line for line in logs.getvalue().splitlines() if "message_not_found" in line]
    assert failed and all(f":{person_id}:" not in line and "UREP0" not in line for line in failed)
    assert any(re.search(r"outbox survey:\d+:edit failed", line) for line in failed)
