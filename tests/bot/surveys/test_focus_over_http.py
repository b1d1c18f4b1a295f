"""From results to action over signed HTTP: "Choose a focus" under the results DM opens a modal that suggests the
lowest (or most fallen) theme; saving it with Share posts "You said / we will" to the team's channel with the
theme's figure and no comment; App Home lists it; a reminder comes a week before its date; Mark done posts "Done"
once. Only the team's managers choose or close a focus."""

from datetime import date, timedelta

from conftest import RESULTS_WAIT, block_texts, eventually
from nudge_fixtures import listeners_done, pack_clicked, person_ids
from round_play import MONDAY, open_round
from sqlalchemy import func, select

from bot.i18n import Translator
from bot.one_on_ones.prep import StoredPrep
from bot.one_on_ones.prep_views import prep_blocks
from bot.surveys import usecases
from bot.surveys.pulse_views import create_view
from storage.models import SurveyFocus, Team

CHANNEL = "C0HUNTERS1"
ANSWERS = {"UREP0": (10, 4), "UREP1": (9, 5), "UREP2": (6, 3), "UREP3": (8, 4), "UREP4": (3, 2), "UREP5": (9, 4)}


def _closed_round(bot) -> dict:
    """A round the six reps answered, closed; the manager's results DM."""
    open_round(bot)
    with bot.services.unit() as u:
        round_id = u.surveys.open_round_of(1).id
    for user, (enps, manager) in ANSWERS.items():
        usecases.answer(bot.services, slack_user=user, round_id=round_id, question_id="enps", value=enps)
        usecases.answer(bot.services, slack_user=user, round_id=round_id, question_id="manager", value=manager)
    bot.deliver()
    bot.clock.now = MONDAY + timedelta(days=5)
    assert bot.job("close_rounds").startswith("closed 1 round(s)")
    bot.deliver(within=RESULTS_WAIT)
    (results,) = [m for m in bot.slack.messages("UMGR") if "Pulse results" in str(m.get("blocks"))]
    return results


def _open_form(bot, user: str, message: dict) -> dict:
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        assert bot.actor.click(None, user, message, "focus_choose").status == 200
    return eventually(lambda: next((v for k, v in bot.slack.open_views.items() if k not in before), None))


def _channel_posts(bot) -> list[str]:
    return [block_texts(m.get("blocks") or []) for m in bot.slack.messages(CHANNEL)]


def test_a_focus_chosen_under_the_results_is_shared_listed_reminded_and_marked_done_once(running_bot):
    bot = running_bot
    bot.slack.add_channel("hunters", id=CHANNEL)
    with bot.services.sessions.begin() as s:  # the team's channel, as the roster import sets it
        s.scalar(select(Team).where(Team.name == "Hunters")).channel_id = CHANNEL
    view = _open_form(bot, "UMGR", _closed_round(bot))
    assert view["callback_id"] == "focus_view"
    theme = next(b for b in view["blocks"] if b.get("block_id") == "theme")["element"]
    assert theme["initial_option"]["value"] == "relationship with manager"  # the only agreement theme asked
    assert theme["initial_option"]["text"]["text"] == "Relationship with the manager · 3.7 of 5"
    today = bot.clock.now.date()
    refused = bot.actor.submit_view(None, view, {"theme": "relationship with manager", "action": "Weekly deal reviews",
                                                 "due": today.isoformat()}, user_id="UMGR")
    assert refused.json() == {"response_action": "errors", "errors": {"due": "Pick a date after today."}}
    due = today + timedelta(days=20)
    with listeners_done(bot, 2):
        for retry in (None, 1):  # Slack retries the submission: one focus, one post
            saved = bot.actor.submit_view(None, view, {"theme": "relationship with manager",
                                                       "action": "Weekly deal reviews, 30 minutes, no slides",
                                                       "due": due.isoformat(), "share": ["share"]},
                                          user_id="UMGR", retry_num=retry)
    assert "Saved: Weekly deal reviews, 30 minutes, no slides" in block_texts(saved.json()["view"]["blocks"])
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(SurveyFocus)) == 1
    (post,) = eventually(lambda: _channel_posts(bot))
    assert "You said: Relationship with the manager · 3.7 of 5" in post
    assert "We will: Weekly deal reviews, 30 minutes, no slides, by" in post

    assert bot.actor.app_home_opened(None, "UMGR").status == 200
    home = eventually(lambda: [c for c in bot.slack.calls_to("views.publish")
                               if "Team focus" in str(c.params.get("view"))])
    assert "Weekly deal reviews" in str(home[-1].params["view"])

    bot.clock.now = MONDAY + timedelta(days=5 + 12, hours=8)  # 8 days before the date, then a week before
    assert "and 0 focus reminder(s)" in bot.job("remind")
    bot.clock.now += timedelta(days=1)
    assert "and 1 focus reminder(s)" in bot.job("remind")
    assert "and 0 focus reminder(s)" in bot.job("remind")  # once
    bot.deliver(within=timedelta(days=1))
    (reminder,) = [m for m in bot.slack.messages("UMGR")
                   if "Your focus for Hunters is due" in block_texts(m.get("blocks") or [])]
    with listeners_done(bot, 2):
        bot.actor.click(None, "UMGR", reminder, "focus_done")
        bot.actor.click(None, "UMGR", reminder, "focus_done")
    bot.deliver()
    posts = eventually(lambda: len(_channel_posts(bot)) == 2 and _channel_posts(bot))
    assert posts[1] == ":white_check_mark: Done: Weekly deal reviews, 30 minutes, no slides (Hunters)"
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(SurveyFocus.done_at)) is not None


