"""The composition root: builds every collaborator once from Settings (or from what a test passes in)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.chart_requests import draw
from bot.home.numbers import RepNumbers
from bot.messenger import OutboxMessenger
from bot.runtime.coalesce import Coalescer
from bot.runtime.delivery import Delivery
from bot.runtime.in_flight import InFlight
from bot.runtime.pacing import make_client
from bot.runtime.workspaces import Workspaces
from bot.settings import Settings
from storage.answer_batch import AnswerBatch
from storage.complaints.repository import ComplaintRepository
from storage.db import make_engine, make_sessions, reading_engine, upgrade
from storage.focus import FocusRepository
from storage.followups.asks import AskRepository
from storage.followups.one_on_ones import OneOnOneRepository
from storage.followups.repository import NudgeRepository
from storage.identity import Admission, Origin, PersonWorkspaces, admit_many
from storage.installations import SealedInstallationStore
from storage.kpis import PerformanceRepository
from storage.losses import LossRepository
from storage.outbox import HeldOutbox, Outbox, OutboxStore
from storage.people import PeopleRepository
from storage.recognition.repository import RecognitionRepository
from storage.surveys import SurveyRepository
from storage.templates import announcement_template
from surveys.ports import Member


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Unit:
    """One transaction's worth of repositories and the outbox-backed messenger."""

    session: Session
    now: datetime

    @cached_property
    def surveys(self) -> SurveyRepository:
        return SurveyRepository(self.session)

    @property
    def outbox(self) -> Outbox:
        return Outbox(self.session)

    @cached_property
    def messenger(self) -> OutboxMessenger:
        surveys, templates = self.surveys, dict[tuple[str, str], str | None]()

        def template(name: str, language: str) -> str | None:  # read once a unit: a burst renders hundreds
            if (name, language) not in templates:
                templates[name, language] = announcement_template(self.session, name, language)
            return templates[name, language]

        return OutboxMessenger(self.outbox, now=self.now, bank=surveys.bank, templates=template)

    def answer_batch(self, *, people: Sequence[tuple[int, int]],
                     members: Mapping[int, Member]) -> tuple[AnswerBatch, OutboxMessenger, HeldOutbox]:
        """A burst of answers (round, person pairs) recorded in this unit: the store and messenger the domain gets,
        and the outbox holding their DM edits (storage.answer_batch); write both before the unit ends."""
        store, outbox = AnswerBatch(self.session, people=people, members=members), HeldOutbox(self.session)
        return store, OutboxMessenger(outbox, now=self.now, bank=store.bank, templates=self.messenger.template), outbox

    @property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self.session)

    def admissions(self, requests: Sequence[tuple[str, Origin]]) -> list[Admission]:
        """Whom each (Slack id, origin) is to us, inside this unit; members not yet bound are tied to their origin."""
        return admit_many(self.session, requests)

    @property
    def performance(self) -> PerformanceRepository:
        return PerformanceRepository(self.session)

    @property
    def recognition(self) -> RecognitionRepository:
        return RecognitionRepository(self.session)

    @property
    def nudges(self) -> NudgeRepository:
        return NudgeRepository(self.session)

    @property
    def one_on_ones(self) -> OneOnOneRepository:
        return OneOnOneRepository(self.session)

    @property
    def asks(self) -> AskRepository:
        return AskRepository(self.session)

    @property
    def focuses(self) -> FocusRepository:
        return FocusRepository(self.session)

    @property
    def losses(self) -> LossRepository:
        return LossRepository(self.session)

    @cached_property
    def complaints(self) -> ComplaintRepository:
        repository = ComplaintRepository(self.session)
        repository.now = self.now
        return repository


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    client: WebClient
    delivery: Delivery
    clock: Callable[[], datetime]
    scheduler_role: str = "off"  # what /healthz reports: "leader", "standby" or "off" (bot/runtime/leader.py sets it)
    in_flight: InFlight = field(default_factory=InFlight)  # Slack requests awaiting their ack (bot/runtime/server.py)
    answering: InFlight = field(default_factory=InFlight)  # survey answers awaiting their DM edit (bot.surveys)
    workspaces: Workspaces | None = None  # OAuth: each workspace's install and its bot token (bot/runtime/oauth.py)
    # Publish a person's App Home again in this unit (bot.app wires bot.home's publish); features that change what
    # App Home shows call it, so none of them imports bot.home (which imports them all)
    refresh_home: Callable[[Unit, str], list[str]] = field(default=lambda u, slack_user: [])
    # The same, later and coalesced per person (bot.app wires bot.home's refresher): for bursts, such as answers
    refresh_home_later: Callable[[str], None] = field(default=lambda slack_user: None)
    home_refresher: Coalescer | None = None
    rep_numbers: RepNumbers = field(default_factory=RepNumbers)  # App Home's KPIs, once per team, period, version

    @contextmanager
    def unit(self, now: datetime | None = None) -> Iterator[Unit]:
        """`with services.unit(now) as u:` one transaction, committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield Unit(session, now or self.clock())

    @contextmanager
    def reading(self, now: datetime | None = None) -> Iterator[Unit]:
        """`with services.reading(now) as u:` a transaction that only reads, from one snapshot
        (storage.db.reading_engine); on SQLite it waits for no writer and holds no writer back. Write nothing in it
        (a HeldOutbox keeps messages for a unit)."""
        with self._reading.begin() as session:
            yield Unit(session, now or self.clock())

    @cached_property
    def _reading(self) -> sessionmaker[Session]:
        return make_sessions(reading_engine(self.engine))

    def close(self) -> None:
        if self.home_refresher is not None:
            self.home_refresher.stop()
        self.engine.dispose()


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] = utc_now, migrate: bool = True,
              client: WebClient | None = None) -> Services:
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    sessions = make_sessions(engine)
    if client is None:
        client = make_client(token=settings.slack_bot_token or "xoxb-not-configured",
                             base_url=settings.slack_api_url, timeout=settings.slack_timeout,
                             paces=dict(settings.slack_pace))
    workspaces = None if settings.oauth is None else Workspaces(  # OAuth: installs in several workspaces
        people=PersonWorkspaces(sessions), store=SealedInstallationStore(
            client_id=settings.oauth.client_id, engine=engine, keys=settings.oauth.encryption_keys),
        make_client=partial(make_client, base_url=client.base_url, timeout=settings.slack_timeout,
                            paces=dict(settings.slack_pace)), roster=settings.roster_workspaces)
    delivery = Delivery(OutboxStore(sessions), client, clock, workers=settings.delivery_workers,
                        lease=timedelta(seconds=settings.delivery_lease),
                        client_for=workspaces.client_for if workspaces else None, draw=draw)
    return Services(settings, engine, sessions, client, delivery, clock,
                    workspaces=workspaces)
