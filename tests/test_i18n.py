"""Languages: the English catalog is complete and compiled at start-up; locale matching."""

from babel.messages.pofile import read_po

from bot.catalogs import extract
from bot.i18n import LOCALES_DIR, Translator, catalog, language_of


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


def test_numbers_are_formatted_for_the_readers_locale():
    assert Translator("en").number(1234.5, 1) == "1,234.5"
    assert Translator("lt").number(1234.5, 1) == "1\u00a0234,5"


def test_times_are_shown_in_the_readers_time_zone():
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert Translator("en", "Asia/Kuala_Lumpur").when(moment) == "Fri, Dec 4 1:00\u202fAM"


LANGUAGES = ("ms", "zh", "lt", "fa")
SAME_IN_EVERY_LANGUAGE = {"eNPS", "Kudos", "{n} kudos", "median {value}"}  # loanwords some languages keep as they are


def _catalog(language):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def _fields(text):
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_translates_every_message_with_the_same_placeholders():
    import re

    template = extract()
    for language in LANGUAGES:
        catalog_ = _catalog(language)
        for message in template:
            if not message.id:
                continue
            found = catalog_.get(message.id)
            assert found is not None, f"{language}: missing {message.id!r}; run python -m bot.catalogs and translate"
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            forms = found.string if isinstance(found.string, tuple) else (found.string,)
            assert forms and all(forms), f"{language}: untranslated {ids[0]!r}"
            for form in forms:
                assert _fields(form) <= _fields(ids[-1]) | {"n"} and _fields(ids[0]) - {"n"} <= _fields(form), (
                    f"{language}: placeholders of {form!r} differ from {ids[0]!r}")
                letters = re.sub(r"\{[^}]*\}", "", ids[0])
                if ids[0] not in SAME_IN_EVERY_LANGUAGE and re.search("[A-Za-z]{3}", letters):
                    assert form != ids[0], f"{language}: {ids[0]!r} falls back to English"


def test_each_language_loads_its_own_catalog_and_lithuanian_has_three_plural_forms():
    assert language_of("ms-MY") == "ms" and language_of("zh-CN") == "zh"
    assert language_of("lt-LT") == "lt" and language_of("fa-IR") == "fa"
    lt = Translator("lt")
    assert {lt.ngettext("{n} rep", "{n} reps", n).split()[-1] for n in (1, 2, 10)} == {"atstovas", "atstovai",
                                                                                      "atstovų"}
    assert Translator("zh").gettext("Comment") != "Comment"


def test_persian_text_runs_right_to_left_with_persian_digits_and_isolated_latin_names():
    from bot.i18n import FSI, PDI, RLM

    fa = Translator("fa")
    text = fa.gettext("Pulse survey for {team}", team="Hunters")
    assert text.startswith(RLM) and f"{FSI}Hunters{PDI}" in text
    assert fa.number(1234) == "۱٬۲۳۴" and fa.for_files().gettext("Pulse survey for {team}", team="H").find(RLM) == -1
