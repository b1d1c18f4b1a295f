"""Who nobody has thanked lately goes to the manager who leads the team, privately, once per team and week: the
closest manager the org chart lets see the team (coaching.access.teams_in_view), only when they are on Slack and
someone is quiet, never about themselves or about someone whose figures they may not see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coaching.access import OrgEntry
from coaching.periods import period_of
from coaching.recognition.kudos import Kudos
from coaching.recognition.quiet import build_quiet_note, quiet_members, team_manager
from coaching.recognition.records import Colleague, RecognitionTeam

UNTIL = datetime(2026, 11, 27, 16, tzinfo=UTC)
WEEK = period_of("week", date(2026, 11, 23))
VP, MO, NIA = (Colleague(10, "Vera VP", "UVP", 9, role="manager"), Colleague(11, "Mo", "UMO", 1, role="manager"),
               Colleague(12, "Nia", "UNIA", 2, role="manager"))
ANA, BO, CY, DEE = (Colleague(i, n, f"U{i}", 1) for i, n in enumerate(["Ana", "Bo", "Cy", "Dee"], start=1))
TEAM = RecognitionTeam(1, "Hunters", "C1", "en", (ANA, BO, CY, DEE, MO))
# Vera leads Mo and Nia; Mo leads team 1's reps, Nia team 2's; Mo is listed in team 1 himself.
ORG = {10: OrgEntry(None, "manager", 9), 11: OrgEntry(10, "manager", 1), 12: OrgEntry(10, "manager", 2),
       1: OrgEntry(11, "rep", 1), 2: OrgEntry(11, "rep", 1), 3: OrgEntry(11, "rep", 1), 4: OrgEntry(11, "rep", 1),
       5: OrgEntry(12, "rep", 2), 20: OrgEntry(None, "admin", None)}


def thanks(*receivers: Colleague, at: datetime = UNTIL - timedelta(days=2)) -> Kudos:
    return Kudos(1, NIA, receivers, None, "thanks", at)


def note(*, manager=MO, org=ORG, kudos=(), last=None, **kwargs):
    return build_quiet_note(team=TEAM, week=WEEK, until=UNTIL, kudos=list(kudos), last_kudos=last or {},
                            manager=manager, org=org, **kwargs)


def test_the_team_manager_is_the_closest_manager_over_all_its_reps_not_one_further_up_nor_an_admin():
    assert team_manager(1, org=ORG) == 11  # Vera may see the team too, but Mo leads it
    assert team_manager(2, org=ORG) == 12
    moved = {**ORG, 4: OrgEntry(12, "rep", 1)}  # one rep of team 1 now reports to Nia: only Vera has them all
    assert team_manager(1, org=moved) == 10
    assert team_manager(9, org=ORG) is None  # a team without reps has no manager leading it
    listed_only = {**ORG, 13: OrgEntry(None, "manager", 1)}  # being listed in a team is not leading it
    assert team_manager(1, org=listed_only) == 11


def test_the_note_names_the_quiet_never_thanked_first_then_the_longest_waiting_and_is_keyed_per_team_and_week():
    last = {ANA.person_id: UNTIL - timedelta(days=45), BO.person_id: UNTIL - timedelta(days=5),
            CY.person_id: UNTIL - timedelta(days=31)}
    found = note(last=last, kudos=[thanks(BO)])
    assert found is not None and found.manager == MO and found.quiet_days == 30
    assert [p.name for p in found.people] == ["Dee", "Ana", "Cy"]
    assert found.key == "shoutout:1:2026-W48:quiet"


def test_a_kudos_this_week_or_within_the_quiet_days_takes_someone_off_the_list():
    last = {ANA.person_id: UNTIL - timedelta(days=29), BO.person_id: UNTIL - timedelta(days=30)}
    assert [p.name for p in quiet_members(TEAM, until=UNTIL, kudos=[thanks(CY)], last_kudos=last)] == ["Dee", "Mo"]
    assert [p.name for p in quiet_members(TEAM, until=UNTIL, kudos=[], last_kudos=last, quiet_days=10)] == [
        "Cy", "Dee", "Mo", "Bo", "Ana"]


def test_the_manager_is_not_told_about_themselves_and_nothing_is_sent_when_nobody_else_is_quiet():
    found = note()
    assert found is not None and MO not in found.people
    assert note(kudos=[thanks(ANA, BO, CY, DEE)]) is None  # only Mo went without: no note at all


def test_no_note_without_a_manager_or_for_a_manager_off_slack():
    assert note(manager=None) is None
    assert note(manager=Colleague(11, "Mo", None, 1, role="manager")) is None


def test_no_note_for_someone_the_org_chart_does_not_let_see_the_team():
    assert note(manager=NIA) is None  # another team's manager
    moved = {**ORG, **{p: OrgEntry(12, "rep", 1) for p in (1, 2, 3, 4)}}  # the reps moved to Nia today
    assert note(org=moved) is None
    assert note(manager=NIA, org=moved) is not None


def test_a_member_the_manager_may_not_see_is_left_out_of_the_note():
    zed = Colleague(14, "Zed", "UZED", 1, role="manager")  # listed in the team, but a peer of Mo's under Vera
    team = RecognitionTeam(1, "Hunters", "C1", "en", (*TEAM.members, zed))
    org = {**ORG, 14: OrgEntry(10, "manager", 1)}
    found = build_quiet_note(team=team, week=WEEK, until=UNTIL, kudos=[], last_kudos={}, manager=MO, org=org)
    assert found is not None and [p.name for p in found.people] == ["Ana", "Bo", "Cy", "Dee"]
    found = build_quiet_note(team=team, week=WEEK, until=UNTIL, kudos=[], last_kudos={}, manager=VP, org=org)
    assert found is not None and zed in found.people  # Vera, over both, may see everyone


def test_access_is_read_from_the_org_chart_given_at_the_moment_of_use():
    assert note(manager=VP) is not None  # Vera is over Mo and his reps
    cut_off = {**ORG, 11: OrgEntry(None, "manager", 1)}  # Mo no longer reports to Vera
    assert note(manager=VP, org=cut_off) is None
