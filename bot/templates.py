"""Announcement templates an admin may edit (win, milestone, shout-out intro, survey intro), per language: checked
when saved, rendered in Jinja2's sandbox with a fixed set of variables, every value shown as written (no pings)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from bot.i18n import FSI, PDI, RLM, Translator
from bot.slack_text import literal

log = logging.getLogger(__name__)
MAX_LENGTH = 1000  # characters of template source; the rendered text is cut to the block's own limit as well
FILTERS = ("capitalize", "default", "lower", "title", "trim", "truncate", "upper")
_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If, nodes.CondExpr,
          nodes.Filter, nodes.Test, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Concat,
          nodes.Keyword, nodes.List, nodes.Tuple)
_TAGS = {"Assign": "set", "AssignBlock": "set", "FromImport": "from", "CallBlock": "call", "FilterBlock": "filter",
         "ExprStmt": "do", "Scope": "with", "ScopedEvalContextModifier": "autoescape"}
ALLOWED = ("{{ variable }}, ~ to join, the filters " + ", ".join(FILTERS)
           + ", tests (is none, ==, in) and {% if %}…{% elif %}…{% else %}…{% endif %}")


class Mention(str):
    """Mrkdwn the bot itself wrote (a <@U…> mention of the person a post is about): shown as is, unlike any
    other value. Any operation on it in a template gives a plain str, which is escaped like the rest."""


@dataclass(frozen=True)
class Announcement:
    """One editable announcement: its variables (documented in the README) and a template equivalent to the
    built-in English text, as a starting point."""

    name: str
    variables: tuple[str, ...]
    example: str
    one_line: bool = False  # a header: the rendered lines are joined with spaces


ANNOUNCEMENTS = {a.name: a for a in (
    Announcement("win", ("rep", "rep_name", "account", "amount", "days", "logged"),
                 ':trophy: {{ rep }} {{ "logged a win:" if logged else "won" }} '
                 '{% if account %}*{{ account }}*{% else %}a deal{% endif %}'
                 '{% if amount %} — {{ amount }}{% endif %}{% if days %} · closed in {{ days }} days{% endif %}'),
    Announcement("milestone", ("rep", "rep_name", "period", "won", "quota", "share"),
                 ":dart: {{ rep }} passed 100% of quota for {{ period }}: {{ won }} of {{ quota }} ({{ share }})."),
    Announcement("shout-out", ("team", "week", "wins", "kudos"), "Shout-outs for {{ team }}, week of {{ week }}",
                 one_line=True),
    Announcement("survey", ("team", "closes", "questions"), "Pulse survey for {{ team }}", one_line=True),
)}
SAMPLES: Mapping[str, Mapping[str, object]] = {
    "win": {"rep": Mention("<@U0SAMPLE>"), "rep_name": "Ana", "account": "Acme", "amount": "$12,000", "days": 30,
            "logged": False},
    "milestone": {"rep": Mention("<@U0SAMPLE>"), "rep_name": "Ana", "period": "2026-03", "won": "$105,000",
                  "quota": "$100,000", "share": "105%"},
    "shout-out": {"team": "Hunters", "week": "Mar 2, 2026", "wins": 3, "kudos": 7},
    "survey": {"team": "Hunters", "closes": "Thu, Mar 5 9:00 AM", "questions": 3},
}
SPARSE: Mapping[str, Mapping[str, object]] = {  # what a post without the optional figures passes
    "win": {**SAMPLES["win"], "account": "", "amount": "", "days": None, "logged": True},
}


class TemplateRefused(Exception):
    """A template not saved; the message is one line: file:line, what is wrong, what is allowed."""


@lru_cache(maxsize=64)
def _compiled(source: str, t: Translator) -> Template:
    """Compiled once per template and reader (a survey's edits re-render it on every click)."""
    return _environment(t).from_string(source)


def _environment(t: Translator) -> SandboxedEnvironment:
    def finalize(value: object) -> str:
        if value is None or isinstance(value, bool):
            shown = "" if value is None else str(value)
        elif type(value) is Mention:
            return str(value)
        elif isinstance(value, int | float):
            shown = t.number(value)
        else:
            shown = literal(str(value))
        return f"{FSI}{shown}{PDI}" if t.rtl and t.bidi_marks and shown else shown

    return SandboxedEnvironment(autoescape=False, finalize=finalize, undefined=StrictUndefined,
                                keep_trailing_newline=False)


def render(source: str, t: Translator, name: str, values: Mapping[str, object]) -> str | None:
    """The announcement `name` from an admin's template, or None (the caller then uses its built-in text) when the
    template fails; a stored template was checked when saved, so that is only a template edited in the database."""
    try:
        text = _render(source, t, values, one_line=ANNOUNCEMENTS[name].one_line)
    except Exception as exc:  # never a lost post: the built-in text goes out instead
        log.warning("announcement template %s (%s) failed (%s); the built-in text was used", name, t.language,
                    type(exc).__name__)
        return None
    return text or None


def _render(source: str, t: Translator, values: Mapping[str, object], *, one_line: bool = False) -> str:
    text = _compiled(source, t).render(values).strip()
    if one_line:
        text = " ".join(line.strip() for line in text.split("\n") if line.strip())
    # The template's own text is shown as written too; the only markup left is the bot's own mentions.
    people = {m[2:-1]: str(m) for m in values.values() if type(m) is Mention and m.startswith("<@")}
    text = literal(text, escaped=True, people=people)
    if t.rtl and t.bidi_marks:
        text = "\n".join(line if line.startswith(RLM) else RLM + line for line in text.split("\n"))
    return text


def check(name: str, source: str, *, filename: str) -> None:
    """Refuse (TemplateRefused) a template that is too long, does not parse, names a variable `name` does not
    have, uses anything beyond variables, filters, ~ and if, or raises when rendered with sample values."""
    announcement = ANNOUNCEMENTS[name]
    if len(source) > MAX_LENGTH:
        raise TemplateRefused(f"{filename}:{source[:MAX_LENGTH].count(chr(10)) + 1}: the template is "
                              f"{len(source)} characters; at most {MAX_LENGTH} are allowed")
    env = _environment(Translator("en"))
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        what = (exc.message or "").rstrip(".")
        raise TemplateRefused(f"{filename}:{exc.lineno}: syntax error: {what}; allowed: {ALLOWED}") from None
    for node in tree.find_all(nodes.Node):
        problem = _forbidden(node, env)
        if problem:
            raise TemplateRefused(f"{filename}:{node.lineno}: {problem} is not allowed (the sandbox); "
                                  f"allowed: {ALLOWED}")
    allowed = ", ".join(announcement.variables)
    for unknown in sorted(meta.find_undeclared_variables(tree) - set(announcement.variables)):
        line = next(n.lineno for n in tree.find_all(nodes.Name) if n.name == unknown)
        raise TemplateRefused(f"{filename}:{line}: unknown variable {unknown!r}; {name} has {allowed}")
    for values in (SAMPLES[name], SPARSE.get(name, SAMPLES[name])):
        try:
            text = _render(source, Translator("en"), values, one_line=announcement.one_line)
        except Exception as exc:  # whatever raises is refused, in one line
            raise TemplateRefused(f"{filename}:{_template_line(exc.__traceback__)}: rendering with sample values "
                                  f"failed: {type(exc).__name__}: {exc}; allowed: {ALLOWED}") from None
        if not text:
            raise TemplateRefused(f"{filename}:1: the template renders nothing with sample values; a Slack "
                                  "message needs text")


def _forbidden(node: nodes.Node, env: SandboxedEnvironment) -> str | None:
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Slice):
        shown = f".{node.attr}" if isinstance(node, nodes.Getattr) else "[…]"
        return f"attribute or item access ({shown})"
    if isinstance(node, nodes.Call):
        return "calling a function or method"
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return f"the filter |{node.name}"
    if isinstance(node, nodes.Test) and node.name not in env.tests:
        return f"the test 'is {node.name}'"
    if isinstance(node, nodes.Name) and node.ctx != "load":
        return f"assigning to {node.name!r}"
    if not isinstance(node, _NODES):
        kind = type(node).__name__
        return f"{{% {_TAGS.get(kind, kind.lower())} %}}" if isinstance(node, nodes.Stmt) else f"the expression {kind}"
    return None


def _template_line(tb: TracebackType | None) -> int:
    """The template line a render error came from (Jinja rewrites its frames to the template's lines)."""
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line

