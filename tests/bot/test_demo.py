"""`salescoach demo` plays a whole round through the production paths and writes its transcript."""

from bot.cli import main


def test_demo_runs_a_round_end_to_end_and_writes_the_transcript(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    transcript = (tmp_path / "transcript.md").read_text(encoding="utf-8")
    assert "6 of 8 people answered (75%)" in transcript
    assert "eNPS +50 (promoters 4 · passives 1 · detractors 1)" in transcript
    assert "duplicate posts: 0" in transcript
    assert transcript.count("Block Kit Builder: https://app.slack.com/block-kit-builder/#") >= 10
    assert "Emily Carter (America/Los_Angeles, en-US) gets the survey DM at Mon 09:00 local time" in transcript
    assert "## What each person saw in Slack" in capsys.readouterr().out
    assert "Sara Karimi (Asia/Tehran, fa-IR) gets a reminder" in transcript
    assert "Emily Carter (America/Los_Angeles, en-US) gets a reminder" in transcript  # week 2 only
    assert "Nur Aisyah (Asia/Kuala_Lumpur, ms-MY) gets a reminder" not in transcript  # she always answers
    assert "3 of 8 people answered (38%)" in transcript and "Results are withheld" in transcript
    charts = sorted(tmp_path.glob("pulse-*.png"))
    assert len(charts) == 2 and all(c.read_bytes().startswith(b"\x89PNG") for c in charts)
