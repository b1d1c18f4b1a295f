"""`salescoach demo`: the real bot over HTTP against the built-in Slack double, playing one survey round.

Everything goes through the production paths: signed requests to /slack/events, scheduler jobs run at
chosen instants, the outbox and the delivery service. It prints the story in about a hundred lines and writes the
whole transcript of what each person saw.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import build_app
from bot.bootstrap import bootstrap
from bot.demo.coaching import play_coaching
from bot.demo.field import play_complaint, play_intel, play_loss_reason
from bot.demo.focus import play_focus, show_follow_up
from bot.demo.nudges import play_nudges
from bot.demo.recognition import play_recognition
from bot.demo.stage import ANSWERS, PEOPLE, QUESTIONS, TEAM, DemoClock, Person, next_monday, wait
from bot.demo.transcript import blocks_to_text, builder_link
from bot.people.directory import import_roster
from bot.runtime.jobs import run_job
from bot.runtime.server import events_url, serving
from bot.settings import Settings
from bot.slack_double import SlackActor, SlackDouble

SHOWN_LINES = 5  # lines of a message the terminal shows; the transcript holds them all


def run_demo(*, out: str = "demo-output", quiet: bool = False) -> int:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack:
        demo = _Demo(slack, Path(tmp), out_dir, print if not quiet else (lambda *a: None))
        try:
            demo.play()
        finally:
            demo.stop()
    return 0


class _Demo:
    def __init__(self, slack: SlackDouble, tmp: Path, out_dir: Path, say: Callable[..., None]) -> None:
        self.slack, self.out_dir, self.say = slack, out_dir, say
        self.log: list[str] = []
        monday = next_monday(datetime.now(UTC).date())
        self.monday = monday
        self.clock = DemoClock(monday - timedelta(days=3))
        for p in PEOPLE:
            slack.add_user(p.email.split("@")[0], id=p.slack_id, email=p.email, real_name=p.name, tz=p.tz,
                           locale=p.locale)
        settings = Settings(database_url=f"sqlite:///{tmp}/demo.db", slack_api_url=slack.api_url,
                            slack_bot_token=slack.bot_token, slack_signing_secret=slack.signing_secret)
        self.services = bootstrap(settings, clock=self.clock)
        self._running = ExitStack()
        self.server = self._running.enter_context(serving(build_app(self.services, token_verification=True),
                                                          self.services, threads=4))
        self.url = events_url(self.server)
        self.actor = SlackActor(slack, self.url)
        self.click_ms: list[float] = []

    def stop(self) -> None:
        self._running.close()
        self.services.close()

    def note(self, text: str, *, quiet: bool = False) -> None:
        """A line of the transcript's timeline; printed too unless `quiet` (the terminal gets a summary)."""
        stamp = self.clock.now.strftime("%a %H:%M UTC")
        line = f"[{stamp}] {text}"
        self.log.append(line)
        if not quiet:
            self.say(line)

    def show(self, lines: list[str]) -> None:
        """A message's text: all of it in the transcript, its first lines on the terminal."""
        indented = ["      " + line for line in lines]
        self.log.extend(indented)
        more = len(indented) - SHOWN_LINES
        self.say("\n".join(indented[:SHOWN_LINES] + ([f"      … {more} more line(s) in the transcript"]
                                                       if more > 0 else [])))

    def play(self) -> None:
        self.say(f"salescoach demo: the real bot on {self.url}, Slack double on {self.slack.api_url}\n")
        self.import_roster()
        self.create_survey_with_pulse()
        self.week(1, ANSWERS)
        play_focus(self)  # the manager picks one thing to change; week 2 asks whether it helped
        # Week 2: only three answer, so every figure is withheld and the chart shows a gap.
        self.week(2, {k: ANSWERS[k] for k in list(ANSWERS)[:3]})
        play_coaching(self)
        play_recognition(self)
        play_nudges(self)
        self.say("\n== Field intelligence ==")
        play_loss_reason(self)
        play_intel(self)
        play_complaint(self)
        self.write_transcript()

    def week(self, number: int, answers: dict[str, tuple[int, int, int]]) -> None:
        monday = self.monday + timedelta(days=7 * (number - 1))
        self.say(f"\n== Week {number} ==")
        self.send_on_monday(monday)
        if number == 2:
            show_follow_up(self)
        self.answer(monday, answers, replay=number == 1)
        self.run_the_week(monday, brief=number > 1)

    def import_roster(self) -> None:
        roster = self.out_dir / "roster.csv"
        with roster.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["email", "name", "team", "manager_email", "role"])
            for p in PEOPLE:
                writer.writerow([p.email, p.name, TEAM, "" if p.role == "manager" else PEOPLE[0].email, p.role])
        report = import_roster(self.services, str(roster))
        self.note(f"admin: salescoach import roster {roster} -> {report.summary_line}")

    def create_survey_with_pulse(self) -> None:
        manager = PEOPLE[0]
        reply = self.actor.slash_command(None, "/pulse", user_id=manager.slack_id)
        view = wait(lambda: next(iter(self.slack.open_views.values()), None))
        self.note(f"{manager.name}: /pulse -> HTTP {reply.status}, the create-survey modal opens")
        self.actor.submit_view(None, view["id"], {"questions": QUESTIONS}, user_id=manager.slack_id)
        confirmation = wait(lambda: self.slack.messages(manager.slack_id))
        self.note(f"{manager.name} submits the modal -> {confirmation[-1]['text']}")

    def send_on_monday(self, monday: datetime) -> None:
        for half_hour in range(0, 38):  # the scheduler ticks every minute; half-hours are enough here
            self.clock.now = monday + timedelta(minutes=30 * half_hour)
            self.tick("open_rounds")

    def run_the_week(self, monday: datetime, *, brief: bool = False) -> None:
        """Hourly ticks from Monday night to Friday morning: reminders in each person's working hours, the close,
        then the results at the start of the manager's Friday (results wait for working hours). `brief`: the
        reminders in one terminal line (each is in the transcript)."""
        reminded = 0
        for hour in range(20, 24 * 4 + 2):
            self.clock.now = monday + timedelta(hours=hour)
            seen = sum(self.slack.message_count(p.slack_id) for p in PEOPLE)
            self.tick("remind", "close_rounds", quiet=brief and self.clock.now < monday + timedelta(days=3, hours=17))
            if brief and self.clock.now < monday + timedelta(days=3, hours=17):
                reminded += sum(self.slack.message_count(p.slack_id) for p in PEOPLE) - seen
                if self.clock.now == monday + timedelta(days=3, hours=16):
                    self.say(f"[{self.clock.now.strftime('%a %H:%M UTC')}] {reminded} reminders, each in its "
                             "reader's working hours, at most two a person (their times are in the transcript)")

    def tick(self, *jobs: str, quiet: bool = False) -> None:
        """Run scheduler jobs as if the clock read now, deliver, and note what each person received (`quiet`: in
        the transcript only)."""
        seen = {p.slack_id: self.slack.message_count(p.slack_id) for p in PEOPLE}
        for job in jobs:
            summary = run_job(self.services, job)
            if job == "close_rounds" and not summary.startswith("closed 0"):
                self.note("the round's window has ended: " + summary)
        self.services.delivery.drain()
        received: dict[str, list[str]] = {}
        for p in PEOPLE:
            for message in self.slack.messages(p.slack_id, since=seen[p.slack_id]):
                local = self.clock.now.astimezone(ZoneInfo(p.tz)).strftime("%a %H:%M")
                what = _kind(message)
                self.note(f"{p.name} ({p.tz}, {p.locale}) gets {what} at {local} local time", quiet=True)
                received.setdefault(what.split(":", 1)[0], []).append(f"{p.name} ({local})")
                for file in message.get("files") or []:
                    stored = self.slack.files.get(file["id"], {})
                    path = self.out_dir / str(stored.get("name", "chart.png"))
                    path.write_bytes(stored.get("content", b""))
                    self.note(f"the trend chart is saved as {path}", quiet=True)
        stamp = self.clock.now.strftime("%a %H:%M UTC")
        for what, people in received.items():  # the terminal's summary: one line per kind of message and tick
            line = f"[{stamp}] {what} (local time): {', '.join(people)}"
            self.log.append(line) if quiet else self.say(line)

    def answer(self, monday: datetime, answers: dict[str, tuple[int, int, int]], *, replay: bool) -> None:
        self.clock.now = monday + timedelta(hours=20)
        for slack_id, values in answers.items():
            person = next(p for p in PEOPLE if p.slack_id == slack_id)
            if self.in_a_modal(person):  # week 2 asks the focus's follow-up too: four questions, one modal
                self.answer_in_modal(person, {**dict(zip(QUESTIONS, values, strict=True)), "focus:1": 4})
            else:
                for question, value in zip(QUESTIONS, values, strict=True):
                    self.click(person, f"survey_answer:{question}:{value}")
            self.note(f"{person.name} answers {', '.join(f'{q}={v}' for q, v in zip(QUESTIONS, values, strict=True))}",
                      quiet=True)
        names = [p.name for p in PEOPLE if p.slack_id in answers]
        how = "in the survey's modal, each submission" if self.in_a_modal(PEOPLE[1]) else "by button, each click"
        self.say(f"[{self.clock.now.strftime('%a %H:%M UTC')}] {len(names)} answer {how} a signed request over "
                 f"HTTP: {', '.join(names)}")
        if replay:
            ruta = PEOPLE[4]
            self.click(ruta, "survey_answer:quota_confidence:3")
            self.note(f"{ruta.name} changes an answer: quota_confidence=3 (the DM is edited in place)")
            self.click(ruta, "survey_answer:quota_confidence:3", retry_num=1)
            self.note(f"Slack retries {ruta.name}'s click (X-Slack-Retry-Num: 1) -> nothing is recorded twice")
        silent = [p.name for p in PEOPLE[1:] if p.slack_id not in answers]
        self.note(f"{', '.join(silent)} do not answer")

    def _survey_dm(self, person: Person) -> dict[str, Any]:
        return next(m for m in reversed(self.slack.messages(person.slack_id))
                    if "survey_answer:" in str(m.get("blocks")) or "survey_open" in str(m.get("blocks")))

    def in_a_modal(self, person: Person) -> bool:
        """More than three questions: the survey DM's Answer button opens a modal instead of rows of buttons."""
        return "survey_open" in str(self._survey_dm(person).get("blocks"))

    def answer_in_modal(self, person: Person, values: dict[str, int]) -> None:
        before, opened = len(self.slack.calls_to("chat.update")), set(self.slack.open_views)
        self.actor.click(None, person.slack_id, self._survey_dm(person), "survey_open")
        view = wait(lambda: next((v for k, v in self.slack.open_views.items() if k not in opened), None))
        reply = self.actor.submit_view(None, view, {f"q:{q}": str(v) for q, v in values.items()},
                                       user_id=person.slack_id)
        assert reply.status == 200, reply
        wait(lambda: len(self.slack.calls_to("chat.update")) > before)

    def click(self, person: Person, action_id: str, **options: Any) -> None:
        before = len(self.slack.calls_to("chat.update"))
        message = next(m for m in reversed(self.slack.messages(person.slack_id))
                       if any(b.get("type") == "actions" for b in m.get("blocks") or []))
        started = time.perf_counter()
        reply = self.actor.click(None, person.slack_id, message, action_id, **options)
        self.click_ms.append((time.perf_counter() - started) * 1000)
        assert reply.status == 200, reply
        if "retry_num" not in options:
            wait(lambda: len(self.slack.calls_to("chat.update")) > before)

    def write_transcript(self) -> None:
        lines = ["# salescoach demo transcript", "", "## Timeline", "", *[f"- {line}" for line in self.log], ""]
        lines += ["## What each person saw in Slack", ""]
        for p in PEOPLE:
            lines.append(f"### {p.name} — {p.role}, {p.tz}, Slack locale {p.locale}")
            for message in self.slack.messages(p.slack_id):
                lines.append("")
                lines.extend(f"    [file: {f.get('title') or f.get('name')}]" for f in message.get("files") or [])
                lines.extend("    " + text for text in blocks_to_text(message.get("blocks") or []) or [message["text"]])
                edits = len(message.get("edit_history") or [])
                if edits:
                    lines.append(f"    (edited in place {edits} time(s))")
                lines.append(f"  Block Kit Builder: {builder_link(message.get('blocks') or [])}")
            lines.append("")
        posts = self.slack.calls_to("chat.postMessage")
        keys = [c.params.get("metadata", {}).get("event_payload", {}).get("key") for c in posts if c.ok]
        self.click_ms.sort()
        lines += ["## Figures", "",
                  f"- messages posted: {len(posts)}; edits in place: {len(self.slack.calls_to('chat.update'))}; "
                  f"duplicate posts: {len(keys) - len(set(keys))}",
                  f"- signed click over HTTP, answered in: median {self.click_ms[len(self.click_ms) // 2]:.1f} ms, "
                  f"max {self.click_ms[-1]:.1f} ms ({len(self.click_ms)} clicks)", ""]
        text = "\n".join(lines)
        (self.out_dir / "transcript.md").write_text(text, encoding="utf-8")
        shown = sum(len(self.slack.messages(p.slack_id)) for p in PEOPLE)
        self.say(f"\n{lines[-3][2:]}\n{lines[-2][2:]}")
        self.say(f"Transcript written to {self.out_dir / 'transcript.md'}: the whole timeline and the {shown} "
                 "messages each person saw, in their language, each with a Block Kit Builder link")


def _kind(message: dict[str, Any]) -> str:
    """What a message is, from the outbox key the delivery service puts in its metadata (survey:..., reminder:...,
    results:...), never from its text, which is in the reader's language."""
    text = str(message.get("text", ""))
    if message.get("files"):
        return "the trend chart"
    key = str(((message.get("metadata") or {}).get("event_payload") or {}).get("key") or "")
    kind = key.split(":", 1)[0]
    if kind == "results":
        return "the results DM: " + " ".join(
            str(b.get("text", {}).get("text", "")).split("\n")[0] for b in message.get("blocks", [])[1:2])
    if kind == "reminder":
        return "a reminder"
    if kind == "loss":
        return "a DM asking why a deal was lost"
    if kind == "complaint":
        return "a complaint's half-time nudge" if key.endswith(":half") else "a complaint"
    if kind == "survey":
        return "the survey DM"
    return f"a message: {text[:80]}"
