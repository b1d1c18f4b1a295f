"""The scheduler's few fixed jobs and the one code path that runs them, on schedule or on demand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.availability import policy
from bot.bootstrap import Services
from surveys import closing, service

log = logging.getLogger(__name__)


def open_rounds(services: Services, now: datetime) -> str:
    with services.unit(now) as u:
        opened = service.open_due_rounds(u.surveys, u.messenger, now=now, away=policy(services.settings).away)
        queued = len(u.messenger.enqueued)
    services.delivery.wake()
    return f"opened {len(opened)} round(s), queued {queued} survey message(s)"


def close_rounds(services: Services, now: datetime) -> str:
    with services.unit(now) as u:
        closed = closing.close_due_rounds(u.surveys, u.messenger, now=now,
                                          threshold=services.settings.anonymity_threshold)
        queued = len(u.messenger.enqueued)
    services.delivery.wake()
    return f"closed {len(closed)} round(s), queued {queued} results message(s)"


def remind(services: Services, now: datetime) -> str:
    from bot.surveys.focus import send_reminders

    with services.unit(now) as u:
        sent = service.send_due_reminders(u.surveys, u.messenger, now=now, policy=policy(services.settings))
    focus = send_reminders(services, now)
    services.delivery.wake()
    return f"queued {sent} reminder(s) and {focus} focus reminder(s)"


def digests(services: Services, now: datetime) -> str:
    from bot.coaching.coach import send_weekly_digests
    from bot.intel.digest import send_admin_digests

    managers, admins = send_weekly_digests(services, now), send_admin_digests(services, now)
    return f"queued {managers} digest message(s)" + (f" and {admins} admin intel digest(s)" if admins else "")


def announce_wins(services: Services, now: datetime) -> str:
    from bot.recognition.usecases import announce_wins as announce

    return announce(services, now)


def webhook_signatures(services: Services, now: datetime) -> str:
    from bot.recognition.usecases import forget_webhook_signatures

    return forget_webhook_signatures(services, now)


def shout_outs(services: Services, now: datetime) -> str:
    from bot.recognition.usecases import post_shout_outs

    return post_shout_outs(services, now)


def loss_reasons(services: Services, now: datetime) -> str:
    from bot.losses.usecases import send_loss_asks

    return send_loss_asks(services, now)


def nudges(services: Services, now: datetime) -> str:
    from bot.followups.nudges import send_nudges

    return send_nudges(services, now)


def complaints(services: Services, now: datetime) -> str:
    from bot.complaints.usecases import send_due

    return send_due(services, now)


def one_on_ones(services: Services, now: datetime) -> str:
    from bot.one_on_ones.usecases import send_one_on_ones

    return send_one_on_ones(services, now)


def recognition_gaps(services: Services, now: datetime) -> str:
    from bot.one_on_ones.usecases import send_recognition_gaps

    return send_recognition_gaps(services, now)


def oauth_states(services: Services, now: datetime) -> str:
    from bot.runtime.oauth import clean_expired_states

    return clean_expired_states(services, now)


def deliver(services: Services, now: datetime) -> str:
    report = services.delivery.drain(now)
    return f"sent {report.sent}, retried {report.retried}, failed {report.failed}"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Services, datetime], str]
    trigger: Callable[[], BaseTrigger]
    description: str


JOBS: dict[str, Job] = {job.name: job for job in (
    Job("open_rounds", open_rounds, lambda: IntervalTrigger(minutes=1),
        "open survey rounds that are due and send each person's survey at their local time"),
    Job("close_rounds", close_rounds, lambda: IntervalTrigger(minutes=1),
        "close rounds whose window has ended and send the results to managers"),
    Job("remind", remind, lambda: IntervalTrigger(minutes=5),
        "remind people who have not answered (at most twice, in their local working hours), and managers of their "
        "focus a week before its date"),
    Job("digests", digests, lambda: IntervalTrigger(minutes=10),
        "send each manager's weekly coaching digest at their local day and time (SALESCOACH_DIGEST_AT), and each "
        "admin's weekly intel digest (when there was intel)"),
    Job("announce_wins", announce_wins, lambda: IntervalTrigger(minutes=1),
        "post each deal an import turned won to the rep's team recognition channel, once"),
    Job("webhook_signatures", webhook_signatures, lambda: IntervalTrigger(minutes=10),
        "forget CRM webhook signatures whose timestamps are no longer accepted (the replay store)"),
    Job("shout_outs", shout_outs, lambda: IntervalTrigger(minutes=10),
        "post each team's weekly shout-out (wins, kudos, congratulations) on Friday 16:00 team time"),
    Job("nudges", nudges, lambda: IntervalTrigger(minutes=5),
        "send each rep's follow-up nudge (deals, quiet accounts, check-ins, departed contacts) on their local "
        "working morning, and managers' weekly follow-up digest"),
    Job("loss_reasons", loss_reasons, lambda: IntervalTrigger(minutes=5),
        "ask each owner why a deal an import or the webhook found lost was lost, in their working hours, and remind "
        "once two days later"),
    Job("complaints", complaints, lambda: IntervalTrigger(minutes=5),
        "nudge complaint owners at half the time to answer, and tell their managers when one is overdue (once each)"),
    Job("one_on_ones", one_on_ones, lambda: IntervalTrigger(minutes=5),
        "one-on-one reminders the working day before, Held/Moved/Skipped prompts, and overdue nudges"),
    Job("recognition_gaps", recognition_gaps, lambda: IntervalTrigger(minutes=30),
        "nudge managers about reps not recognised for SALESCOACH_RECOGNITION_GAP_DAYS (once a week each)"),
    Job("deliver", deliver, lambda: IntervalTrigger(seconds=30),
        "send what waits in the outbox (a backstop: the delivery worker sends at once)"),
    Job("oauth_states", oauth_states, lambda: IntervalTrigger(minutes=10),
        "delete OAuth install states that expired unused (installs in several workspaces)"),
)}


def run_job(services: Services, name: str, at: datetime | None = None) -> str:
    """Run one job once as if the clock read `at`: the same path the scheduler takes."""
    job = JOBS[name]
    now = at or services.clock()
    summary = job.run(services, now)
    log.info("job %s at %s: %s", name, now.isoformat(), summary)
    return summary


def make_scheduler(services: Services, *, run_now: bool = False,
                   still_leading: Callable[[], bool] | None = None) -> BackgroundScheduler:
    """A metronome: fixed job ids, coalesced, one instance each, an hour's grace after a restart.

    `run_now` also runs every job once as soon as the scheduler starts (a new leader catches up at once);
    `still_leading` is asked before each run, so a replica that lost the leader lock runs nothing more.
    """
    scheduler = BackgroundScheduler(timezone="UTC")
    first: dict[str, datetime] = {"next_run_time": datetime.now(UTC)} if run_now else {}
    for job in JOBS.values():
        func: Callable[..., str | None] = run_job
        args: list[object] = [services, job.name]
        if still_leading is not None:
            func, args = _run_while_leading, [still_leading, *args]
        scheduler.add_job(func, job.trigger(), args=args, id=job.name, name=job.description, replace_existing=True,
                          coalesce=True, max_instances=1, misfire_grace_time=3600, **first)
    return scheduler


def _run_while_leading(still_leading: Callable[[], bool], services: Services, name: str) -> str | None:
    if not still_leading():
        log.info("job %s skipped: this replica no longer leads the scheduler", name)
        return None
    return run_job(services, name)


def next_runs(now: datetime) -> list[tuple[str, datetime | None, str]]:
    return [(job.name, job.trigger().get_next_fire_time(None, now), job.description) for job in JOBS.values()]
