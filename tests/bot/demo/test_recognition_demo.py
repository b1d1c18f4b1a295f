"""The demo's recognition part, played on its own: an imported won deal posted once, a kudos with a value, the
weekly shout-out once."""

from pathlib import Path

from bot.demo.recognition import play_recognition
from bot.demo.run import _Demo
from bot.slack_double import SlackDouble


def test_the_recognition_demo_posts_the_won_deal_once_a_kudos_and_one_shout_out(tmp_path):
    with SlackDouble() as slack:
        demo = _Demo(slack, tmp_path, Path(tmp_path), lambda *args: None)
        try:
            demo.import_roster()
            play_recognition(demo)
        finally:
            demo.stop()
        posts = slack.messages("CKLWINS01")
    log = "\n".join(demo.log)
    assert [m["text"].split(",")[0] for m in posts] == [
        "Chen Wei won Petronas Dagangan", "Nur Aisyah gave kudos to Chen Wei", "Shout-outs for Kuala Lumpur Hunters"]
    assert "1 newly won" in log and "announced 1 win(s), queued 1 post(s)" in log
    assert log.count("#kl-wins: nothing new") == 2  # before the deal is won, and after the same file again
    assert "— $185,000 · closed in 47 days" in log and "*#customer-first*" in log
    assert "Most thanked by colleagues: *Chen Wei* (1)" in log and "shout_outs again an hour later: posted 0" in log
