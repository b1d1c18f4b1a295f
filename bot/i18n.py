"""Languages: gettext catalogs compiled from .po at start-up, Slack locale matching, Babel formatting."""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED = ("en", "ms", "zh", "lt", "fa")
DEFAULT = "en"


def N_(text: str) -> str:
    """Marks text for extraction where it is translated later (tables of names)."""
    return text


def language_of(slack_locale: str | None) -> str:
    """Slack's `en-US`, `zh-CN`, `fa_IR` ... -> one of the supported languages (English otherwise)."""
    if not slack_locale:
        return DEFAULT
    code = slack_locale.replace("_", "-").split("-")[0].lower()
    has_catalog = (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").is_file()
    return code if code in SUPPORTED and has_catalog else DEFAULT


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


def escape(text: str) -> str:
    """Slack escaping: only & < > (HTML entities such as &#39; would show literally)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse({"zh": "zh_Hans_CN", "ms": "ms_MY", "fa": "fa_IR", "lt": "lt_LT"}.get(language, "en_US"))


@dataclass(frozen=True)
class Translator:
    """Everything a renderer needs to speak to one person: text, numbers and times in their language."""

    language: str
    tz: str = "UTC"

    @classmethod
    def for_person(cls, slack_locale: str | None, tz: str | None = None) -> Translator:
        return cls(language_of(slack_locale), tz or "UTC")

    @property
    def babel_locale(self) -> Locale:
        return _babel_locale(self.language)

    def gettext(self, message: str, **values: object) -> str:
        text = catalog(self.language).gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return catalog(self.language).ngettext(singular, plural, n).format(n=self.number(n), **values)

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.babel_locale)

    def money(self, value: float, currency: str) -> str:
        """A whole amount in the locale's currency pattern, e.g. $1,234,567 or 1 234 567 USD."""
        pattern = self.babel_locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(round(value), currency, format=pattern, locale=self.babel_locale,
                               currency_digits=False)

    def percent(self, fraction: float) -> str:
        return format_percent(fraction, locale=self.babel_locale)

    def signed(self, value: int) -> str:
        return ("+" if value > 0 else "") + self.number(value)

    def date(self, day: date) -> str:
        return format_skeleton("yMMMd", day, locale=self.babel_locale)

    def when(self, moment: datetime) -> str:
        """Weekday, date and time of day in the reader's time zone and locale, e.g. "Fri, Dec 4 1:00 AM"."""
        local = moment.astimezone(ZoneInfo(self.tz))
        day = format_skeleton("MMMEd", local, locale=self.babel_locale)
        return f"{day} {format_time(local, format='short', locale=self.babel_locale)}"
