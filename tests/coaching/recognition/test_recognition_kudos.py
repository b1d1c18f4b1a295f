"""Reading /kudos as Slack escapes it, the modal's checks, company value names and the weekly cap."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coaching.recognition.kudos import (
    DEFAULT_VALUES,
    MAX_MESSAGE_LENGTH,
    CompanyValue,
    KudosError,
    check_allowance,
    draft_from_modal,
    parse_kudos,
    value_name,
    values_in_use,
    week_of,
)

VALUES = [v.name for v in DEFAULT_VALUES]


def code_of(text: str, giver: str = "UGIVER", values=VALUES) -> str:
    with pytest.raises(KudosError) as caught:
        parse_kudos(text, giver=giver, values=values)
    return caught.value.code


def test_leading_mentions_in_either_escaped_form_are_the_receivers_in_order():
    draft = parse_kudos("<@U1|ana> <@W2> <@U1> thanks for the demo", giver="UGIVER", values=VALUES)
    assert draft.receivers == ("U1", "W2")
    assert draft.value is None
    assert draft.message == "thanks for the demo"


def test_a_value_tag_among_the_mentions_or_ending_the_message_is_read_in_lower_case():
    assert parse_kudos("<@U1> #Teamwork covered my calls", giver="UG", values=VALUES).value == "teamwork"
    draft = parse_kudos("<@U1> covered my calls #grit", giver="UG", values=VALUES)
    assert (draft.value, draft.message) == ("grit", "covered my calls")


def test_a_value_slack_turned_into_a_channel_link_still_counts():
    draft = parse_kudos("<@U1> <#C0123ABCD|ownership> chased the PO", giver="UG", values=VALUES)
    assert (draft.value, draft.message) == ("ownership", "chased the PO")


def test_a_channel_named_at_the_end_that_is_no_value_stays_in_the_message():
    draft = parse_kudos("<@U1> great recap in <#C0123ABCD|deals>", giver="UG", values=VALUES)
    assert draft.value is None and draft.message == "great recap in <#C0123ABCD|deals>"


def test_mentions_after_the_message_starts_are_part_of_it_and_lose_their_names():
    draft = parse_kudos("<@U1> thanks for helping <@U2|li> close", giver="UG", values=VALUES)
    assert draft.receivers == ("U1",)
    assert draft.message == "thanks for helping <@U2> close"


def test_a_hashtag_in_the_middle_of_the_message_is_text():
    draft = parse_kudos("<@U1> you are #1 at #discovery calls", giver="UG", values=VALUES)
    assert draft.value is None and draft.message == "you are #1 at #discovery calls"


@pytest.mark.parametrize(("text", "code"), [
    ("", "no_receiver"),
    ("thanks <@U1> for the demo", "no_receiver"),
    ("<@UGIVER> I did great", "self_kudos"),
    ("<@U1> <@UGIVER> we did great", "self_kudos"),
    ("<@U1> #hustle closed it", "unknown_value"),
    ("<@U1> closed it #hustle", "unknown_value"),
    ("<@U1> #grit #teamwork closed it", "two_values"),
    ("<@U1> #grit", "empty_message"),
    ("<@U1>", "empty_message"),
    ("<!subteam^S123|@sales> well done", "not_a_person"),
    ("<!here> well done", "not_a_person"),
    ("@ana well done", "not_linked"),
    ("<@U1> " + "x" * (MAX_MESSAGE_LENGTH + 1), "too_long"),
])
def test_refusals_name_what_is_wrong(text, code):
    assert code_of(text) == code


def test_an_unknown_value_lists_the_allowed_ones():
    with pytest.raises(KudosError) as caught:
        parse_kudos("<@U1> #hustle closed it", giver="UG", values=["grit", "teamwork"])
    assert caught.value.params == {"value": "hustle", "allowed": "#grit, #teamwork"}
    assert str(caught.value) == "#hustle is not a company value; use one of #grit, #teamwork."


def test_the_same_value_twice_is_one_value():
    assert parse_kudos("<@U1> #grit kept at it #Grit", giver="UG", values=VALUES).value == "grit"


def test_the_length_limit_counts_what_the_reader_sees_not_slack_escapes():
    text = "<@U1> " + "&amp;" * MAX_MESSAGE_LENGTH
    assert len(parse_kudos(text, giver="UG", values=VALUES).message) == 5 * MAX_MESSAGE_LENGTH


def test_the_modal_escapes_plain_text_and_refuses_self_kudos():
    draft = draft_from_modal(giver="UG", receivers=["U1", "U2"], value="Teamwork", message=" a <b> & c ",
                             values=VALUES)
    assert draft == type(draft)(("U1", "U2"), "teamwork", "a &lt;b&gt; &amp; c")
    with pytest.raises(KudosError) as caught:
        draft_from_modal(giver="UG", receivers=["UG"], value=None, message="me", values=VALUES)
    assert caught.value.code == "self_kudos"


def test_with_no_values_set_a_tag_is_refused_with_its_own_reason():
    assert code_of("<@U1> #grit did it", values=[]) == "no_values"


@pytest.mark.parametrize(("text", "name"), [("Customer First", "customer-first"), ("#team_work", "team-work"),
                                             (" grit ", "grit")])
def test_admins_value_names_are_stored_as_tags(text, name):
    assert value_name(text) == name


@pytest.mark.parametrize("text", ["", "x", "1st", "a" * 41, "no!"])
def test_a_value_name_that_cannot_be_a_tag_is_refused(text):
    with pytest.raises(KudosError) as caught:
        value_name(text)
    assert caught.value.code == "bad_value_name"


def test_stored_values_replace_the_defaults_once_there_are_any():
    assert values_in_use([]) == DEFAULT_VALUES
    assert values_in_use([CompanyValue("craft")]) == (CompanyValue("craft"),)


def test_the_week_is_the_givers_iso_week_in_their_time_zone():
    sunday_night_utc = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # already Monday 30 Nov in Auckland
    start, end, renews = week_of(sunday_night_utc, "Pacific/Auckland")
    assert renews == date(2026, 12, 7)
    assert start == datetime(2026, 11, 29, 11, 0, tzinfo=UTC)  # Monday 00:00 NZDT (UTC+13)
    assert end == datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
    assert week_of(sunday_night_utc, "America/Los_Angeles")[2] == date(2026, 11, 30)
    assert week_of(sunday_night_utc, "Not/AZone") == week_of(sunday_night_utc, "UTC")


def test_the_cap_counts_receivers_and_says_what_is_left():
    allowance = check_allowance(used=1, asked=3, cap=5, renews_on=date(2026, 11, 30))
    assert (allowance.used, allowance.remaining) == (4, 1)


def test_a_reached_cap_refuses_and_says_when_it_renews():
    with pytest.raises(KudosError) as caught:
        check_allowance(used=5, asked=1, cap=5, renews_on=date(2026, 11, 30))
    assert caught.value.code == "cap_reached"
    assert caught.value.params == {"cap": 5, "renews_on": date(2026, 11, 30)}


def test_a_kudos_naming_more_people_than_are_left_is_refused_whole():
    with pytest.raises(KudosError) as caught:
        check_allowance(used=3, asked=3, cap=5, renews_on=date(2026, 11, 30))
    assert caught.value.code == "over_cap" and caught.value.params["remaining"] == 2


def test_no_cap_means_no_limit():
    assert check_allowance(used=50, asked=3, cap=None, renews_on=date(2026, 11, 30)).remaining is None
