"""Anonymity: the threshold k, the differencing guard across groups and views, and the eNPS arithmetic."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.anonymity import atoms, check_threshold, exposed, reveals, visible_groups
from surveys.results import enps_of


def people(prefix: str, n: int) -> frozenset[str]:
    return frozenset(f"{prefix}{i}" for i in range(n))


def org_of(**teams: frozenset[str]) -> dict[str, frozenset[str]]:
    return {**teams, "org": frozenset().union(*teams.values())}


def unsafe_pairs(sets: list[frozenset[str]], threshold: int) -> list[tuple[frozenset[str], frozenset[str]]]:
    return [(a, b) for a, b in itertools.permutations(sets, 2) if a <= b and 0 < len(b - a) < threshold]


def test_a_team_of_four_under_an_organisation_of_twenty_is_withheld_and_the_organisation_shown():
    groups = {"small": people("s", 4), "org": people("s", 4) | people("r", 16)}
    assert visible_groups(groups, threshold=5) == {"org"}


def test_a_team_of_seventeen_in_an_organisation_of_twenty_is_withheld_because_subtraction_leaves_three():
    groups = {"team": people("t", 17), "org": people("t", 17) | people("x", 3)}
    assert visible_groups(groups, threshold=5) == {"org"}


def test_two_teams_of_six_and_seven_and_their_organisation_of_thirteen_are_all_shown():
    groups = org_of(a=people("a", 6), b=people("b", 7))
    assert visible_groups(groups, threshold=5) == {"a", "b", "org"}


def test_a_team_of_two_takes_its_smallest_sibling_down_with_it_and_the_organisation_stays():
    groups = org_of(a=people("a", 6), b=people("b", 7), c=people("c", 2))
    shown = visible_groups(groups, threshold=5)
    assert shown == {"b", "org"}
    assert exposed([groups[g] for g in shown], 5) == []
    assert unsafe_pairs([groups[g] for g in shown], 5) == []


def test_declared_parents_are_kept_over_smaller_leaves_when_a_sibling_must_go():
    dept = people("d", 4) | people("e", 3)  # its two teams are under k, so only the department can speak for them
    groups = {"dept": dept, "sales": people("s", 9), "org": dept | people("s", 9) | people("x", 3)}
    tree = {"dept": "org", "sales": "org", "org": None, "d-team": "dept", "e-team": "dept"}
    assert visible_groups(groups, threshold=5) == {"sales", "org"}
    assert visible_groups(groups, threshold=5, parents=tree) == {"dept", "org"}


def test_suppression_stays_inside_the_department_that_leaks():
    dept = people("x", 20) | people("y", 25) | people("z", 3)
    groups = {"x": people("x", 20), "y": people("y", 25), "z": people("z", 3), "dept": dept,
              "far": people("f", 8), "org": dept | people("f", 8) | people("o", 42)}
    assert visible_groups(groups, threshold=5) == {"y", "dept", "far", "org"}


def test_an_overlap_derivable_as_a_plus_b_minus_their_union_is_not_exposed():
    a, b = people("a", 6) | people("both", 2), people("b", 6) | people("both", 2)
    groups = {"a": a, "b": b, "union": a | b}
    shown = visible_groups(groups, threshold=5)
    assert len(shown) == 2
    assert exposed([groups[g] for g in shown], 5) == []


def test_a_team_seen_at_five_respondents_is_withheld_at_seven_and_shown_again_at_ten():
    earlier = people("t", 5)
    assert visible_groups({"team": people("t", 7)}, threshold=5, already_shown=[earlier]) == set()
    assert visible_groups({"team": people("t", 10)}, threshold=5, already_shown=[earlier]) == {"team"}


def test_an_organisation_that_would_reveal_the_rest_after_an_earlier_team_view_is_withheld():
    team = people("t", 16)
    groups = {"org": team | people("x", 4)}
    assert visible_groups(groups, threshold=5, already_shown=[team]) == set()


def test_the_result_does_not_depend_on_the_order_groups_are_given_in():
    groups = org_of(a=people("a", 6), b=people("b", 6), c=people("c", 2), d=people("d", 9))
    reordered = dict(reversed(list(groups.items())))
    assert visible_groups(groups, threshold=5) == visible_groups(reordered, threshold=5)


def test_reveals_is_true_only_for_nested_sets_differing_by_fewer_than_k():
    assert reveals(people("a", 10), people("a", 12), 5)
    assert reveals(people("a", 12), people("a", 10), 5)
    assert not reveals(people("a", 10), people("a", 10), 5)
    assert not reveals(people("a", 10), people("a", 15), 5)
    assert not reveals(people("a", 10), people("b", 11), 5)


def test_atoms_split_people_by_the_groups_they_belong_to():
    split = atoms([people("a", 3) | people("b", 2), people("a", 3)])
    assert split == [people("b", 2), people("a", 3)]


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_admins_may_choose_a_threshold_from_three_to_ten(threshold):
    assert check_threshold(threshold) == threshold


@pytest.mark.parametrize("threshold", [0, 2, 11])
def test_a_threshold_outside_three_to_ten_is_refused_with_the_allowed_range(threshold):
    with pytest.raises(ValueError, match="choose 3 to 10"):
        check_threshold(threshold)


@st.composite
def structures(draw):
    """Random teams over a pool of respondents, unions of them (departments, the org) and loose overlapping groups."""
    size = draw(st.integers(4, 40))
    members = st.integers(0, 2**size - 1).map(lambda bits: frozenset(f"p{i}" for i in range(size) if bits >> i & 1))
    leaves = draw(st.lists(members, min_size=1, max_size=6))
    unions = draw(st.lists(st.integers(1, 2 ** len(leaves) - 1), max_size=3))
    loose = draw(st.lists(members, max_size=3))
    sets = [*leaves, *(frozenset().union(*(s for i, s in enumerate(leaves) if u >> i & 1)) for u in unions), *loose]
    groups = {f"g{i}": s for i, s in enumerate(sets)}
    parents = {g: draw(st.none() | st.sampled_from(sorted(groups))) for g in groups}
    return groups, parents


@settings(max_examples=200, deadline=None)
@given(structures(), structures(), st.integers(3, 10))
def test_no_sequence_of_visible_aggregates_reveals_a_group_smaller_than_k(now, before, threshold):
    groups, parents = now
    earlier_groups, earlier_parents = before
    earlier = [earlier_groups[g] for g in visible_groups(earlier_groups, threshold=threshold, parents=earlier_parents)]
    shown = visible_groups(groups, threshold=threshold, parents=parents, already_shown=earlier)
    visible = [groups[g] for g in shown]
    assert all(len(s) >= threshold for s in visible)
    assert unsafe_pairs(visible + earlier, threshold) == []
    assert exposed(visible, threshold, earlier) == []
    assert all(len(a) >= threshold for a in atoms(visible + earlier))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=6), st.integers(3, 10))
def test_disjoint_groups_that_meet_the_threshold_are_never_suppressed(sizes, threshold):
    groups = {f"t{i}": people(f"t{i}-", n) for i, n in enumerate(sizes)}
    expected = {g for g, members in groups.items() if len(members) >= threshold}
    assert visible_groups(groups, threshold=threshold) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_enps_is_the_rounded_share_of_promoters_minus_detractors_and_splits_every_answer(values):
    e = enps_of(values)
    n = len(values)
    assert (e.promoters, e.passives, e.detractors) == (
        sum(v >= 9 for v in values), sum(7 <= v <= 8 for v in values), sum(v <= 6 for v in values))
    assert e.promoters + e.passives + e.detractors == e.total == n
    assert e.score == round(100 * (e.promoters - e.detractors) / n)
    assert -100 <= e.score <= 100