def test_a_rep_cannot_choose_or_close_a_focus_even_with_a_forged_click(running_bot):
    bot = running_bot
    results = _closed_round(bot)
    view = _open_form(bot, "UREP5", results)  # the manager's button, clicked by a rep
    assert "Only the team's managers choose and close its focus." in block_texts(view["blocks"])
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(SurveyFocus)) == 0
    manager_view = _open_form(bot, "UMGR", results)
    answer = bot.actor.submit_view(None, manager_view, {"theme": "relationship with manager", "action": "Pair calls",
                                                        "due": (date(2026, 12, 31)).isoformat(),
                                                        "share": ["share"]}, user_id="UMGR")
    assert "share" not in str(manager_view["blocks"])  # no team channel: Share is not offered
    assert answer.json()["response_action"] == "update"
    with bot.services.sessions.begin() as s:
        focus_id = s.scalar(select(SurveyFocus.id))
    message = {"channel": bot.slack.dm_channel_id("UREP5"), "ts": "1700000000.000200", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "focus_done", "value": str(focus_id),
                                          "text": {"type": "plain_text", "text": "Mark done"}}]}]}
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", message, "focus_done")
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(SurveyFocus.done_at)) is None


def test_the_next_round_asks_whether_the_focus_helped_in_the_teams_language_and_its_result_sits_by_its_theme(
        running_bot):
    results = _next_round_with_its_follow_up(running_bot)
    assert results.index("My manager helps me win deals.") < results.index("Has “Relationship with the manager”")


def _next_round_with_its_follow_up(bot) -> str:
    """Round 1 closes, a focus is chosen and shared, round 2 asks its follow-up question, everyone answers, round 2
    closes: the whole loop through Slack."""
    bot.slack.add_channel("hunters", id=CHANNEL)
    with bot.services.sessions.begin() as s:
        s.scalar(select(Team).where(Team.name == "Hunters")).channel_id = CHANNEL
    view = _open_form(bot, "UMGR", _closed_round(bot))
    bot.actor.submit_view(None, view, {"theme": "relationship with manager", "action": "Weekly deal reviews",
                                       "due": (bot.clock.now.date() + timedelta(days=20)).isoformat(),
                                       "share": ["share"]}, user_id="UMGR")
    assert "We will: Weekly deal reviews, by" in eventually(lambda: _channel_posts(bot))[0]
    with bot.services.unit() as u:
        question = u.focuses.focus(1).question_id
        options = str(create_view(Translator.for_person("en-US"), ["Hunters"], u.surveys.bank()))
    assert question == "focus:1" and "focus:1" not in options  # never picked into a survey by hand
    bot.clock.now = MONDAY + timedelta(days=7, hours=18)  # the next weekly round
    bot.job("open_rounds")
    bot.deliver()
    with bot.services.unit() as u:
        round_ = u.surveys.open_round_of(1)
    assert round_.questions == ("enps", "manager", "focus:1")
    dm = next(m for m in reversed(bot.slack.messages("UREP0")) if "focus:1" in str(m.get("blocks")))
    assert "Has “Relationship with the manager” improved since the last survey?" in block_texts(dm["blocks"])
    edits = len(bot.slack.calls_to("chat.update"))
    with listeners_done(bot, 0):  # a rep answers the follow-up by its button, over signed HTTP
        assert bot.actor.click(None, "UREP0", dm, "survey_answer:focus:1:4").status == 200
    assert eventually(lambda: len(bot.slack.calls_to("chat.update")) > edits)
    for user, (enps, manager) in ANSWERS.items():
        for question_id, value in (("enps", enps), ("manager", manager), ("focus:1", 4 if enps > 6 else 2)):
            if (user, question_id) != ("UREP0", "focus:1"):
                usecases.answer(bot.services, slack_user=user, round_id=round_.id, question_id=question_id,
                                value=value)
    bot.deliver()
    bot.clock.now = MONDAY + timedelta(days=12)
    assert bot.job("close_rounds").startswith("closed 1 round(s)")
    bot.deliver(within=RESULTS_WAIT)
    results = [m for m in bot.slack.messages("UMGR") if "Pulse results" in str(m.get("blocks"))][-1]
    shown = block_texts(results["blocks"])
    manager_at, follow_up_at = shown.index("My manager helps me win deals."), shown.index("Has “Relationship")
    assert manager_at < follow_up_at and "Average 3.3 of 5 (6 answers)" in shown[follow_up_at:]
    with bot.services.unit() as u:
        bot.clock.now += timedelta(days=7)
        assert "focus:1" not in u.surveys.follow_ups(1)  # asked once
    return shown


