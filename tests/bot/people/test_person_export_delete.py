"""`salescoach person export|delete`: a person's data as JSON, and an erasure that leaves round results intact."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import seed_team
from sqlalchemy import func, select

from bot.bootstrap import bootstrap
from bot.cli.main import main
from bot.settings import Settings
from bot.surveys import usecases
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal
from storage.followups.models import AccountHold, AgendaItem, FollowupHold, HelpAsk, NudgeLog, OneOnOne
from storage.models import Answer, OutboxMessage, Person, Recipient, SurveyFocus
from storage.recognition.models import Kudos, KudosReceiver, Win
from surveys import closing, service
from surveys.visibility import Audience, what_may_see

pytestmark = pytest.mark.both_databases  # what a dump of either database holds after a delete

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
SCORES = [10, 9, 9, 6, 8, 3]  # UREP0 .. UREP5
MINE, THEIRS = "Pipeline reviews feel like an ambush (rep0)", "Quota is fair this quarter (rep1)"


def _summary_numbers(services, survey_id):
    """Invited, respondents, response rate, eNPS and averages of every round of the survey."""
    with services.unit() as u:
        history = what_may_see(u.surveys, Audience.admin(), threshold=5).history(survey_id=survey_id, limit=10)
        open_round = u.surveys.open_round_of(survey_id)
        summaries = [s for _, s in history] + ([closing.summarize(u.surveys, open_round, 5)] if open_round else [])
    return [(s.invited, s.respondents, s.response_rate, [(q.question_id, q.enps, q.average) for q in s.questions])
            for s in summaries]


def _comments(services, survey_id):
    with services.unit() as u:
        return closing.summarize(u.surveys, u.surveys.open_round_of(survey_id), 5).comments


@pytest.fixture
def org(migrated_database_url, monkeypatch, tmp_path):
    """A team that answered one closed and one open round, with kudos, a win, one-on-ones, nudges and deals."""
    database_url = migrated_database_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-person-test")
    services = bootstrap(Settings(database_url=database_url, slack_api_url="http://127.0.0.1:9/api/",
                                  slack_bot_token="xoxb-person-test"), clock=lambda: NOW, migrate=False)
    with services.unit() as u:
        ids = seed_team(u.session, reps=6)
    surveys = []
    for closed in (True, False):
        with services.unit() as u:
            survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps", "manager"],
                                              cadence="weekly", weekday="mon", send_time="09:00", now=NOW)
            round_ = service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW)
        for i, score in enumerate(SCORES):
            usecases.answer(services, slack_user=f"UREP{i}", round_id=round_.id, question_id="enps", value=score)
            usecases.answer(services, slack_user=f"UREP{i}", round_id=round_.id, question_id="manager", value=4)
        usecases.comment(services, slack_user="UREP0", round_id=round_.id, text=MINE)
        usecases.comment(services, slack_user="UREP1", round_id=round_.id, text=THEIRS)
        if closed:
            with services.unit() as u:
                closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW, threshold=5)
        surveys.append(survey_id)
    rep0, rep1, rep2, rep3, mgr = ids["UREP0"], ids["UREP1"], ids["UREP2"], ids["UREP3"], ids["UMGR"]
    with services.unit() as u:
        s = u.session
        for n, (giver, receivers, message) in enumerate([
                (rep0, [rep1], "rep0 thanks rep1 for the demo"), (rep1, [rep0], "rep1 thanks rep0 for the intro"),
                (rep2, [rep0, rep3], "<@UREP0> and <@UREP3> closed Acme together"),
                (rep2, [rep3], "rep2 thanks rep3 alone")]):
            kudos = Kudos(key=f"k{n}", giver_id=giver, message=message, created_at=NOW)
            s.add(kudos)
            s.flush()
            s.add_all(KudosReceiver(kudos_id=kudos.id, person_id=p, position=k, created_at=NOW)
                      for k, p in enumerate(receivers))
        s.add(Win(origin="v1", source="logged", rep_id=rep0, account="Acme", amount=1000.0,
                  occurred_on=date(2026, 11, 30), logged_by=rep0, notes="won over golf, rep0", created_at=NOW))
        for rep, text in ((rep0, "rep0 wants a promotion talk"), (rep1, "rep1 agenda stays")):
            pair = OneOnOne(manager_id=mgr, rep_id=rep, cadence="weekly", weekday=1, at="10:00",
                            anchor=date(2026, 11, 24), updated_at=NOW)
            s.add(pair)
            s.flush()
            s.add(AgendaItem(pair_id=pair.id, author_id=rep, text=text, kind="talking_point", created_at=NOW))
        for rep, ext in ((rep0, "DEAL-REP0"), (rep1, "DEAL-REP1")):
            deal = CrmDeal(external_id=ext, owner_id=rep, stage="Proposal", outcome="open", amount=500.0,
                           updated_at=NOW)
            s.add(deal)
            s.flush()
            s.add(FollowupHold(deal_id=deal.id, rule="stale", fingerprint="f", until=NOW + timedelta(days=3),
                               updated_at=NOW))
            s.add(NudgeLog(person_id=rep, local_date=date(2026, 11, 30), key=f"nudge:{rep}", deal_id=deal.id,
                           sent_at=NOW))
            s.add(CrmActivity(rep_id=rep, day=date(2026, 11, 30), week_start=date(2026, 11, 30),
                              month=date(2026, 11, 1), kind="call", count=3))
            s.add(HelpAsk(rep_id=rep, manager_id=mgr, deal_id=deal.id, note=f"{ext} needs a pricing hand",
                          asked_at=NOW, origin=f"view:{ext}"))
            s.add(CrmDeal(external_id=f"{ext}-LOST", owner_id=rep, stage="Lost", outcome="lost", updated_at=NOW,
                          loss_reason="price", competitor="Acme CRM", loss_note=f"{ext}: their CFO chose Acme",
                          loss_answered_at=NOW))
        accounts = [CrmAccount(name="Initech", owner_id=rep0, owner_basis="imported"),
                    CrmAccount(name="Globex", owner_id=rep1, owner_basis="deals")]
        s.add_all(accounts)
        s.flush()
        s.add_all([AccountHold(account_id=a.id, rule="account_quiet", subject="", person_id=a.owner_id,
                               fingerprint="2026-10-01", updated_at=NOW) for a in accounts])
        s.get_one(Person, rep0).sales_role = "am"
    yield services, surveys, ids
    services.close()


def _export(capsys, tmp_path, email):
    out = tmp_path / "person.json"
    assert main(["person", "export", email, "--out", str(out)]) == 0
    capsys.readouterr()
    return json.loads(out.read_text(encoding="utf-8"))


def test_an_export_holds_the_persons_own_data_and_nobody_elses(org, capsys, tmp_path):
    data = _export(capsys, tmp_path, "REP0@example.com")
    assert data["person"]["email"] == "rep0@example.com" and data["person"]["slack_id"] == "UREP0"
    assert data["person"]["team"] == "Hunters" and data["person"]["manager_email"] == "maria@example.com"
    closed, open_ = data["survey_rounds"]
    assert closed["closed"] and closed["responded"] and closed["answers"] is None
    assert {a["question_id"]: (a["value"], a["comment"]) for a in open_["answers"]} == {
        "enps": (10, None), "manager": (4, None), "_comment": (None, MINE)}
    assert [k["message"] for k in data["kudos_given"]] == ["rep0 thanks rep1 for the demo"]
    assert sorted(k["message"] for k in data["kudos_received"]) == [
        "<@UREP0> and <@UREP3> closed Acme together", "rep1 thanks rep0 for the intro"]
    assert [w["notes"] for w in data["wins"]] == ["won over golf, rep0"]
    assert [i["text"] for i in data["agenda_items"]] == ["rep0 wants a promotion talk"]
    assert [d["external_id"] for d in data["crm_deals"]] == ["DEAL-REP0", "DEAL-REP0-LOST"]
    assert data["crm_deals"][1]["loss_note"] == "DEAL-REP0: their CFO chose Acme"  # what they said why it was lost
    assert len(data["follow_up_holds"]) == 1 and len(data["nudges"]) == 1 and len(data["crm_activities"]) == 1
    assert [h["person_id"] for h in data["account_follow_up_holds"]] == [data["person"]["id"]]
    assert [(a["note"], a["manager"]) for a in data["help_asks"]] == [("DEAL-REP0 needs a pricing hand",
                                                                       "maria@example.com")]
    assert data["person"]["sales_role"] == "am" and [a["name"] for a in data["crm_accounts_managed"]] == ["Initech"]
    dms = {o["key"] for o in data["outbox"] if "UREP0" in json.dumps(o["payload"])}
    edits = [o for o in data["outbox"] if o["method"] == "chat.update"]  # the DM edited to show their answers
    assert dms and edits and all(o["edits_key"] in dms for o in edits)
    assert all(o["key"] in dms or o in edits for o in data["outbox"])
    text = json.dumps(data)
    for other in (THEIRS, "DEAL-REP1", "Globex", "rep1 agenda stays", "rep2 thanks rep3 alone", "UREP4", "rep5@"):
        assert other not in text
    assert main(["person", "export", "nobody@example.com"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "salescoach: no one with email 'nobody@example.com' is stored (see the roster)"]


def test_a_delete_erases_the_person_and_keeps_every_rounds_numbers(org, capsys, tmp_path):
    services, (closed_survey, open_survey), ids = org
    rep0 = ids["UREP0"]
    before = [_summary_numbers(services, s) for s in (closed_survey, open_survey)]
    assert MINE in _comments(services, open_survey)
    with services.unit() as u:
        outbox_before = u.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert main(["person", "delete", "rep0@example.com"]) == 0  # a dry run changes nothing
    assert "would erase" in capsys.readouterr().out
    with services.unit() as u:
        assert u.session.get(Person, rep0).slack_id == "UREP0"
    assert main(["person", "delete", "rep0@example.com", "--yes"]) == 0
    assert capsys.readouterr().out.startswith("rep0@example.com: erased (")
    assert [_summary_numbers(services, s) for s in (closed_survey, open_survey)] == before
    assert MINE not in _comments(services, open_survey) and THEIRS in _comments(services, open_survey)
    with services.unit() as u:
        s = u.session
        person = s.get(Person, rep0)
        assert (person.name, person.slack_id, person.tz, person.active) == ("Erased person", None, "UTC", False)
        assert "rep0" not in person.email and person.email.endswith("@erased.invalid")
        assert s.scalar(select(Recipient.respondent_token).where(Recipient.person_id == rep0,
                                                                 Recipient.respondent_token.is_not(None))) is None
        # the closed round's copy stays: its link was destroyed at close, so nobody can tell it is theirs
        assert list(s.scalars(select(Answer.comment).where(Answer.comment == MINE))) == [MINE]
        assert sorted(s.scalars(select(Kudos.message))) == ["a former colleague and <@UREP3> closed Acme together",
                                                            "rep2 thanks rep3 alone"]
        assert s.scalar(select(func.count()).select_from(KudosReceiver).where(KudosReceiver.person_id == rep0)) == 0
        assert list(s.scalars(select(AgendaItem.text))) == ["rep1 agenda stays"]
        assert s.scalar(select(func.count()).select_from(OneOnOne)) == 1
        assert list(s.scalars(select(NudgeLog.person_id))) == [ids["UREP1"]]
        assert s.scalar(select(func.count()).select_from(FollowupHold)) == 1
        assert list(s.scalars(select(AccountHold.person_id))) == [ids["UREP1"]]
        assert list(s.scalars(select(HelpAsk.note))) == ["DEAL-REP1 needs a pricing hand"]
        assert s.scalar(select(Win.notes)) is None and s.scalar(select(Win.rep_id)) == rep0
        # CRM records stay, owned by the tombstone, so team KPIs do not move
        assert s.scalar(select(CrmDeal.owner_id).where(CrmDeal.external_id == "DEAL-REP0")) == rep0
        assert sorted(s.execute(select(CrmDeal.external_id, CrmDeal.loss_reason, CrmDeal.loss_note)
                                .where(CrmDeal.outcome == "lost"))) == [  # their note goes, the reason stays
            ("DEAL-REP0-LOST", "price", None), ("DEAL-REP1-LOST", "price", "DEAL-REP1: their CFO chose Acme")]
        remaining = s.scalars(select(OutboxMessage)).all()
        assert 0 < len(remaining) < outbox_before and not any('"UREP0"' in json.dumps(o.payload) for o in remaining)
        assert not [o.key for o in remaining if o.key.startswith("survey:") and o.key.split(":")[2] == str(rep0)]
    assert main(["person", "delete", "rep0@example.com", "--yes"]) == 0
    assert capsys.readouterr().out.strip() == "rep0@example.com: already erased; nothing to delete"
    assert main(["person", "delete", "ghost@example.com", "--yes"]) == 1
    assert capsys.readouterr().err.strip() == (
        "salescoach: no one with email 'ghost@example.com' is stored (see the roster)")


def test_a_delete_that_fails_half_way_changes_nothing(org, capsys, monkeypatch):
    services, _, ids = org
    import storage.person_data as person_data

    def broken(text, slack_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(person_data, "_unmention", broken)  # fails after kudos and answers were touched
    assert main(["person", "delete", "rep0@example.com", "--yes"]) == 1  # one line, no traceback
    assert capsys.readouterr().err.startswith("salescoach: unexpected RuntimeError: disk full;")
    with services.unit() as u:
        assert u.session.get(Person, ids["UREP0"]).slack_id == "UREP0"
        assert u.session.scalar(select(func.count()).select_from(Kudos)) == 4
    assert MINE in _comments(services, org[1][1])


def test_deleting_a_manager_keeps_their_reps_asks_for_help_and_the_teams_focus_without_the_link_to_them(
        org, capsys, tmp_path):
    services, (closed_survey, _), ids = org
    with services.unit() as u:
        round_id = u.surveys.closed_rounds(closed_survey, 1)[0].id
        u.focuses.add_focus(team_id=u.surveys.team_id("Hunters"), survey_id=closed_survey, round_id=round_id,
                            theme="recognition", action="Shout-outs every Friday", due=date(2026, 12, 31),
                            shared=True, created_by=ids["UMGR"], now=NOW, origin="view:f1")
    assert [f["action"] for f in _export(capsys, tmp_path, "maria@example.com")["focuses_chosen"]] == [
        "Shout-outs every Friday"]
    assert main(["person", "delete", "maria@example.com", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "asks for help unlinked from their manager 2" in out and "focuses unlinked from their manager 1" in out
    with services.unit() as u:
        assert sorted(u.session.execute(select(HelpAsk.rep_id, HelpAsk.manager_id))) == sorted(
            [(ids["UREP0"], None), (ids["UREP1"], None)])
        assert u.session.execute(select(SurveyFocus.action, SurveyFocus.created_by)).all() == [
            ("Shout-outs every Friday", None)]
