"""Who may run what: every slash command (and the coaching export) as a rep, a manager, an admin and someone
not in the roster, over signed HTTP; each row says what must show and what must never show."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import eventually
from openpyxl import load_workbook

from bot.cli.main import main
from storage.crm.models import CrmDeal
from storage.models import Person, Team
from storage.recognition.models import Kudos, KudosReceiver
from surveys import closing, service

pytestmark = pytest.mark.both_databases  # who sees what, with each engine's queries

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # a Monday; /coach defaults to 2026-11
REP, MGR, ADMIN, STRANGER = "UREP4", "UMGR", "UADMIN", "USTRANGER"  # all read English
NOT_IN_ROSTER = "You are not in the roster yet"
MANAGERS_ONLY = "Survey results and controls are for managers and admins"
CLOSERS_ONLY = ("Cleo Closer", "Closers")
PRAISE_FOR_REP, PRAISE_BETWEEN_OTHERS = "R4-PRAISE for the demo", "R23-PRAISE for the renewal"


def _org(bot):
    """Hunters (Maria, reps 0-5, Ada the admin) and Closers (Clara and Cleo); deals, kudos, a closed round."""
    with bot.services.sessions.begin() as s:
        hunters = s.query(Team).filter_by(name="Hunters").one().id
        closers = Team(name="Closers", locale="en")
        s.add(closers)
        s.flush()
        ada = Person(email="ada@example.com", name="Ada Admin", team_id=hunters, role="admin", slack_id=ADMIN,
                     tz="Europe/London", locale="en-US", active=True)
        clara = Person(email="clara@example.com", name="Clara Closer", team_id=closers.id, role="manager",
                       slack_id="UMGR2", tz="Europe/London", locale="en-US", active=True)
        s.add_all([ada, clara])
        s.flush()
        s.add(Person(email="cleo@example.com", name="Cleo Closer", team_id=closers.id, manager_id=clara.id,
                     role="rep", slack_id="UCLO0", tz="Europe/London", locale="en-US", active=True))
        s.flush()
        people = {p.slack_id: p.id for p in s.query(Person)}
        for n, (_, person_id) in enumerate(sorted(people.items())):
            closed = date(2026, 11, 2 + n)
            s.add(CrmDeal(external_id=f"D{n}", owner_id=person_id, stage="Won", outcome="won", amount=1000.0 + n,
                          engaged_on=closed - timedelta(days=20), closed_on=closed, close_month=date(2026, 11, 1),
                          close_week=closed - timedelta(days=closed.weekday()), updated_at=NOW))
        for n, (giver, receiver, message) in enumerate([("UREP0", REP, PRAISE_FOR_REP),
                                                        ("UREP2", "UREP3", PRAISE_BETWEEN_OTHERS)]):
            kudos = Kudos(key=f"k{n}", giver_id=people[giver], message=message, created_at=NOW)
            s.add(kudos)
            s.flush()
            s.add(KudosReceiver(kudos_id=kudos.id, person_id=people[receiver], created_at=NOW))
    for slack_id, email, name in ((ADMIN, "ada@example.com", "Ada Admin"), ("UMGR2", "clara@example.com", "Clara"),
                                  ("UCLO0", "cleo@example.com", "Cleo Closer")):
        bot.slack.add_user(name.split()[0].lower(), id=slack_id, email=email, real_name=name, tz="Europe/London")
    bot.slack.add_user("stranger", id=STRANGER, email="stranger@example.com", real_name="Stan Stranger")
    bot.clock.now = NOW
    with bot.services.unit() as u:
        ids = {team: service.create_survey(u.surveys, team=team, question_ids=["enps"], cadence="weekly",
                                           weekday="mon", send_time="09:00", now=NOW)
               for team in ("Hunters", "Closers")}
        service.open_round_now(u.surveys, u.messenger, survey_id=ids["Hunters"], now=NOW)
    bot.deliver()
    for i, score in enumerate([10, 9, 9, 6, 8]):
        bot.actor.click(None, f"UREP{i}", bot.slack.messages(f"UREP{i}")[0], f"survey_answer:enps:{score}")
    with bot.services.unit() as u:
        round_id = u.surveys.open_round_of(ids["Hunters"]).id
    assert eventually(lambda: _answers(bot, round_id) == 5)
    with bot.services.unit() as u:
        closing.close_round_now(u.surveys, u.messenger, survey_id=ids["Hunters"], now=NOW, threshold=5)
    return ids, people


def _answers(bot, round_id):
    with bot.services.unit() as u:
        return len(u.surveys.round_answers(round_id))


def _ask(bot, user, command, text=""):
    """Everything the asker got back: the inline reply, response_url posts, and any modal opened for them."""
    posts, views = len(bot.slack.response_posts), len(bot.slack.calls_to("views.open"))
    reply = bot.actor.slash_command(None, command, text, user_id=user)
    assert reply.status == 200, f"{command} {text} by {user}: HTTP {reply.status}"

    def answer():
        new_posts, new_views = bot.slack.response_posts[posts:], bot.slack.calls_to("views.open")[views:]
        if reply.text.strip() or new_posts or new_views:
            return reply.text + str([p["body"] for p in new_posts]) + str([c.params for c in new_views])
        return None

    return eventually(answer) or ""


# (who, command, text, what must show, what must never show); {closers} is the Closers survey id
MATRIX = [
    (REP, "/pulse", "", ["Only managers and admins"], ["pulse_create"]),
    (MGR, "/pulse", "", ["pulse_create", "Hunters"], CLOSERS_ONLY),
    (ADMIN, "/pulse", "", ["pulse_create", "Hunters", "Closers"], []),
    (STRANGER, "/pulse", "", ["Only managers and admins"], ["pulse_create"]),
    (REP, "/pulse", "list", [MANAGERS_ONLY], ["Hunters"]),
    (MGR, "/pulse", "list", ["Hunters"], CLOSERS_ONLY),
    (ADMIN, "/pulse", "list", ["Hunters", "Closers"], []),
    (STRANGER, "/pulse", "list", [NOT_IN_ROSTER], ["Hunters"]),
    (REP, "/pulse", "results", [MANAGERS_ONLY], ["eNPS"]),
    (MGR, "/pulse", "results", ["eNPS +40"], []),
    (MGR, "/pulse", "results Closers", ["not one of them"], []),
    (STRANGER, "/pulse", "results", [NOT_IN_ROSTER], ["eNPS"]),
    (REP, "/pulse", "pause {closers}", [MANAGERS_ONLY], ["paused"]),
    (MGR, "/pulse", "pause {closers}", ["only for teams you manage"], ["paused"]),
    (STRANGER, "/pulse", "pause {closers}", [NOT_IN_ROSTER], ["paused"]),
    (ADMIN, "/pulse", "pause {closers}", ["is paused"], []),
    (REP, "/enps", "", [MANAGERS_ONLY], ["+40"]),
    (MGR, "/enps", "", ["Hunters", "+40"], CLOSERS_ONLY),
    (ADMIN, "/enps", "", ["Hunters", "Closers"], []),
    (STRANGER, "/enps", "", [NOT_IN_ROSTER], ["+40"]),
    (REP, "/coach", "", ["The team digest is for managers"], ["Rep 1"]),
    (MGR, "/coach", "", ["Coaching digest for Hunters", "6 reps"], CLOSERS_ONLY),
    (ADMIN, "/coach", "", ["7 reps"], []),
    (STRANGER, "/coach", "", [NOT_IN_ROSTER], ["Rep 1"]),
    (REP, "/coach", "me", ["Your numbers, 2026-11"], ["Rep 1"]),
    (STRANGER, "/coach", "me", [NOT_IN_ROSTER], ["Your numbers"]),
    (REP, "/coach", "<@UREP1|rep1>", ["numbers of your own reports only"], ["Rep 1, 2026-11"]),
    (MGR, "/coach", "<@UREP1|rep1>", ["Rep 1, 2026-11"], []),
    (MGR, "/coach", "<@UCLO0|cleo>", ["numbers of your own reports only"], ["Cleo Closer, 2026-11"]),
    (ADMIN, "/coach", "<@UCLO0|cleo>", ["Cleo Closer, 2026-11"], []),
    (REP, "/kudos", "history", [PRAISE_FOR_REP], [PRAISE_BETWEEN_OTHERS]),
    (MGR, "/kudos", "history", [], [PRAISE_FOR_REP, PRAISE_BETWEEN_OTHERS]),
    (STRANGER, "/kudos", "history", [NOT_IN_ROSTER], [PRAISE_FOR_REP, PRAISE_BETWEEN_OTHERS]),
    (REP, "/oneonone", "<@UREP1|rep1> weekly tue 10:00", ["only with your direct reports"], ["One-on-one with"]),
    (MGR, "/oneonone", "<@UCLO0|cleo> weekly tue 10:00", ["only with your direct reports"], ["One-on-one with"]),
    (MGR, "/oneonone", "<@UREP1|rep1> weekly tue 10:00", ["One-on-one with Rep 1"], []),
    (REP, "/oneonone", "add <@UCLO0|cleo> my bonus", ["no one-on-one yet"], ["Added"]),
    (STRANGER, "/oneonone", "", [NOT_IN_ROSTER], []),
    (REP, "/win", "", ["win_view"], []),
    (STRANGER, "/win", "", ["win_view"], []),  # the form opens; logging the win needs a roster entry
    (REP, "/language", "en", ["Done"], []),
    (STRANGER, "/language", "ms", ["You are not in the roster yet"], ["Done"]),
]


def test_every_command_as_rep_manager_admin_and_stranger_shows_only_what_the_role_may_see(running_bot):
    bot = running_bot
    surveys, _ = _org(bot)
    wrong = []
    for user, command, text, shown, hidden in MATRIX:
        text = text.format(closers=surveys["Closers"])
        got = _ask(bot, user, command, text)
        missing = [s for s in shown if s not in got]
        leaked = [s for s in hidden if s in got]
        if missing or leaked:
            wrong.append(f"{user} {command} {text!r}: missing {missing}, leaked {leaked}: {got[:300]}")
    assert wrong == []
    with bot.services.unit() as u:
        assert not u.surveys.plan(surveys["Closers"]).active  # only the admin's pause went through


def test_the_pack_button_and_the_coaching_export_hold_only_the_reps_the_asker_may_see(running_bot, monkeypatch,
                                                                                       tmp_path, capsys):
    bot = running_bot
    _, people = _org(bot)
    button = {"type": "actions", "elements": [{"type": "button", "action_id": "coach_pack",
                                               "text": {"type": "plain_text", "text": "Excel pack"},
                                               "value": f"{people[MGR]}:2026-11"}]}
    for user, may in ((REP, False), ("UMGR2", False), (MGR, True)):  # the button carries Maria's id
        before = len(bot.slack.calls_to("files.completeUploadExternal"))
        message = {"channel": bot.slack.dm_channel_id(user), "ts": "1700000000.000100", "blocks": [button]}
        assert bot.actor.click(None, user, message, "coach_pack").status == 200
        uploaded = eventually(lambda b=before: len(bot.slack.calls_to("files.completeUploadExternal")) > b,
                              timeout=5 if may else 0.3)
        assert bool(uploaded) == may, f"{user} {'got no' if may else 'got a'} pack"
    assert len(bot.slack.calls_to("files.completeUploadExternal")) == 1  # no refused upload came in late
    monkeypatch.setenv("DATABASE_URL", bot.services.settings.database_url)
    monkeypatch.setenv("SLACK_API_URL", bot.slack.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", bot.slack.bot_token)
    rows = {}
    for email in ("maria@example.com", "ada@example.com"):
        out = tmp_path / f"{email}.xlsx"
        assert main(["export", "coaching", "--manager", email, "--period", "2026-11", "--out", str(out)]) == 0
        rows[email] = {r[1] for r in load_workbook(out)["Reps"].iter_rows(min_row=2, values_only=True)}
    assert "rep1@example.com" in rows["maria@example.com"] and "cleo@example.com" not in rows["maria@example.com"]
    assert {"rep1@example.com", "cleo@example.com"} <= rows["ada@example.com"]
    assert main(["export", "coaching", "--manager", "rep4@example.com", "--period", "2026-11",
                 "--out", str(tmp_path / "rep.xlsx")]) == 1
    assert "is a rep, not a manager or admin" in capsys.readouterr().err
    assert not (tmp_path / "rep.xlsx").exists()


def test_the_pack_button_with_an_admin_who_reports_to_a_manager_yields_only_the_managers_own_view(running_bot):
    bot = running_bot
    _, people = _org(bot)
    with bot.services.sessions.begin() as s:
        s.get(Person, people[ADMIN]).manager_id = people[MGR]  # Ada the admin reports to Maria
    button = {"type": "actions", "elements": [{"type": "button", "action_id": "coach_pack",
                                               "text": {"type": "plain_text", "text": "Excel pack"},
                                               "value": f"{people[ADMIN]}:2026-11"}]}  # Ada's pack, asked by Maria
    message = {"channel": bot.slack.dm_channel_id(MGR), "ts": "1700000000.000100", "blocks": [button]}
    assert bot.actor.click(None, MGR, message, "coach_pack").status == 200
    pack = eventually(lambda: next((f for f in bot.slack.files.values() if f["content"] and f["name"].endswith(
        ".xlsx")), None))
    assert pack, "Maria got no pack"
    reps = {r[1] for r in load_workbook(io.BytesIO(pack["content"]))["Reps"].iter_rows(min_row=2, values_only=True)}
    assert reps == {f"rep{i}@example.com" for i in range(6)}  # Maria's own reps; Cleo (Closers) is not hers


def _listed_manager(bot):
    """Lena: a manager listed in Hunters (person.team_id) who leads none of its reps; her one rep, Finn, is in
    Farmers."""
    with bot.services.sessions.begin() as s:
        hunters = s.query(Team).filter_by(name="Hunters").one().id
        farmers = Team(name="Farmers", locale="en")
        s.add(farmers)
        s.flush()
        lena = Person(email="lena@example.com", name="Lena Listed", team_id=hunters, role="manager",
                      slack_id="ULENA", tz="Europe/London", locale="en-US", active=True)
        s.add(lena)
        s.flush()
        s.add(Person(email="finn@example.com", name="Finn Farmer", team_id=farmers.id, manager_id=lena.id,
                     role="rep", slack_id="UFINN", tz="Europe/London", locale="en-US", active=True))
    bot.slack.add_user("lena", id="ULENA", email="lena@example.com", real_name="Lena Listed", tz="Europe/London")
    bot.slack.add_user("finn", id="UFINN", email="finn@example.com", real_name="Finn Farmer", tz="Europe/London")


def test_a_manager_listed_in_a_team_she_does_not_lead_cannot_see_create_or_close_its_surveys(running_bot):
    bot = running_bot
    _org(bot)
    _listed_manager(bot)
    with bot.services.unit() as u:  # a Hunters round open now, for her to try to close
        open_id = service.create_survey(u.surveys, team="Hunters", question_ids=["manager"], cadence="weekly",
                                        weekday="tue", send_time="09:00", now=NOW)
        service.open_round_now(u.surveys, u.messenger, survey_id=open_id, now=NOW)
    wrong = []
    for text, shown, hidden in (("list", [], ["Hunters"]), ("results Hunters", ["not one of them"], ["eNPS"]),
                                (f"close {open_id}", ["only for teams you manage"], ["Closed"]),
                                (f"pause {open_id}", ["only for teams you manage"], ["paused"]),
                                (f"resume {open_id}", ["only for teams you manage"], ["running again"]),
                                ("", ["pulse_create", "Farmers"], ["Hunters"])):
        got = _ask(bot, "ULENA", "/pulse", text)
        if [x for x in shown if x not in got] or [x for x in hidden if x in got]:
            wrong.append(f"/pulse {text!r}: {got[:300]}")
    got = _ask(bot, "ULENA", "/enps")
    if "Hunters" in got or "+40" in got:
        wrong.append(f"/enps: {got[:300]}")
    assert wrong == []
    view = next(v for v in bot.slack.open_views.values() if v["callback_id"] == "pulse_create")
    forged = json.loads(json.dumps(view))  # a forged option: the modal offers Farmers only
    forged["blocks"][0]["element"]["options"].append({"text": {"type": "plain_text", "text": "Hunters"},
                                                      "value": "Hunters"})
    answer = bot.actor.submit_view(None, forged, {"team": "Hunters", "questions": ["enps"], "cadence": "weekly",
                                                  "weekday": "wed", "time": "10:30"}, user_id="ULENA")
    assert answer.json()["response_action"] == "errors"
    bot.actor.app_home_opened(None, "ULENA")
    home = eventually(lambda: bot.slack.home_view("ULENA"))
    assert home and "Hunters" not in str(home) and "+40" not in str(home)
    with bot.services.unit() as u:
        plan = u.surveys.plan(open_id)
        assert plan is not None and plan.active and u.surveys.open_round_of(open_id) is not None
        assert [p.team_name for p in u.surveys.plans(active_only=False)].count("Hunters") == 2  # nothing created
    assert "Hunters" in _ask(bot, MGR, "/pulse", "list")  # Maria leads Hunters' reps: hers as before


def test_a_rep_never_sees_another_reps_written_answer_even_from_the_other_reps_message(running_bot):
    bot = running_bot
    bot.clock.now = NOW
    with bot.services.unit() as u:
        written = service.add_question(u.surveys, text="What slowed your deals down?", kind="text", now=NOW)
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["manager", written.id],
                                          cadence="weekly", weekday="mon", send_time="09:00", now=NOW)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW)
    bot.deliver()
    rep0_dm = bot.slack.messages("UREP0")[0]
    view = _modal(bot, "UREP0", rep0_dm)
    assert bot.actor.submit_view(None, view["id"], {"q:manager": "2", f"q:{written.id}": "R0-WRITTEN"},
                                 user_id="UREP0").status == 200
    assert "R0-WRITTEN" in str(eventually(lambda: _modal(bot, "UREP0", rep0_dm)))  # their own, prefilled
    for user, message in (("UREP1", bot.slack.messages("UREP1")[0]), ("UREP1", rep0_dm), (MGR, rep0_dm)):
        seen = _modal(bot, user, message)
        assert seen is None or "R0-WRITTEN" not in str(seen), f"{user} saw rep 0's answer"
    for user in ("UREP1", MGR):
        bot.actor.app_home_opened(None, user)
    assert eventually(lambda: bot.slack.home_view(MGR) and bot.slack.home_view("UREP1"))
    assert "R0-WRITTEN" not in str(bot.slack.home_view(MGR)) + str(bot.slack.home_view("UREP1"))


def _modal(bot, user, message):
    before = set(bot.slack.open_views)
    bot.actor.click(None, user, message, "survey_open")
    return eventually(lambda: next((bot.slack.open_views[v] for v in set(bot.slack.open_views) - before), None),
                      timeout=1)
