"""Asking for help over signed HTTP: "Need help" on a deal of the nudge DM, the rep's note, the manager's DM with
the deal's facts, and each of Reply, Add to one-on-one and Join; at most three open asks; only the rep's manager
answers; a Slack retry adds and sends nothing twice."""

from datetime import UTC, date, datetime, timedelta

from conftest import block_texts, eventually
from nudge_fixtures import add_deal, add_other_team, dms, listeners_done, pack_clicked, person_ids, set_weekly
from sqlalchemy import MetaData, func, select

from storage.followups.models import AgendaItem, HelpAsk
from storage.models import Person

MONDAY_AUCKLAND = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # Monday 23 November, 09:30 in Auckland (UREP5)
NOTE = "Their CFO went quiet <!channel> @here, can you call <@UMGR>?"


def _deals(bot) -> dict[str, int]:
    return {"big": add_deal(bot, "D-1", "UREP5", 9000.0, next_step="Send the quote", next_step_on=date(2026, 11, 20)),
            "small": add_deal(bot, "D-2", "UREP5", 100.0, account="Globex")}


def _nudge(bot) -> dict:
    bot.clock.now = MONDAY_AUCKLAND
    bot.job("nudges")
    bot.deliver()
    (dm,) = dms(bot, "UREP5", "Follow-ups for today")
    return dm


def _open_view(bot, callback_id: str, before: set[str]) -> dict:
    return eventually(lambda: next((v for k, v in bot.slack.open_views.items()
                                    if k not in before and v.get("callback_id") == callback_id), None))


def _ask(bot, dm: dict, deal_id: int, note: str = NOTE, *, user: str = "UREP5", retries: int = 0):
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        assert bot.actor.click(None, user, dm, f"ask_help:{deal_id}").status == 200
    view = eventually(lambda: next((v for k, v in bot.slack.open_views.items() if k not in before), None))
    if view.get("callback_id") != "ask_help_view":
        return view  # a notice: why this rep cannot ask now
    answers = []
    with listeners_done(bot, 1 + retries):
        for retry in [None, *range(1, retries + 1)]:
            answers.append(bot.actor.submit_view(None, view, {"note": note}, user_id=user, retry_num=retry))
    return answers[0]


def _count(bot, model) -> int:
    with bot.services.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _manager_dm(bot, manager: str = "UMGR") -> dict:
    (dm,) = eventually(lambda: dms(bot, manager, "asks for your help"))
    return dm


def test_need_help_sends_the_manager_the_deals_facts_and_the_note_once_and_no_mention_pings(running_bot):
    bot = running_bot
    deals = _deals(bot)
    bot.clock.now = MONDAY_AUCKLAND
    assert bot.actor.app_home_opened(None, "UREP5").status == 200  # App Home has Need help on each deal too
    assert eventually(lambda: [c for c in bot.slack.calls_to("views.publish")
                               if f"ask_help:{deals['big']}" in str(c.params.get("view"))])
    answer = _ask(bot, _nudge(bot), deals["big"], retries=2)  # Slack retries the submission twice
    assert answer.json()["response_action"] == "update"
    assert "Sent to Maria Manager" in block_texts(answer.json()["view"]["blocks"])
    assert _count(bot, HelpAsk) == 1
    shown = block_texts(_manager_dm(bot)["blocks"])
    assert "Rep 5 asks for your help with a deal" in shown
    assert "*Acme* · D-1 · $9,000 · Proposal" in shown
    assert "Stage: Proposal" in shown and "Amount: $9,000" in shown
    assert "Days without activity: 21" in shown  # 1 to 22 November: in Vilnius, the manager's today, it is Sunday
    assert "Next step: Send the quote" in shown
    assert "&lt;!channel&gt;" in shown and "&lt;@UMGR&gt;" in shown and "<!channel>" not in shown
    assert "@\u2060here" in shown  # a bare @here is broken by a word joiner: it pings nobody
    assert len(dms(bot, "UMGR", "asks for your help")) == 1


