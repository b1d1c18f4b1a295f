"""Text the bot did not write, made safe for any Slack text field: shown as written, pinging and linking nobody.

Slack reads &, < and > as control characters in every text object and in a message's fallback `text`
(https://api.slack.com/reference/surfaces/formatting#escaping); `<!here>`, `<!subteam^…>`, `<@U…>` and `<url|label>`
are the markup that pings or links. The bot never sets `link_names` or `parse: full`, and bare @channel/@here/
@everyone words get an invisible word joiner as well, so no Slack client or setting turns them into a ping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

WORD_JOINER = "\u2060"
_BARE_SPECIAL = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_MARKUP = re.compile(r"<([^<>]*)>")


def literal(text: str, *, escaped: bool = False, people: Mapping[str, str] | None = None) -> str:
    """`text` as Slack shows it literally: & < > escaped, bare @channel/@here/@everyone broken by a word joiner.

    `escaped=True` reads text as Slack sends it (a stored kudos message, like a slash command's text; see `plain`):
    each <…> shows as what it reads, never as markup, except that a person whose Slack id is in `people` shows as
    the value there: mrkdwn the bot itself wrote, such as the <@U…> mention of a receiver it has checked.
    """
    if not escaped:
        return _quiet(_escape(text))
    shown, start = [], 0
    for markup in _MARKUP.finditer(text):
        shown.append(_quiet(_escape(_unescape(text[start:markup.start()]))))
        person = markup.group(1)[1:].partition("|")[0] if markup.group(1).startswith("@") else None
        if person is not None and people and person in people:
            shown.append(people[person])
        else:
            shown.append(_quiet(_escape(_words(markup.group(1)))))
        start = markup.end()
    shown.append(_quiet(_escape(_unescape(text[start:]))))
    return "".join(shown)


def plain(text: str) -> str:
    """A slash command's text (Slack escapes it) as the words the person typed: &amp; &lt; &gt; decoded, <@U1|ana>
    as @ana, <#C1|deals> as #deals, <!here> as @here, <!subteam^S1|@sales> as @sales, <https://x|click> as
    "click (https://x)". Store this, and show it with `literal`."""
    parts, start = [], 0
    for markup in _MARKUP.finditer(text):
        parts += [_unescape(text[start:markup.start()]), _words(markup.group(1))]
        start = markup.end()
    return "".join([*parts, _unescape(text[start:])])


def _words(inner: str) -> str:
    """What one <…> of Slack markup reads as, in plain words."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        words = "@" + (label or target[1:])
    elif target.startswith("#"):
        words = "#" + (label or target[1:])
    elif target.startswith("!"):
        name = target[1:].split("^")[0]
        words = label if name == "date" else "@" + (label or name).lstrip("@")
    else:
        words = target if not label or label == target else f"{label} ({target})"
    return _unescape(words)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _quiet(text: str) -> str:
    return _BARE_SPECIAL.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)
