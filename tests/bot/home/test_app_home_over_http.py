"""App Home dashboards over HTTP: a rep's own data, a manager's team, an admin's setup health, the language menu."""

import json
from datetime import UTC, date, datetime, timedelta

from conftest import eventually

from bot.i18n import Translator
from storage.crm.models import CrmDeal
from storage.models import Person
from surveys import closing, service

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


def _open_round(bot):
    bot.clock.now = NOW
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=NOW)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW)
    bot.deliver()


def _stale_deal(bot, slack_id):
    with bot.services.sessions.begin() as s:
        owner = s.query(Person).filter(Person.slack_id == slack_id).one()
        s.add(CrmDeal(external_id="HOME-1", owner_id=owner.id, stage="Proposal", outcome="open", amount=42000.0,
                      engaged_on=date(2026, 9, 1), expected_close_on=date(2026, 11, 1),
                      last_activity_on=date(2026, 10, 1), stage_changed_on=date(2026, 9, 1), updated_at=NOW))


def _home(bot, user):
    before = len(bot.slack.calls_to("views.publish"))
    assert bot.actor.app_home_opened(bot.url, user).status == 200
    eventually(lambda: len(bot.slack.calls_to("views.publish")) > before)
    return bot.slack.home_view(user)


def test_a_reps_home_shows_their_open_survey_and_follow_ups_with_the_nudge_buttons_but_no_team_figures(running_bot):
    bot = running_bot
    _open_round(bot)
    _stale_deal(bot, "UREP4")
    home = _home(bot, "UREP4")
    text = json.dumps(home["blocks"], ensure_ascii=False)
    assert "My open surveys" in text and "survey_open" in text
    assert "My follow-ups" in text and "nudge:snooze:" in text and "nudge:done:" in text
    assert "Give kudos" in text and "win_open" in text
    assert "My team this month" not in text and "Setup health" not in text
    assert len(home["blocks"]) <= 100


def test_a_managers_home_has_the_team_snapshot_and_survey_results_under_the_threshold(running_bot):
    bot = running_bot
    _open_round(bot)
    with bot.services.unit(NOW + timedelta(days=4)) as u:
        closing.close_due_rounds(u.surveys, u.messenger, now=u.now)
    home = _home(bot, "UMGR")
    text = json.dumps(home["blocks"], ensure_ascii=False)
    assert "My team this month" in text and "Survey results" in text
    assert "Withheld: fewer than 5 answers." in text  # nobody answered: nothing is shown
    assert "Setup health" not in text


def test_an_admins_home_shows_setup_health(running_bot):
    bot = running_bot
    with bot.services.sessions.begin() as s:
        s.query(Person).filter(Person.slack_id == "UMGR").update({"role": "admin"})
        s.query(Person).filter(Person.slack_id == "UREP5").update({"slack_id": None})
    text = json.dumps(_home(bot, "UMGR")["blocks"], ensure_ascii=False)
    assert "Setup health" in text and "People in the roster: 7" in text and "Not matched to a Slack user: 1" in text
    assert "Teams without a channel: Hunters" in text and "pulse_new" in text


def test_choosing_a_language_in_app_home_republishes_it_in_that_language(running_bot):
    bot = running_bot
    home = _home(bot, "UREP4")
    assert "My open surveys" in json.dumps(home["blocks"])
    assert bot.actor.select(None, "UREP4", home, "home_language", "lt").status == 200
    lithuanian = Translator("lt").gettext("My open surveys")
    assert lithuanian != "My open surveys"
    assert eventually(lambda: lithuanian in json.dumps(bot.slack.home_view("UREP4")["blocks"], ensure_ascii=False))


def test_switching_to_a_language_again_shows_it_again(running_bot):
    bot = running_bot
    lithuanian = Translator("lt").gettext("My open surveys")

    def choose(language):
        assert bot.actor.select(None, "UREP4", bot.slack.home_view("UREP4"), "home_language", language).status == 200

    def shown():
        return json.dumps(bot.slack.home_view("UREP4")["blocks"], ensure_ascii=False)

    _home(bot, "UREP4")
    choose("lt")
    assert eventually(lambda: lithuanian in shown())
    choose("en")
    assert eventually(lambda: "My open surveys" in shown())
    choose("lt")  # the very view shown before: published again, not skipped as a duplicate
    assert eventually(lambda: lithuanian in shown())


def test_snoozing_a_follow_up_from_app_home_takes_it_off_the_home(running_bot):
    bot = running_bot
    bot.clock.now = NOW
    _stale_deal(bot, "UREP4")
    home = _home(bot, "UREP4")
    assert "nudge:snooze:" in json.dumps(home["blocks"])
    snooze = next(e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"].startswith("nudge:snooze:"))
    assert bot.actor.select(None, "UREP4", home, snooze["action_id"], snooze["options"][1]["value"]).status == 200
    assert eventually(lambda: "nudge:snooze:" not in json.dumps(bot.slack.home_view("UREP4")["blocks"]))


def test_a_round_closed_while_app_home_is_worked_out_is_not_shown_open(running_bot, monkeypatch):
    """A close forgets the App Home views of people who answered; a view read before it is not queued after it."""
    import threading

    from bot.home import publish

    bot = running_bot
    _open_round(bot)
    rendered = []

    def close() -> None:
        with bot.services.unit(NOW + timedelta(days=4)) as u:
            closing.close_due_rounds(u.surveys, u.messenger, now=u.now)

    def closed() -> bool:  # read without a writer's turn: the close holds it until its log is emptied
        with bot.services.reading() as u:
            return u.surveys.closes_so_far() == 1

    def meanwhile(*args, **kwargs):
        if not rendered:  # the view is being worked out when the round's close commits (on its own thread: once
            closer.start()  # committed, it empties SQLite's log, waiting for readers such as this one to finish)
            assert eventually(closed)
        rendered.append(home_view(*args, **kwargs))
        return rendered[-1]

    closer = threading.Thread(target=close)

    home_view = publish.home_view
    monkeypatch.setattr(publish, "home_view", meanwhile)
    bot.services.delivery.drain(keys=publish.publish(bot.services, slack_user="UREP4"))
    assert len(rendered) == 2  # worked out again after the close
    assert "survey_open" in json.dumps(rendered[0]) and "survey_open" not in json.dumps(rendered[1])
    assert "survey_open" not in json.dumps(bot.slack.home_view("UREP4")["blocks"])
    closer.join()
