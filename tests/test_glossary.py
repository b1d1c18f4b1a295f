"""Glossary: every catalog uses docs/glossary.md's word for each trade term, Persian digits in Persian text,
full-width punctuation in Chinese, and the placeholders and markup of the English text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"
LANGUAGES = ("ms", "zh", "lt", "fa")
ENGLISH_NEVER_LEFT = ("pipeline", "one-on-one", "pulse")  # the words the issue found untranslated
UNTRANSLATED = re.compile(
    r"`[^`]*`"  # code: what the reader types
    r"|\{[^{}]*\}"  # placeholders
    r"|<[^<>]*>"  # mentions and links
    r"|:[a-z0-9_+-]+:"  # emoji
    r"|(?<![\w/])/[a-z]+(?: (?:list|pause|resume|close|results|history|add|action|me))?"  # slash commands
    r"|@\w+"  # @person in command syntax
)
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MARKUP = re.compile(r"<[^<>]*>|:[a-z0-9_+-]+:")  # mentions, links and emoji


def _glossary() -> list[dict[str, list[str]]]:
    """The term table: one dict per row, language -> accepted forms (first one preferred)."""
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| en | ms |")))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append({language: [form.strip() for form in cell.split(" / ") if form.strip()]
                     for language, cell in zip(header, cells, strict=True) if language in ("en", *LANGUAGES)})
    return rows


def _typed_examples() -> list[str]:
    """Latin-digit samples of input the bot parses, listed in the glossary's digit notes."""
    text = GLOSSARY.read_text(encoding="utf-8")
    notes = text[text.index("## Digits"):text.index("## Voice")]
    block = notes[notes.index("examples of input"):notes.index("- **Chinese**")]
    return re.findall(r"`([^`]+)`", block)


def _catalog(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def _pairs(language: str):
    """(English singular, English plural or singular, translated form) for every form of every message."""
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            yield ids[0], ids[-1], form


def _prose(text: str) -> str:
    return UNTRANSLATED.sub(" ", text)


def _english(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(form) + r"s?(?![\w-])", re.IGNORECASE)


def _has(text: str, forms: list[str]) -> bool:
    folded = text.casefold()
    return any(form.rstrip("…").casefold() in folded for form in forms)


def test_the_glossary_covers_the_trades_words_in_every_language():
    words = {form for row in _glossary() for form in row["en"]}
    assert {"pipeline", "open pipeline", "pipeline coverage", "one-on-one", "talking point", "action item",
            "pulse survey", "eNPS", "win rate", "quota", "deal", "follow-up", "nudge", "kudos", "shout-out",
            "digest", "rep", "manager"} <= words
    assert all(row[language] for row in _glossary() for language in LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_term_is_translated_with_the_glossarys_word(language):
    wrong = []
    for row in _glossary():
        for singular, plural, form in _pairs(language):
            english = _prose(singular) + " " + _prose(plural)
            if any(_english(word).search(english) for word in row["en"]) and not _has(_prose(form), row[language]):
                wrong.append(f"{row['en'][0]!r} -> {row[language][0]!r} missing in {form!r}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_trade_word_is_left_in_a_translation(language):
    left = []
    for row in _glossary():
        words = [word for word in row["en"] if not _has(word, row[language])]  # eNPS is kept on purpose
        for _, _, form in _pairs(language):
            prose = _prose(form)
            if any(_english(word).search(prose) for word in words):
                left.append(form)
    for _, _, form in _pairs(language):
        if re.search("|".join(ENGLISH_NEVER_LEFT), _prose(form), re.IGNORECASE):
            left.append(form)
    assert sorted(set(left)) == []


def test_persian_text_uses_persian_digits():
    examples = _typed_examples()
    assert "2026-12-04" in examples
    latin = []
    for _, _, form in _pairs("fa"):
        text = re.sub(r"`[^`]*`|\{[^{}]*\}|<[^<>]*>|:[a-z0-9_+-]+:|/[a-z]+ .*$", " ", form)
        for example in examples:
            text = text.replace(example, " ")
        if re.search("[0-9%]", text):
            latin.append(form)
    assert latin == []


def test_chinese_text_uses_full_width_punctuation():
    half = []
    for _, _, form in _pairs("zh"):
        text = re.sub(r"`[^`]*`|/[a-z]+( [^\s，。；：]+)*|\[[^\]]*\]|:[a-z0-9_+-]+:", " ", form)
        if re.search(r"[,;:?!()\"](\s|$)|(?<=[\u4e00-\u9fff])[,;:?!()\"]", text):
            half.append(form)
    assert half == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_markup_are_those_of_the_english_text(language):
    differ = []
    for singular, plural, form in _pairs(language):
        english = set(PLACEHOLDER.findall(singular)) | set(PLACEHOLDER.findall(plural))
        if set(PLACEHOLDER.findall(form)) - {"{n}"} != english - {"{n}"}:
            differ.append(form)
        if set(MARKUP.findall(form)) != set(MARKUP.findall(singular)):
            differ.append(form)
        if form.count("*") != singular.count("*"):
            differ.append(form)
    assert differ == []