def test_the_managers_one_on_one_prep_shows_the_teams_open_focus(running_bot):
    bot = running_bot
    view = _open_form(bot, "UMGR", _closed_round(bot))
    bot.actor.submit_view(None, view, {"theme": "relationship with manager", "action": "Weekly deal reviews",
                                       "due": "2026-12-24"}, user_id="UMGR")
    ids = person_ids(bot)

    def prep_text() -> str:
        with bot.services.unit() as u:
            prep = StoredPrep(u, threshold=5).prep(rep_id=ids["UREP5"], manager_id=ids["UMGR"], since=None,
                                                   today=bot.clock.now.date())
        return block_texts(prep_blocks(Translator.for_person("en-US"), prep, currency="USD"))

    assert "Team focus: Relationship with the manager: Weekly deal reviews, by Dec 24, 2026" in prep_text()
    with bot.services.unit() as u:
        u.focuses.mark_done(focus_id=1, now=u.now)
    assert "Team focus" not in prep_text()  # done: no longer on the agenda


def test_the_coaching_pack_lists_the_focus_its_outcome_and_the_follow_up_average(running_bot):
    bot = running_bot
    _next_round_with_its_follow_up(bot)
    rows = list(pack_clicked(bot, "UMGR", "UMGR", "2026-12")["History"].iter_rows(values_only=True))
    assert rows[1][:6] == ("focus", "Hunters", "–", "–", "Relationship with the manager", "Weekly deal reviews")
    assert rows[1][8:] == ("open", "–", "–", 3.3)


def test_a_focus_reminder_due_at_night_waits_for_the_managers_working_morning(running_bot):
    from datetime import UTC, datetime

    from storage.models import OutboxMessage

    bot = running_bot
    view = _open_form(bot, "UMGR", _closed_round(bot))
    bot.actor.submit_view(None, view, {"theme": "relationship with manager", "action": "Weekly deal reviews",
                                       "due": "2026-12-24"}, user_id="UMGR")
    bot.clock.now = datetime(2026, 12, 17, 22, 0, tzinfo=UTC)  # Friday 00:00 in Vilnius, a week before the date
    assert "and 1 focus reminder(s)" in bot.job("remind")
    with bot.services.sessions.begin() as s:
        waits = s.scalar(select(OutboxMessage.available_at).where(OutboxMessage.key == "focus:1:reminder"))
    assert waits == datetime(2026, 12, 18, 7, 0, tzinfo=UTC)  # Friday 09:00 in Vilnius


def test_a_second_focus_for_the_round_is_refused_and_a_manager_with_one_of_the_teams_reps_sees_none_of_its_focus(
        running_bot):
    from nudge_fixtures import add_other_team

    bot = running_bot
    results = _closed_round(bot)
    view = _open_form(bot, "UMGR", results)
    bot.actor.submit_view(None, view, {"theme": "relationship with manager", "action": "Weekly deal reviews",
                                       "due": "2026-12-24"}, user_id="UMGR")
    again = _open_form(bot, "UMGR", results)
    assert "This round has its focus already" in block_texts(again["blocks"])
    ids = {**person_ids(bot), **add_other_team(bot)}
    with bot.services.sessions.begin() as s:  # Omar gets one of Hunters' reps: he sees them, not the team's surveys
        from storage.models import Person

        s.get(Person, ids["UREP5"]).manager_id = ids["UMGR2"]
    rows = list(pack_clicked(bot, "UMGR2", "UMGR2", "2026-12")["History"].iter_rows(values_only=True))
    assert rows[1:] == []  # Hunters' focus is for those who may see Hunters' surveys


def test_withheld_results_offer_no_focus_and_an_admins_own_theme_is_escaped_where_it_is_mrkdwn():
    from bot.surveys.admin import TeamHistory
    from bot.surveys.admin_views import latest_results
    from bot.surveys.focus_views import shared_message
    from surveys.focus import Focus, ThemeScore
    from surveys.results import QuestionResult, RoundSummary

    t = Translator.for_person("en-US")
    focus = Focus(1, 1, 1, 1, "<!channel> <@U123>", "Act", date(2026, 12, 24), True, 9, MONDAY)
    _, blocks = shared_message(t, focus, ThemeScore("<!channel> <@U123>", 3.2, None), team="Hunters")
    shown = block_texts(blocks)
    assert "<!channel>" not in shown and "&lt;!channel&gt; &lt;@U123&gt; · 3.2 of 5" in shown
    withheld = RoundSummary(8, 3, 5, (QuestionResult("manager", 3, None),), ())
    for summary, offered in ((withheld, False), (RoundSummary(8, 6, 5, (QuestionResult("manager", 6, 3.5),), ()),
                                                 True)):
        _, blocks = latest_results(t, TeamHistory("Hunters", [(date(2026, 12, 4), summary)], latest_round=7))
        assert ("focus_choose" in str(blocks)) is offered
