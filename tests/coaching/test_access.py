"""Who sees whose figures: reps themselves, managers their reports all the way down, admins everyone."""

import pytest

from coaching.access import (
    NotAllowed,
    OrgEntry,
    can_see,
    check_can_see,
    digest_recipients,
    peers_of,
    reps_under,
    visible_to,
)

# 1 admin; 2 head of sales; 3 and 4 managers under 2; reps 5, 6 under 3, rep 7 under 4; rep 8 under 2 directly.
ORG = {
    1: OrgEntry(None, "admin"), 2: OrgEntry(None, "manager"), 3: OrgEntry(2, "manager"), 4: OrgEntry(2, "manager"),
    5: OrgEntry(3, "rep"), 6: OrgEntry(3, "rep"), 7: OrgEntry(4, "rep"), 8: OrgEntry(2, "rep"),
}


def test_a_rep_sees_only_their_own_figures():
    assert visible_to(5, org=ORG) == {5}
    assert not can_see(5, 6, org=ORG) and not can_see(5, 3, org=ORG)


def test_a_manager_sees_their_reports_and_not_their_peers_teams():
    assert visible_to(3, org=ORG) == {3, 5, 6}
    assert not can_see(3, 7, org=ORG) and not can_see(3, 2, org=ORG)


def test_a_manager_of_managers_sees_everyone_below_transitively():
    assert visible_to(2, org=ORG) == {2, 3, 4, 5, 6, 7, 8}


def test_an_admin_sees_everyone_and_a_stranger_sees_nobody():
    assert visible_to(1, org=ORG) == set(ORG)
    assert visible_to(99, org=ORG) == set()


def test_refusal_is_a_named_exception():
    with pytest.raises(NotAllowed):
        check_can_see(6, 5, org=ORG)
    check_can_see(2, 7, org=ORG)


def test_a_loop_in_the_org_chart_ends_and_never_makes_a_manager_their_own_report():
    loop = {1: OrgEntry(2, "manager"), 2: OrgEntry(1, "manager"), 3: OrgEntry(2, "rep")}
    assert reps_under(1, org=loop) == (3,)
    assert visible_to(1, org=loop) == {1, 2, 3}


def test_digests_go_to_everyone_with_reps_below_them_over_the_reps_only():
    assert digest_recipients(ORG) == (2, 3, 4)
    assert reps_under(2, org=ORG) == (5, 6, 7, 8)  # managers 3 and 4 are not in the rep list
    assert digest_recipients({1: OrgEntry(None, "manager"), 2: OrgEntry(1, "manager")}) == ()


def test_a_reps_peers_are_the_reps_under_the_same_manager():
    assert peers_of(5, org=ORG) == (5, 6)
    assert peers_of(8, org=ORG) == (8,)
    assert peers_of(1, org=ORG) == (1,)
