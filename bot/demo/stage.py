"""The demo's cast and stage: the team, what each rep answers, the script's clock, waiting for the bot, and what
each act of the demo (bot.demo.coaching, .nudges, .recognition) may use of the running demo."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.bootstrap import Services
    from bot.slack_double import SlackActor, SlackDouble


@dataclass(frozen=True)
class Person:
    slack_id: str
    name: str
    email: str
    role: str
    tz: str
    locale: str


TEAM = "Kuala Lumpur Hunters"
PEOPLE = (
    Person("UDANIEL", "Daniel Okafor", "daniel@example.com", "manager", "Asia/Kuala_Lumpur", "en-US"),
    Person("UAISYAH", "Nur Aisyah", "aisyah@example.com", "rep", "Asia/Kuala_Lumpur", "ms-MY"),
    Person("UWEI", "Chen Wei", "wei@example.com", "rep", "Asia/Shanghai", "zh-CN"),
    Person("ULINA", "Li Na", "lina@example.com", "rep", "Asia/Shanghai", "zh-CN"),
    Person("URUTA", "Rūta Kazlauskienė", "ruta@example.com", "rep", "Europe/Vilnius", "lt-LT"),
    Person("UDARIUS", "Darius Rahimi", "darius@example.com", "rep", "Asia/Tehran", "fa-IR"),
    Person("USARA", "Sara Karimi", "sara@example.com", "rep", "Asia/Tehran", "fa-IR"),
    Person("UEMILY", "Emily Carter", "emily@example.com", "rep", "America/Los_Angeles", "en-US"),
    Person("UTOM", "Tom Walker", "tom@example.com", "rep", "Europe/London", "en-GB"),
)
# What each rep clicks: (eNPS, "my manager helps me win deals", "confident in this quarter's number")
ANSWERS = {"UAISYAH": (9, 4, 4), "UWEI": (10, 5, 3), "ULINA": (7, 4, 4), "URUTA": (9, 3, 2),
           "UDARIUS": (6, 4, 3), "UEMILY": (10, 5, 5)}
QUESTIONS = ["enps", "manager", "quota_confidence"]


class DemoClock:
    """The bot's clock in the demo: set by the script, so a week plays in seconds."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def next_monday(today: date) -> datetime:
    days = (7 - today.weekday()) % 7 or 7
    return datetime.combine(today + timedelta(days=days), datetime.min.time(), tzinfo=UTC)


class Stage(Protocol):
    """What an act of the demo uses of the running demo (bot.demo.run builds it)."""

    slack: SlackDouble
    actor: SlackActor
    services: Services
    clock: DemoClock
    monday: datetime
    out_dir: Path
    log: list[str]
    say: Callable[..., None]

    def note(self, text: str, *, quiet: bool = False) -> None: ...

    def show(self, lines: list[str]) -> None: ...
    def tick(self, *jobs: str, quiet: bool = False) -> None: ...


def wait(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Wait for what a listener does after its ack (Slack gets the ack first)."""
    pause, waited = threading.Event(), 0.0
    while waited < timeout:
        value = predicate()
        if value:
            return value
        pause.wait(0.01)
        waited += 0.01
    raise TimeoutError("the bot did not act in time")