def test_reply_relays_the_managers_words_then_add_to_one_on_one_puts_the_ask_on_the_agenda(running_bot):
    bot = running_bot
    deals = _deals(bot)
    _ask(bot, _nudge(bot), deals["big"])
    dm = _manager_dm(bot)
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", dm, "ask_answer:reply")
    view = _open_view(bot, "ask_reply_view", before)
    assert bot.actor.submit_view(None, view, {"reply": "   "}, user_id="UMGR").json()["response_action"] == "errors"
    with listeners_done(bot, 2):
        for retry in (None, 1):
            assert bot.actor.submit_view(None, view, {"reply": "Call me at 3 <!here>"}, user_id="UMGR",
                                         retry_num=retry).status == 200
    (told,) = eventually(lambda: dms(bot, "UREP5", "replied about"))
    assert "Maria Manager replied about *Acme* · D-1 · $9,000 · Proposal:" in block_texts(told["blocks"])
    assert "> Call me at 3 &lt;!here&gt;" in block_texts(told["blocks"])
    (dm,) = eventually(lambda: dms(bot, "UMGR", "You replied."))
    assert "ask_answer:reply" not in str(dm["blocks"]) and "ask_answer:agenda" in str(dm["blocks"])
    with bot.services.sessions.begin() as s:
        ask = s.scalar(select(HelpAsk))
        assert (ask.answers, ask.answered_at) == ("reply", MONDAY_AUCKLAND)
    set_weekly(bot)  # then the same ask goes on their one-on-one's agenda too
    bot.clock.now = MONDAY_AUCKLAND + timedelta(hours=1)
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", dm, "ask_answer:agenda")
    (dm,) = eventually(lambda: dms(bot, "UMGR", "Added to your next one-on-one."))
    assert "You replied." in block_texts(dm["blocks"]) and "ask_answer:agenda" not in str(dm["blocks"])
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(HelpAsk.answers)) == "reply,agenda"  # answered at the first: the reply
        assert s.scalar(select(HelpAsk.answered_at)) == MONDAY_AUCKLAND
        assert s.scalars(select(AgendaItem.text)).all() == [f"Help with Acme: {' '.join(NOTE.split())}"]


def test_add_to_one_on_one_adds_a_talking_point_once_and_without_a_one_on_one_is_refused(running_bot):
    bot = running_bot
    deals = _deals(bot)
    _ask(bot, _nudge(bot), deals["big"])
    dm = _manager_dm(bot)
    posts = len(bot.slack.response_posts)
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", dm, "ask_answer:agenda")
    refused = eventually(lambda: bot.slack.response_posts[posts:] and bot.slack.response_posts[posts])
    assert "You have no one-on-one with Rep 5 yet" in str(refused["body"])
    assert _count(bot, AgendaItem) == 0 and _count(bot, HelpAsk) == 1
    set_weekly(bot)
    bot.clock.now = MONDAY_AUCKLAND
    with listeners_done(bot, 2):
        bot.actor.click(None, "UMGR", dm, "ask_answer:agenda")
        bot.actor.click(None, "UMGR", dm, "ask_answer:agenda")  # clicked again before the DM was settled
    with bot.services.sessions.begin() as s:
        (item,) = s.scalars(select(AgendaItem)).all()
        assert item.text == f"Help with Acme: {' '.join(NOTE.split())}"
    assert eventually(lambda: dms(bot, "UREP5", "added *Acme* · D-1 · $9,000 · Proposal to your next one-on-one"))


def test_join_offers_the_rep_to_join_their_next_call(running_bot):
    bot = running_bot
    deals = _deals(bot)
    _ask(bot, _nudge(bot), deals["small"], note="")
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", _manager_dm(bot), "ask_answer:join")
    assert eventually(lambda: dms(bot, "UREP5", "Maria Manager offers to join your next call on *Globex*"))
    assert eventually(lambda: dms(bot, "UMGR", "You offered to join the next call."))


def test_a_rep_has_at_most_three_open_asks_and_asks_only_about_their_own_deals(running_bot):
    bot = running_bot
    deals = _deals(bot)
    dm = _nudge(bot)
    for _ in range(3):
        _ask(bot, dm, deals["small"])
    fourth = _ask(bot, dm, deals["big"])
    assert "You have 3 open asks. Wait for an answer to one before asking again." in block_texts(fourth["blocks"])
    assert _count(bot, HelpAsk) == 3
    forged = _ask(bot, dm, deals["big"], user="UREP4")  # another rep clicks with UREP5's deal id
    assert "Only the deal's owner can ask for help with it." in block_texts(forged["blocks"])
    assert _count(bot, HelpAsk) == 3


def test_only_the_reps_manager_as_the_org_chart_stands_now_may_answer(running_bot):
    bot = running_bot
    deals = _deals(bot)
    add_other_team(bot)
    _ask(bot, _nudge(bot), deals["big"])
    dm = _manager_dm(bot)
    posts = len(bot.slack.response_posts)
    with listeners_done(bot):
        bot.actor.click(None, "UMGR2", dm, "ask_answer:join")  # another manager, a forged click
    refused = eventually(lambda: bot.slack.response_posts[posts:] and bot.slack.response_posts[posts])
    assert "Only the rep's manager answers their asks." in str(refused["body"])
    ids = person_ids(bot)
    with bot.services.sessions.begin() as s:  # Rep 5 moves to Omar
        s.get(Person, ids["UREP5"]).manager_id = ids["UMGR2"]
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", dm, "ask_answer:join")  # Maria is no longer their manager
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(HelpAsk.answered_at)) is None
    assert not dms(bot, "UREP5", "offers to join")


