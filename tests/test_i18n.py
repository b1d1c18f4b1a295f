"""Languages: the English catalog is complete and compiled at start-up; Slack escaping; locale matching."""

from babel.messages.pofile import read_po

from bot.catalogs import extract
from bot.i18n import LOCALES_DIR, Translator, catalog, escape, language_of


def test_english_catalog_has_every_message_in_the_code():
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        english = read_po(f, locale="en")
    missing = [m.id for m in extract() if m.id and (english.get(m.id) is None or not english.get(m.id).string)]
    assert missing == [], f"run `python -m bot.catalogs`; missing: {missing[:5]}"


def test_english_catalog_compiles_at_start_up():
    assert catalog("en").gettext("Comment") == "Comment"


def test_slack_locales_map_to_languages_that_have_a_catalog():
    assert language_of("en-GB") == "en"
    assert language_of("de-DE") == "en"
    assert language_of(None) == "en"


def test_escape_touches_only_ampersand_and_angle_brackets():
    assert escape("Tom & <Jerry>'s \"deal\"") == "Tom &amp; &lt;Jerry&gt;'s \"deal\""


def test_numbers_are_formatted_for_the_readers_locale():
    assert Translator("en").number(1234.5, 1) == "1,234.5"
    assert Translator("lt").number(1234.5, 1) == "1\u00a0234,5"


def test_times_are_shown_in_the_readers_time_zone():
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert Translator("en", "Asia/Kuala_Lumpur").when(moment) == "Fri, Dec 4 1:00\u202fAM"
