"""Why deals were lost, in the manager's weekly digest: the team's shares of the losses with a reason, the pattern
to coach on (at least half of at least four), the competitors, each rep's shares; nothing when none was lost."""

from datetime import UTC, date, datetime, timedelta

from nudge_fixtures import person_ids

from bot.i18n import Translator
from bot.losses.views import digest_blocks
from coaching.losses.reasons import LostDeal, mix, mix_by_owner
from storage.crm.models import CrmDeal

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # Monday 08:30 in Vilnius, where the manager is
REASONS = {"UREP1": ["price", "price", None], "UREP2": ["price", "competitor", "price"]}


def _lost(owner: int, reason: str | None, competitor: str | None = None) -> LostDeal:
    return LostDeal(1, "D-1", owner, "Acme", 1000.0, date(2026, 11, 3), reason, competitor)


def test_four_of_six_losses_to_price_names_the_coaching_focus_and_each_reps_shares():
    deals = [_lost(1, "price"), _lost(1, "price"), _lost(1, None), _lost(2, "price", "Acme CRM"),
             _lost(2, "competitor", "Acme CRM"), _lost(2, "price"), _lost(2, "timing")]
    text = str(digest_blocks(Translator("en"), mix(deals), mix_by_owner(deals), {1: "Ana", 2: "Ben"}))
    assert "7 lost, 6 with a reason: price 4 (67%), competitor 1 (17%), timing 1 (17%)" in text
    assert "4 of 6 losses to price: pricing and value-selling focus" in text
    assert "Lost to: Acme CRM (2)" in text
    spellings = [_lost(1, "price", "Acme CRM"), _lost(2, "price", "acme  crm")]
    assert mix(spellings).competitors == (("Acme CRM", 2),)  # one competitor however it was typed
    assert "Ana: price 2 (100%) · Ben: price 2 (50%)" in text  # each rep's first reason, on one line
    few = [_lost(1, "price"), _lost(1, "price"), _lost(1, "price")]
    assert "losses to" not in str(digest_blocks(Translator("en"), mix(few), mix_by_owner(few), {}))  # 3: too few
    assert digest_blocks(Translator("en"), mix([]), {}, {}) == []


def test_the_weekly_digest_carries_the_teams_loss_reasons_of_its_period(running_bot):
    bot = running_bot
    ids = person_ids(bot)
    with bot.services.sessions.begin() as s:
        n = 0
        for rep, reasons in REASONS.items():
            for k, reason in enumerate(reasons):
                n += 1
                closed = date(2026, 11, 2 + k)
                s.add(CrmDeal(external_id=f"L{n}", owner_id=ids[rep], stage="Lost", outcome="lost", amount=900.0,
                              closed_on=closed, close_month=closed.replace(day=1),
                              close_week=closed - timedelta(days=closed.weekday()), loss_reason=reason,
                              competitor="Acme CRM" if reason == "competitor" else None, updated_at=NOW))
    bot.job("digests", NOW)
    bot.clock.now = NOW
    bot.deliver()
    (digest,) = [m for m in bot.slack.messages("UMGR") if "Coaching digest" in str(m.get("blocks"))]
    text = str(digest["blocks"])
    assert "6 lost, 5 with a reason" in text and "4 of 5 losses to price: pricing and value-selling focus" in text
