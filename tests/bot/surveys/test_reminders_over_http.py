"""Reminders, holidays and out-of-office through the real bot and the Slack double, with an injected clock."""

from datetime import UTC, datetime, timedelta

from conftest import eventually, reader
from sqlalchemy import select

from bot.cli.main import main
from storage.models import Round
from surveys import service

MONDAY = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
FIRST_REMINDER = ("A reminder: the pulse survey for {team} is waiting for you above. It takes about a minute, and "
                  "it closes {closes}.")
LAST_REMINDER = ("Last reminder: the pulse survey for {team} closes {closes}. Your voice counts, and it stays "
                 "anonymous.")


def _weekly(bot):
    with bot.services.unit(MONDAY - timedelta(days=3)) as u:
        service.create_survey(u.surveys, team="Hunters", question_ids=["manager"], cadence="weekly",
                              weekday="mon", send_time="09:00", now=u.now)


def _run(bot, hours):
    """Tick the scheduler's jobs every half hour from Monday 00:00 UTC for `hours` hours."""
    for step in range(int(hours * 2) + 1):
        bot.clock.now = MONDAY + timedelta(minutes=30 * step)
        for job in ("open_rounds", "remind", "close_rounds", "deliver"):
            bot.job(job)


def _reminders(bot, user):
    """A person's reminders, told apart by their outbox key (reminder:<round>:<person>:<number>), not by words."""
    return [m for m in bot.slack.messages(user) if m["metadata"]["event_payload"]["key"].startswith("reminder:")]


def test_reminders_reach_only_people_who_have_not_answered_and_at_most_twice(running_bot):
    bot = running_bot
    _weekly(bot)
    _run(bot, 18)  # everyone has the survey
    bot.actor.click(None, "UREP0", bot.slack.messages("UREP0")[0], "survey_answer:manager:4")
    assert eventually(lambda: len(bot.slack.calls_to("chat.update")) == 1)
    _run(bot, 24 * 4)  # the rest of the round, which closes 72 h after the last send
    assert _reminders(bot, "UREP0") == [] and len(bot.slack.messages("UREP0")) == 1
    with bot.services.sessions.begin() as s:
        (closes_at,) = s.scalars(select(Round.closes_at)).all()
    for i in range(1, 6):
        reminders = _reminders(bot, f"UREP{i}")
        assert [m["metadata"]["event_payload"]["key"].rsplit(":", 1)[1] for m in reminders] == ["1", "2"], i
        t = reader(i)  # in the reader's language, with the closing time in their time zone
        assert [m["text"] for m in reminders] == [t.gettext(FIRST_REMINDER, team="Hunters", closes=t.when(closes_at)),
                                                  t.gettext(LAST_REMINDER, team="Hunters", closes=t.when(closes_at))]


def test_a_rep_who_is_out_of_office_gets_the_survey_when_back(running_bot, slack):
    bot = running_bot
    _weekly(bot)
    slack.set_user("UREP1", status_text="On holiday", status_emoji=":palm_tree:")
    assert bot.actor.user_change(None, "UREP1").status == 200
    assert eventually(lambda: not _status_cleared(bot, "UREP1"))  # the event is handled after its ack
    _run(bot, 18)
    assert bot.slack.messages("UREP1") == []
    assert bot.slack.messages("UREP0")
    slack.set_user("UREP1", status_text="", status_emoji="")
    bot.actor.user_change(None, "UREP1")
    assert eventually(lambda: _status_cleared(bot, "UREP1"))
    bot.clock.now = MONDAY + timedelta(hours=20)
    bot.job("open_rounds")
    bot.deliver()
    assert len(bot.slack.messages("UREP1")) == 1


def _status_cleared(bot, slack_id):
    with bot.services.unit() as u:
        member = u.people.by_slack_id(slack_id)
        return member is not None and member.status_emoji is None


def test_a_survey_due_on_a_holiday_goes_out_the_next_working_day(running_bot, monkeypatch, capsys):
    bot = running_bot
    _weekly(bot)
    monkeypatch.setenv("DATABASE_URL", bot.services.settings.database_url)
    assert main(["holidays", "add", "2026-11-30", "--name", "Company day off"]) == 0
    assert main(["holidays", "add", "30/11/2026"]) == 1
    assert "expected YYYY-MM-DD" in capsys.readouterr().err
    _run(bot, 19)  # Monday 19:00 UTC: Monday is over everywhere but Tuesday 09:00 has come nowhere
    assert all(not bot.slack.messages(f"UREP{i}") for i in range(6))
    _run(bot, 42)  # Tuesday 18:00 UTC: Tuesday 09:00 has come everywhere
    assert all(bot.slack.messages(f"UREP{i}")[0]["text"] == reader(i).gettext("Pulse survey for {team}", team="Hunters")
               for i in range(6))


def test_reminders_end_a_day_before_the_close_and_results_wait_for_the_managers_working_hours(running_bot):
    """README: the last reminder comes at least a day before the round closes, in the person's working hours;
    results reach a manager in their working hours."""
    from zoneinfo import ZoneInfo

    from storage.models import Person

    bot = running_bot
    _weekly(bot)
    delivered: dict[str, tuple[str, datetime]] = {}
    people = ["UMGR", *(f"UREP{i}" for i in range(6))]
    for step in range(24 * 5 + 1):  # hourly: a reminder pulled in to the last working hour still finds a tick
        bot.clock.now = MONDAY + timedelta(hours=step)
        for job in ("open_rounds", "remind", "close_rounds", "deliver"):
            bot.job(job)
        for user in people:
            for message in bot.slack.messages(user):
                key = ((message.get("metadata") or {}).get("event_payload") or {}).get("key")
                if key:
                    delivered.setdefault(key, (user, bot.clock.now))
    with bot.services.sessions.begin() as s:
        (round_,) = s.scalars(select(Round)).all()
        zones = {p.slack_id: p.tz for p in s.scalars(select(Person))}
    reminders = {k: v for k, v in delivered.items() if k.startswith("reminder:")}
    assert len(reminders) == 12  # nobody answered: two each
    for user, moment in reminders.values():
        local = moment.astimezone(ZoneInfo(zones[user]))
        assert round_.closes_at - moment >= timedelta(hours=24), (user, moment)
        assert local.weekday() < 5 and 9 <= local.hour < 18, (user, local)
    user, moment = next(v for k, v in delivered.items() if k.startswith("results:"))
    local = moment.astimezone(ZoneInfo(zones["UMGR"]))
    assert user == "UMGR" and local.weekday() < 5 and 9 <= local.hour < 18, local
    closed_at = round_.closes_at.astimezone(ZoneInfo(zones["UMGR"]))
    held = moment - round_.closes_at > timedelta(hours=1)
    assert held is not (closed_at.weekday() < 5 and 9 <= closed_at.hour < 18), (closed_at, moment)
