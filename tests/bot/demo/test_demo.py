"""`salescoach demo` plays a whole round through the production paths and writes its transcript.

The demo's people speak English, Malay, Chinese, Lithuanian and Persian on purpose: each sees the survey and its
reminders in their own language, and the timeline tells the kinds of messages apart whatever their language."""

import subprocess

import pytest
from conftest import once_per_run

from bot.demo.run import PEOPLE, TEAM
from bot.i18n import Translator

FIRST_REMINDER = ("A reminder: the pulse survey for {team} is waiting for you above. It takes about a minute, and "
                  "it closes {closes}.")
LAST_REMINDER = ("Last reminder: the pulse survey for {team} closes {closes}. Your voice counts, and it stays "
                 "anonymous.")


def _seen_by(transcript: str, name: str) -> str:
    """The messages one person saw, from "What each person saw in Slack" (without the Block Kit Builder links)."""
    section = transcript.split("## What each person saw in Slack", 1)[1]
    seen = section.split(f"### {name} — ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return "\n".join(line for line in seen.splitlines() if not line.startswith("  Block Kit Builder: "))


def _up_to(t: Translator, message: str, placeholder: str, **values: str) -> str:
    """The reader's translation of `message` up to the value of `placeholder` (a time that depends on the day)."""
    return t.gettext(message, **values, **{placeholder: "\0"}).split("\0")[0]


@pytest.fixture(scope="module")
def demo(installed, tmp_path_factory):
    """One run of the demo for the whole run (each worker's share of this module reads the same one), by the
    `salescoach` command of the built wheel (the README's first command, from outside the source tree): its output
    directory and what it printed."""

    def play(folder):
        out = folder / "out"
        out.mkdir()
        done = subprocess.run([str(installed), "demo", "--out", str(out)], cwd=out, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(out)}, timeout=300)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        (folder / "stdout.txt").write_text(done.stdout, encoding="utf-8")

    folder = once_per_run(tmp_path_factory, "demo", play)
    return folder / "out", (folder / "stdout.txt").read_text(encoding="utf-8")


def test_demo_runs_a_round_end_to_end_and_writes_the_transcript(demo):
    tmp_path, _ = demo
    transcript = (tmp_path / "transcript.md").read_text(encoding="utf-8")
    assert "6 of 8 people answered (75%)" in transcript  # Daniel, the manager, reads English
    assert "eNPS +50 (promoters 4 · passives 1 · detractors 1)" in transcript
    assert "duplicate posts: 0" in transcript
    assert transcript.count("Block Kit Builder: https://app.slack.com/block-kit-builder/#") >= 10
    assert "Emily Carter (America/Los_Angeles, en-US) gets the survey DM at Mon 09:00 local time" in transcript
    assert "## What each person saw in Slack" in transcript
    assert "Sara Karimi (Asia/Tehran, fa-IR) gets a reminder" in transcript
    assert "Rūta Kazlauskienė (Europe/Vilnius, lt-LT) gets a reminder" in transcript  # week 2 only
    assert "Emily Carter (America/Los_Angeles, en-US) gets a reminder" in transcript  # week 2 only
    assert "Nur Aisyah (Asia/Kuala_Lumpur, ms-MY) gets a reminder" not in transcript  # she always answers
    assert "3 of 8 people answered (38%)" in transcript and "Results are withheld" in transcript
    charts = sorted(tmp_path.glob("pulse-*.png"))
    assert len(charts) == 2 and all(c.read_bytes().startswith(b"\x89PNG") for c in charts)


def test_the_terminal_gets_the_story_in_at_most_150_lines_and_the_links_only_in_the_transcript(demo):
    printed = demo[1]
    assert len(printed.splitlines()) <= 150
    assert "block-kit-builder" not in printed and max(len(line) for line in printed.splitlines()) < 300
    assert printed.rstrip().endswith("each with a Block Kit Builder link")
    assert "duplicate posts: 0" in printed


def test_each_rep_sees_the_survey_and_the_reminders_in_their_own_language(demo):
    transcript = (demo[0] / "transcript.md").read_text(encoding="utf-8")
    reps = [p for p in PEOPLE if p.role == "rep"]
    assert {p.locale.split("-")[0] for p in reps} >= {"en", "ms", "zh", "lt", "fa"}
    for p in reps:
        t = Translator.for_person(p.locale, p.tz)
        assert transcript.count(f"{p.name} ({p.tz}, {p.locale}) gets the survey DM at Mon 09:00 local time") == 2
        seen = _seen_by(transcript, p.name)
        assert seen.count("    # " + t.gettext("Pulse survey for {team}", team=TEAM)) == 2, p.name
        if p.locale.startswith("en"):
            continue
        assert "Pulse survey for" not in seen and "reminder" not in seen.lower(), p.name
    sara = next(p for p in reps if p.name == "Sara Karimi")  # never answers: both reminders, both weeks
    t = Translator.for_person(sara.locale, sara.tz)
    seen = _seen_by(transcript, sara.name)
    assert seen.count(_up_to(t, FIRST_REMINDER, "closes", team=TEAM)) == 2
    assert seen.count(_up_to(t, LAST_REMINDER, "closes", team=TEAM)) == 2
    persian = [line.strip().removeprefix("# ") for line in seen.splitlines() if "Kuala Lumpur Hunters" in line]
    assert persian and all(line.startswith("\u200f") for line in persian)  # each line starts right to left
    assert "۲۰:۳۰" in seen  # the round closes at 20:30 in Tehran, written in Persian digits
    assert transcript.count(f"{sara.name} ({sara.tz}, {sara.locale}) gets a reminder") == 4


def test_the_demo_asks_for_help_on_a_nudged_deal_and_the_manager_adds_it_to_the_one_on_one(demo):
    _, printed = demo
    assert "Nur Aisyah clicks Need help on the deal and writes a note -> Daniel Okafor's DM:" in printed
    assert "*Nur Aisyah asks for your help with a deal*" in printed
    assert "Help with Maybank: The CFO wants a discount above my limit. Can you approve 8%?" in printed


def test_the_demo_plays_the_focus_loop_between_the_two_weeks(demo):
    _, printed = demo
    assert "Daniel Okafor clicks Choose a focus under the results -> the modal suggests" in printed
    assert "You said: Sales targets and support · 3.7 of 5" in printed
    assert ("week 2's survey adds the focus's follow-up question: Has “Sales targets and support” improved since "
            "the last survey?") in printed
    assert "3 answer in the survey's modal, each submission a signed request over HTTP" in printed


def test_the_demo_records_a_loss_reason_shares_one_intel_item_and_resolves_one_complaint(demo):
    out, printed = demo
    assert "a DM asking why a deal was lost (local time): Nur Aisyah (Tue 11:00)" in printed
    assert "the DM now reads: :white_check_mark: Direkodkan: Pesaing · kalah kepada Acme CRM" in printed
    assert "#kl-intel: :mag: *Competitor move from Chen Wei*" in printed
    assert "a complaint's half-time nudge (local time): Nur Aisyah (Tue 13:30)" in printed
    assert "Nur Aisyah clicks Resolved after the half-time nudge -> the DM is edited in place" in printed
    assert "Maybank" in _seen_by((out / "transcript.md").read_text(encoding="utf-8"), "Nur Aisyah")
