"""bot.slack_text.literal: text the bot did not write shows as written, and pings or links nobody."""

from bot.slack_text import WORD_JOINER, literal, plain

WJ = WORD_JOINER


def test_plain_text_escapes_only_ampersand_and_angle_brackets():
    assert literal("Tom & <Jerry>'s \"deal\"") == "Tom &amp; &lt;Jerry&gt;'s \"deal\""
    assert literal("&lt; stays what was typed") == "&amp;lt; stays what was typed"


def test_special_mentions_and_links_in_plain_text_become_literal_text():
    shown = literal("<!channel> <!here> <!everyone> <!subteam^S1|@sales> <http://evil.example|click> <@U1> <#C1>")
    assert "<" not in shown and ">" not in shown
    assert shown.startswith("&lt;!channel&gt; &lt;!here&gt;")


def test_bare_special_words_get_a_word_joiner_so_no_setting_turns_them_into_pings():
    assert literal("hi @here and @Channel, @everyone; @hereford stays") == (
        f"hi @{WJ}here and @{WJ}Channel, @{WJ}everyone; @hereford stays")


def test_text_as_slack_sends_it_shows_each_markup_as_what_it_reads():
    sent = ("<!channel> <!here|here> <!subteam^S1|@sales> <!subteam^S2> <http://evil.example|click here> "
            "<https://ok.example> <@U9|boss> <@W8> <#C1|deals> <!date^1392734382^{date}|Feb 18> &lt;b&gt; &amp;")
    assert literal(sent, escaped=True) == (
        f"@{WJ}channel @{WJ}here @sales @subteam click here (http://evil.example) https://ok.example @boss @W8 "
        "#deals Feb 18 &lt;b&gt; &amp;")


def test_only_the_people_the_bot_names_stay_mentions():
    sent = "thanks <@U1> and <@U2|bob> for <@U3>"
    assert literal(sent, escaped=True, people={"U1": "<@U1>", "U3": "*Carol*"}) == (
        "thanks <@U1> and @bob for *Carol*")


def test_a_stray_angle_bracket_in_slack_text_cannot_open_markup():
    assert literal("a < b <!here> c > d", escaped=True) == f"a &lt; b @{WJ}here c &gt; d"


def test_a_slash_commands_text_reads_back_as_the_words_typed_and_shows_once_escaped():
    sent = "Pricing &amp; terms for <@U1|ana> in <#C1|deals> &lt;b&gt; <!here> <https://x.example|quote>"
    typed = plain(sent)
    assert typed == "Pricing & terms for @ana in #deals <b> @here quote (https://x.example)"
    assert literal(typed) == f"Pricing &amp; terms for @ana in #deals &lt;b&gt; @{WJ}here quote (https://x.example)"
