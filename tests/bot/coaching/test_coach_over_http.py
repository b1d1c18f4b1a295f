"""`/coach` over signed HTTP: the manager's digest, a rep's own numbers, who may see whom; the weekly digest DM."""

from datetime import UTC, date, datetime, timedelta

from conftest import eventually, reader

from bot.coaching.chart import coaching_chart
from bot.i18n import Translator
from coaching.performance.service import trend
from coaching.periods import last_periods, parse_period
from storage.crm.models import CrmActivity, CrmDeal
from storage.kpis import PerformanceRepository
from storage.models import OutboxMessage, Person

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # Monday 08:30 in Vilnius, where the manager is


def _month(day: date) -> date:
    return day.replace(day=1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _seed_performance(bot, *, activities_of_rep0: int = 60) -> None:
    """Six reps with November deals: rep 0 busy and losing, the others steady; rep 5 the top earner."""
    with bot.services.sessions.begin() as s:
        reps = {p.slack_id: p.id for p in s.query(Person).filter(Person.role == "rep")}
        n = 0
        for slack_id, person_id in sorted(reps.items()):
            i = int(slack_id[-1])
            won, lost = (1, 7) if i == 0 else (4, 3)
            for k in range(won + lost):
                closed = date(2026, 11, 2 + k)
                outcome = "won" if k < won else "lost"
                amount = 5000.0 * (3 if i == 5 else 1) if outcome == "won" else 4000.0
                n += 1
                s.add(CrmDeal(external_id=f"D{n}", owner_id=person_id, stage=outcome.title(), outcome=outcome,
                              amount=amount, engaged_on=closed - timedelta(days=30), closed_on=closed,
                              close_month=_month(closed), close_week=_monday(closed), updated_at=NOW))
            for k in range(activities_of_rep0 if i == 0 else 20):
                day = date(2026, 11, 2 + k % 18)
                s.add(CrmActivity(rep_id=person_id, day=day, week_start=_monday(day), month=_month(day),
                                  kind="call", count=1))


def _reply(bot, user, text=""):
    before = len(bot.slack.response_posts)
    response = bot.actor.slash_command(None, "/coach", text, user_id=user)
    assert response.status == 200 and response.body.strip() == b""  # acked at once, nothing inline
    post = eventually(lambda: bot.slack.response_posts[before] if len(bot.slack.response_posts) > before else None)
    return str(post["body"])


def test_a_manager_gets_the_team_digest_with_who_needs_attention_and_why(running_bot):
    bot = running_bot
    bot.clock.now = NOW
    _seed_performance(bot)
    digest = _reply(bot, "UMGR")
    assert "Coaching digest for Hunters, 2026-11" in digest
    assert "Needs attention" in digest and "Rep 0" in digest
    assert "win rate 13% where peers reach 57%, despite more activity than most" in digest  # the one reason
    assert "Praise" in digest and "Rep 5" in digest
    assert "Win rate" in digest and "coach_pack" in digest


def test_a_rep_sees_their_own_numbers_but_not_a_colleagues_or_the_team_digest(running_bot):
    bot = running_bot
    bot.clock.now = NOW
    _seed_performance(bot)
    own = _reply(bot, "UREP4", "me")  # en-US: Los Angeles
    assert "Your numbers, 2026-11" in own and "Revenue won" in own
    assert "You can see the numbers of your own reports only." in _reply(bot, "UREP4", "<@UREP1|rep1>")
    assert "The team digest is for managers" in _reply(bot, "UREP4")


def test_a_manager_asks_about_one_rep_for_a_given_period(running_bot):
    bot = running_bot
    bot.clock.now = NOW
    _seed_performance(bot)
    view = _reply(bot, "UMGR", "<@UREP5|rep5> 2026-11")
    assert "Rep 5, 2026-11" in view and "Praise" in view
    assert "Say a period like 2017-Q3" in _reply(bot, "UMGR", "<@UREP5|rep5> someday")


def test_a_rep_who_leaves_while_the_digests_are_worked_out_is_not_in_them(running_bot, monkeypatch):
    from sqlalchemy import update

    from coaching.performance import service

    bot = running_bot
    _seed_performance(bot)
    calls = []

    def meanwhile(*args, **kwargs):  # the digests' figures are read; a roster import commits at that moment
        if not calls:
            with bot.services.sessions.begin() as s:
                s.execute(update(Person).where(Person.slack_id == "UREP0").values(active=False))
        calls.append(kwargs["wanted"])
        return weekly_digests(*args, **kwargs)

    weekly_digests = service.weekly_digests
    monkeypatch.setattr(service, "weekly_digests", meanwhile)
    assert bot.job("digests", NOW) == "queued 2 digest message(s)"
    assert len(calls) == 2  # worked out again, as the people and their managers are now
    bot.clock.now = NOW
    bot.deliver()
    (post,) = [m for m in bot.slack.messages("UMGR") if "Coaching digest" in str(m.get("blocks"))]
    assert "Rep 0" not in str(post["blocks"])


def test_the_weekly_digest_is_sent_once_at_the_managers_local_monday_morning(running_bot):
    bot = running_bot
    _seed_performance(bot)
    early = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # 07:30 in Vilnius: not yet
    assert bot.job("digests", early) == "queued 0 digest message(s)"
    assert bot.job("digests", NOW) == "queued 2 digest message(s)"  # the digest and its chart
    assert bot.job("digests", NOW + timedelta(hours=5)) == "queued 0 digest message(s)"  # a re-run sends nothing
    bot.clock.now = NOW + timedelta(hours=5)
    report = bot.deliver()
    assert report.failed == 0, report.errors
    posts = [m for m in bot.slack.messages("UMGR") if "Coaching digest" in str(m.get("blocks"))]
    assert len(posts) == 1
    assert [f["name"] for f in bot.slack.files.values()] == ["coaching-2026-11.png"]
    with bot.services.sessions.begin() as s:
        manager = s.query(Person).filter(Person.slack_id == "UMGR").one().id
        keys = sorted(k for (k,) in s.query(OutboxMessage.key).filter(OutboxMessage.key.like("digest:%")))
    assert keys == [f"digest:{manager}:2026-W48", f"digest:{manager}:2026-W48:chart"]  # one each, exactly once


def test_the_weekly_chart_is_drawn_when_delivered_and_posted_once_though_its_first_upload_failed(running_bot,
                                                                                                  monkeypatch):
    bot = running_bot
    _seed_performance(bot)
    drawn = []
    draw = bot.services.delivery.draw
    monkeypatch.setattr(bot.services.delivery, "draw", lambda request: drawn.append(request) or draw(request))
    assert bot.job("digests", NOW) == "queued 2 digest message(s)"
    assert drawn == []  # the job queued what the chart shows, not a picture
    with bot.services.sessions.begin() as s:
        manager = s.query(Person).filter(Person.slack_id == "UMGR").one().id
        (queued,) = s.query(OutboxMessage.payload).filter(OutboxMessage.key == f"digest:{manager}:2026-W48:chart").one()
    assert "content_base64" not in queued and queued["chart"]["periods"][-1] == "2026-11"

    bot.slack.fail_next("files.completeUploadExternal", status=200, error="internal_error")  # uploaded, not shared
    bot.clock.now = NOW + timedelta(hours=5)
    first = bot.deliver()
    assert (first.sent, first.retried, first.failed) == (1, 1, 0)  # the digest went; the chart waits for a retry
    assert len(drawn) == 1 and not [f for f in bot.slack.files.values() if f["completed"]]
    bot.clock.now += timedelta(minutes=1)
    second = bot.deliver()
    assert (second.sent, second.failed) == (1, 0)
    assert len(drawn) == 2 and drawn[1] == drawn[0]  # drawn again for the retry, from the same request
    assert bot.deliver().sent == 0  # nothing left: a later pass draws and posts nothing
    shared = [f for f in bot.slack.files.values() if f["completed"]]
    assert [f["name"] for f in shared] == ["coaching-2026-11.png"]
    assert len([m for m in bot.slack.messages("UMGR") if m.get("files")]) == 1  # posted exactly once
    t = Translator.for_person("en-US", "Europe/Vilnius")  # what the job drew before: the same bytes
    period = parse_period("2026-11", today=NOW.date())
    with bot.services.sessions.begin() as s:
        points = trend(PerformanceRepository(s), viewer_id=manager, periods=last_periods(period, count=6), now=NOW)
    assert shared[0]["content"] == coaching_chart(t, points, currency="USD", title="Revenue won and win rate, Hunters")


def test_a_chart_that_could_not_be_drawn_uploads_nothing_and_is_drawn_again_later(running_bot, monkeypatch):
    bot = running_bot
    _seed_performance(bot)
    draw, failures = bot.services.delivery.draw, [ValueError("no font")]

    def flaky(request):
        if failures:
            raise failures.pop()
        return draw(request)

    monkeypatch.setattr(bot.services.delivery, "draw", flaky)
    assert bot.job("digests", NOW) == "queued 2 digest message(s)"
    bot.clock.now = NOW + timedelta(hours=5)
    first = bot.deliver()
    assert (first.sent, first.retried, first.failed) == (1, 1, 0)
    with bot.services.sessions.begin() as s:
        (error,) = s.query(OutboxMessage.error).filter(OutboxMessage.key.like("digest:%:chart")).one()
    assert error == "chart: ValueError"  # nothing was sent, so nothing is "uncertain"; no figure in the error
    assert not bot.slack.calls_to("files.getUploadURLExternal")
    bot.clock.now += timedelta(minutes=1)
    assert bot.deliver().sent == 1
    assert [f["name"] for f in bot.slack.files.values() if f["completed"]] == ["coaching-2026-11.png"]


def test_coach_help_explains_every_figure_in_one_line_each_in_the_readers_language(running_bot):
    from coaching.performance.definitions import KPIS

    bot = running_bot
    bot.clock.now = NOW
    english = _reply(bot, "UMGR", "help")
    assert "How each coaching figure is computed" in english
    assert all(kpi.definition.replace("'", "\\'") in english or kpi.definition in english for kpi in KPIS)
    assert "Deals won ÷ deals won or lost, by close date in the period." in english
    malay = _reply(bot, "UREP0", "help")  # a rep may ask too; ms-MY reads it in Malay
    t = reader(0)
    assert t.gettext("How each coaching figure is computed") in malay
    assert t.gettext(KPIS[0].definition) in malay and KPIS[0].definition not in malay