def _two_asks_one_joined_three_hours_later(bot) -> None:
    deals = _deals(bot)
    dm = _nudge(bot)
    _ask(bot, dm, deals["big"])
    _ask(bot, dm, deals["small"], note="")
    bot.clock.now = MONDAY_AUCKLAND + timedelta(hours=3)
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", dms(bot, "UMGR", "asks for your help")[0], "ask_answer:join")


def test_the_managers_weekly_digest_counts_the_asks_answers_and_median_time_to_answer(running_bot):
    bot = running_bot
    _two_asks_one_joined_three_hours_later(bot)
    monday = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 08:00 in Vilnius, when Maria's digest is due
    bot.clock.now = monday
    assert bot.job("digests", monday).startswith("queued 2 digest")
    bot.deliver()
    (digest,) = dms(bot, "UMGR", "Coaching digest")
    assert ("Asks for help in the last 7 days: 2 asked, 1 answered, median time to answer 3.0 h"
            in block_texts(digest["blocks"]))


def test_the_coaching_packs_history_sheet_lists_each_ask_and_its_answer_without_the_reps_note(running_bot):
    bot = running_bot
    _two_asks_one_joined_three_hours_later(bot)
    book = pack_clicked(bot, "UMGR", "UMGR", "2026-11")
    rows = list(book["History"].iter_rows(values_only=True))
    assert rows == [
        ("kind", "team", "rep", "email", "subject", "action", "started_at", "due", "outcome", "ended_at",
         "hours_to_answer", "follow_up_average"),
        ("ask", "–", "Rep 5", "rep5@example.com", "Acme · D-1", "–", datetime(2026, 11, 22, 20, 30), "–", "join",
         datetime(2026, 11, 22, 23, 30), 3.0, "–"),
        ("ask", "–", "Rep 5", "rep5@example.com", "Globex · D-2", "–", datetime(2026, 11, 22, 20, 30), "–", "open",
         "–", "–", "–")]
    everything = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert not [cell for cell in everything if isinstance(cell, str) and "CFO" in cell]  # the note stays in the DM


def test_a_long_note_becomes_a_talking_point_cut_to_the_agendas_limit(running_bot):
    bot = running_bot
    deals = _deals(bot)
    _ask(bot, _nudge(bot), deals["big"], note="Pricing " * 125)  # 1,000 characters
    set_weekly(bot)
    bot.clock.now = MONDAY_AUCKLAND
    with listeners_done(bot):
        bot.actor.click(None, "UMGR", _manager_dm(bot), "ask_answer:agenda")
    with bot.services.sessions.begin() as s:
        (item,) = s.scalars(select(AgendaItem.text)).all()
    assert len(item) == 500 and item.startswith("Help with Acme: Pricing Pricing") and item.endswith("…")


def test_asks_to_a_former_manager_do_not_count_against_the_three(running_bot):
    bot = running_bot
    deals = _deals(bot)
    add_other_team(bot)
    dm = _nudge(bot)
    for _ in range(3):
        _ask(bot, dm, deals["small"])
    ids = person_ids(bot)
    with bot.services.sessions.begin() as s:  # Rep 5 moves to Omar, who never got those asks
        s.get(Person, ids["UREP5"]).manager_id = ids["UMGR2"]
    assert _ask(bot, dm, deals["big"]).json()["response_action"] == "update"
    assert eventually(lambda: dms(bot, "UMGR2", "asks for your help"))


def test_deleting_a_rep_leaves_no_note_of_theirs_in_the_database_even_before_its_dm_went_out(running_bot,
                                                                                             monkeypatch):
    from bot.cli.main import main

    bot = running_bot
    deals = _deals(bot)
    dm = _nudge(bot)
    bot.slack.fail_next("chat.postMessage", status=500, count=50)  # Slack is down: the manager's DM waits
    _ask(bot, dm, deals["big"], note="Secret discount for Acme, 8 percent")
    assert not dms(bot, "UMGR", "asks for your help")
    url = bot.services.engine.url.render_as_string(hide_password=False)
    assert _rows_holding(bot, "Secret discount")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SLACK_API_URL", bot.slack.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", bot.slack.bot_token)
    assert main(["person", "delete", "rep5@example.com", "--yes"]) == 0
    assert _rows_holding(bot, "Secret discount") == []


def _rows_holding(bot, words: str) -> list[tuple]:
    """Every row of every table, as a database dump holds them, that contains `words`."""
    metadata = MetaData()
    with bot.services.engine.connect() as conn:
        metadata.reflect(conn)
        return [tuple(row) for table in metadata.sorted_tables for row in conn.execute(select(table))
                if words in str(tuple(row))]
