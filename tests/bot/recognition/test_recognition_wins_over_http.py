"""Wins over signed HTTP and the scheduler's path: a deal an import turns won is posted once (re-imports and re-runs
post nothing), the quota milestone, and a win a rep logs with /win, shown as logged."""

import csv
from datetime import timedelta

import pytest
from conftest import eventually, with_recognition_channel

from bot import ids
from storage.crm.importer import import_crm_file
from storage.recognition.models import Win

CHANNEL = "CWINS001"
HEADER = ["external_id", "owner", "stage", "account", "amount", "engaged_on", "closed_on"]


@pytest.fixture
def bot(running_bot):
    return with_recognition_channel(running_bot, CHANNEL, "wins")


def write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_file(bot, kind, path):
    with bot.services.unit() as u:
        return import_crm_file(u.session, kind=kind, path=path, now=u.now)


def posts(bot):
    return bot.slack.messages(CHANNEL)


def test_a_deal_an_import_turns_won_is_posted_once_whatever_reimports_and_reruns_do(bot, tmp_path):
    deals = write(tmp_path / "deals.csv", HEADER, [
        ["D-1", "rep1@example.com", "open", "Acme Sdn Bhd", "48000", "2026-10-01", ""],
        ["D-2", "rep2@example.com", "lost", "Globex", "9000", "2026-10-05", "2026-11-20"]])
    import_file(bot, "deals", deals)
    assert bot.job("announce_wins").startswith("announced 0 win(s)")
    won = write(tmp_path / "deals-2.csv", HEADER, [
        ["D-1", "rep1@example.com", "won", "Acme Sdn Bhd", "48000", "2026-10-01", "2026-11-20"],
        ["D-2", "rep2@example.com", "lost", "Globex", "9000", "2026-10-05", "2026-11-20"]])
    import_file(bot, "deals", won)
    assert bot.job("announce_wins") == "announced 1 win(s), queued 1 post(s)"
    import_file(bot, "deals", won)  # the same file again
    assert bot.job("announce_wins") == "announced 0 win(s), queued 0 post(s)"
    assert bot.job("announce_wins", bot.clock.now + timedelta(minutes=1)).startswith("announced 0")
    bot.deliver()
    assert len(posts(bot)) == 1
    text = posts(bot)[0]["blocks"][0]["text"]["text"]
    assert text == ":trophy: <@UREP1> won *Acme Sdn Bhd* — $48,000 · closed in 50 days"
    assert "Closed on Nov 20, 2026, from the CRM." in str(posts(bot)[0]["blocks"])


def test_an_old_won_deal_arriving_in_a_first_import_is_history_not_news(bot, tmp_path):
    import_file(bot, "deals", write(tmp_path / "deals.csv", HEADER, [
        ["D-7", "rep1@example.com", "won", "Initech", "5000", "2026-01-01", "2026-02-01"]]))
    assert bot.job("announce_wins").startswith("announced 0 win(s)")


def test_the_win_that_takes_a_rep_past_their_quota_also_posts_the_milestone_once(bot, tmp_path):
    import_file(bot, "quotas", write(tmp_path / "quotas.csv", ["owner", "period_start", "amount", "period_kind"],
                                     [["rep3@example.com", "2026-11-01", "50000", "month"]]))
    import_file(bot, "deals", write(tmp_path / "a.csv", HEADER, [
        ["D-10", "rep3@example.com", "won", "Umbrella", "30000", "2026-10-01", "2026-11-18"]]))
    assert bot.job("announce_wins") == "announced 1 win(s), queued 1 post(s)"  # 60%: no milestone
    import_file(bot, "deals", write(tmp_path / "b.csv", HEADER, [
        ["D-11", "rep3@example.com", "won", "Stark", "25000", "2026-10-20", "2026-11-21"]]))
    assert bot.job("announce_wins") == "announced 1 win(s), queued 2 post(s)"  # the win and the milestone
    bot.deliver()
    texts = [m["blocks"][0]["text"]["text"] for m in posts(bot)]
    assert texts[-1] == ":dart: <@UREP3> passed 100% of quota for 2026-11: $55,000 of $50,000 (110%)."
    assert len(texts) == 3


def _open_win_modal(bot, user, text=""):
    assert bot.actor.slash_command(None, "/win", text, user_id=user).status == 200
    return eventually(lambda: next((v for v in bot.slack.open_views.values() if v["callback_id"] == ids.VIEW_WIN),
                                   None))


def test_a_win_logged_with_slash_win_is_posted_once_and_shown_as_logged(bot):
    view = _open_win_modal(bot, "UREP4", "Wayne Enterprises")
    assert view["blocks"][0]["element"]["initial_value"] == "Wayne Enterprises"
    refused = bot.actor.submit_view(None, view["id"], {"amount": "lots"})
    assert refused.json() == {"response_action": "errors", "errors": {
        "amount": "'lots' is not an amount; write a number such as 12500."}}
    values = {"amount": "12500", "notes": "Signed after the third demo"}
    assert bot.actor.submit_view(None, view["id"], values, user_id="UREP4").status == 200
    post = eventually(lambda: posts(bot))
    blocks = str(post[0]["blocks"])
    assert ":trophy: <@UREP4> logged a win: *Wayne Enterprises* — $12,500" in blocks
    assert "Logged by <@UREP4> with /win on Nov 23, 2026; not counted toward quota." in blocks
    assert "&gt;Signed after the third demo" not in blocks and ">Signed after the third demo" in blocks
    bot.actor.submit_view(None, view, values, user_id="UREP4", retry_num=1)  # Slack retries the submission
    bot.deliver()
    assert len(posts(bot)) == 1
    with bot.services.sessions.begin() as session:
        assert session.query(Win).count() == 1


def test_a_logged_win_without_a_recognition_channel_is_recorded_and_the_rep_told(running_bot):
    bot = running_bot
    view = _open_win_modal(bot, "UREP5")
    assert bot.actor.submit_view(None, view["id"], {"account": "Hooli"}, user_id="UREP5").status == 200
    dm = eventually(lambda: bot.slack.messages("UREP5"))
    assert "your team has no recognition channel yet" in dm[-1]["text"]
