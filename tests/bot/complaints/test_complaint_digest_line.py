"""The digest's complaints line: a dash for the median when none was resolved, nothing when there were none, and
the reader's digits."""

from bot.complaints.digest import digest_line
from bot.i18n import Translator
from coaching.complaints.service import ComplaintCounts


def text(locale: str, figures: ComplaintCounts | None) -> str | None:
    line = digest_line(Translator.for_person(locale, "Asia/Tehran"), figures)
    return line["elements"][0]["text"] if line else None


def test_the_median_is_a_dash_when_no_complaint_was_resolved_and_the_line_is_gone_without_complaints():
    assert text("en-US", ComplaintCounts(2, 1, 0, None)) == (
        ":rotating_light: Complaints: 2 open, 1 overdue; median time to resolve in the last 7 days – working h")
    assert text("en-US", ComplaintCounts(0, 0, 0, None)) is None and text("en-US", None) is None


def test_the_line_speaks_the_readers_language_and_digits():
    persian = text("fa-IR", ComplaintCounts(3, 1, 2, 2.5))
    assert persian is not None and "۲٫۵" in persian and "Complaints" not in persian
