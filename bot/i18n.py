"""Languages: gettext catalogs compiled from .po at start-up, Slack locale matching, Babel formatting."""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED = ("en", "ms", "zh", "lt", "fa")
RIGHT_TO_LEFT = frozenset({"fa"})
RLM, FSI, PDI = "\u200f", "\u2068", "\u2069"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEFAULT = "en"


def N_(text: str) -> str:
    """Marks text for extraction where it is translated later (tables of names)."""
    return text


def language_of(slack_locale: str | None) -> str:
    """Slack's `en-US`, `zh-CN`, `fa_IR` ... -> one of the supported languages (English otherwise)."""
    if not slack_locale:
        return DEFAULT
    code = slack_locale.replace("_", "-").split("-")[0].lower()
    return code if code in SUPPORTED and _has_catalog(code) else DEFAULT


@cache
def _has_catalog(code: str) -> bool:  # looked up once, like the catalog itself
    return (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").is_file()


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; English text is the msgid, so English needs no lookup."""
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        messages = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def without_bidi_marks(text: str) -> str:
    """Text rendered for Slack without the marks a right-to-left Translator adds (RLM, FSI, PDI), for a chart
    image or a file that lays out right-to-left text itself."""
    return text.translate({ord(RLM): None, ord(FSI): None, ord(PDI): None})


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse({"zh": "zh_Hans_CN", "ms": "ms_MY", "fa": "fa_IR", "lt": "lt_LT"}.get(language, "en_US"))


@lru_cache(maxsize=4096)
def _whole_number(language: str, value: int) -> str:
    return Translator(language).number(float(value))


@dataclass(frozen=True)
class Translator:
    """Everything a renderer needs to speak to one person: text, numbers and times in their language."""

    language: str
    tz: str = "UTC"
    bidi_marks: bool = True  # off for chart images and spreadsheets, which lay out right-to-left text themselves

    @classmethod
    def for_person(cls, slack_locale: str | None, tz: str | None = None) -> Translator:
        return cls(language_of(slack_locale), tz or "UTC")

    @property
    def babel_locale(self) -> Locale:
        return _babel_locale(self.language)

    def for_files(self) -> Translator:
        """The same reader without bidi control characters, for chart images and .xlsx cells."""
        return replace(self, bidi_marks=False)

    @property
    def rtl(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    def gettext(self, message: str, **values: object) -> str:
        text = catalog(self.language).gettext(message)
        return self._bidi(text, values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self._bidi(catalog(self.language).ngettext(singular, plural, n), {"n": self.number(n), **values})

    def _bidi(self, text: str, values: dict[str, object]) -> str:
        """Fill the placeholders; right to left, each value is isolated (U+2068..U+2069) so Latin names, emails
        and numbers keep their order, and each line starts with a right-to-left mark."""
        if not self.rtl or not self.bidi_marks:
            return text.format(**values) if values else text
        isolated = {k: f"{FSI}{v}{PDI}" for k, v in values.items()}
        filled = text.format(**isolated) if values else text
        return "\n".join(line if line.startswith(RLM) else RLM + line for line in filled.split("\n"))

    def _digits(self, text: str) -> str:
        return text.translate(PERSIAN_DIGITS) if self.language == "fa" else text

    @property
    def _numbering(self) -> str:
        return "arabext" if self.language == "fa" else "latn"

    def number(self, value: float, digits: int = 0) -> str:
        if type(value) is int and not digits:  # scale points and counts: the survey DM shows 17 at every click
            return _whole_number(self.language, value)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return self._digits(format_decimal(value, format=pattern, locale=self.babel_locale,
                                           numbering_system=self._numbering))

    def money(self, value: float, currency: str) -> str:
        """A whole amount in the locale's currency pattern, e.g. $1,234,567 or 1 234 567 USD."""
        pattern = self.babel_locale.currency_formats["standard"].pattern.replace(".00", "")
        return self._digits(format_currency(round(value), currency, format=pattern, locale=self.babel_locale,
                                            currency_digits=False, numbering_system=self._numbering))

    def percent(self, fraction: float, digits: int = 0) -> str:
        pattern = self.babel_locale.percent_formats[None].pattern
        if digits:
            pattern = re.sub(r"0(\s?%)", "0." + "0" * digits + r"\1", pattern)
        return self._digits(format_percent(fraction, format=pattern, locale=self.babel_locale,
                                           numbering_system=self._numbering))

    def signed(self, value: int) -> str:
        return ("+" if value > 0 else "") + self.number(value)

    def date(self, day: date) -> str:
        return self._digits(format_skeleton("yMMMd", day, locale=self.babel_locale))

    def when(self, moment: datetime) -> str:
        """Weekday, date and time of day in the reader's time zone and locale, e.g. "Fri, Dec 4 1:00 AM"."""
        local = moment.astimezone(ZoneInfo(self.tz))
        day = format_skeleton("MMMEd", local, locale=self.babel_locale)
        return self._digits(f"{day} {format_time(local, format='short', locale=self.babel_locale)}")
