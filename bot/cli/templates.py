"""`salescoach template set|show|reset|list`: an admin's announcement templates (bot.templates), per language."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import DEFAULT, SUPPORTED
from bot.templates import ANNOUNCEMENTS, MAX_LENGTH, TemplateRefused, check
from storage.templates import announcement_template, reset_template, save_template, saved_templates

if TYPE_CHECKING:
    from bot.bootstrap import Services


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    template = sub.add_parser("template", help="edit the win, milestone, shout-out and survey announcements").\
        add_subparsers(dest="template_command", required=True)
    names = ", ".join(f"{a.name} ({', '.join(a.variables)})" for a in ANNOUNCEMENTS.values())
    put = template.add_parser(
        "set", help="save a Jinja2 template for an announcement in one language",
        description=f"Announcements and their variables: {names}. Allowed: {{{{ variable }}}}, ~, filters, "
        f"{{% if %}}; at most {MAX_LENGTH} characters. Checked before saving; nothing is saved when it is refused.")
    put.add_argument("name", help="win, milestone, shout-out or survey")
    put.add_argument("file", help="a UTF-8 text file holding the template")
    show = template.add_parser("show", help="the saved template (or a starting point when none is saved)")
    show.add_argument("name")
    reset = template.add_parser("reset", help="remove the saved template: the built-in text is used again")
    reset.add_argument("name")
    for command in (put, show, reset):
        command.add_argument("--locale", default=DEFAULT, help=f"the language: {', '.join(SUPPORTED)} (default en)")
    template.add_parser("list", help="the saved templates")


class _Refused(Exception):
    """Bad input to a template command; the message is one line."""


def run(args: argparse.Namespace, services: Services) -> int:
    try:
        if args.template_command == "list":
            return _list(services)
        name, language = _name(args.name), _language(args.locale)
        if args.template_command == "set":
            source = _read(args.file)
            check(name, source, filename=args.file)
            with services.unit() as u:
                save_template(u.session, name=name, language=language, source=source, now=u.now)
            print(f"{name} ({language}): saved; the next {name} announcement in {language} uses it")
        elif args.template_command == "reset":
            with services.unit() as u:
                gone = reset_template(u.session, name=name, language=language)
            print(f"{name} ({language}): " + ("removed; the built-in text is used again" if gone
                                                else "no template was saved; the built-in text is used"))
        else:
            with services.unit() as u:
                saved = announcement_template(u.session, name, language)
            if saved is None:
                print(f"{{# {name} ({language}): no template saved; the built-in text is used. A starting point, "
                      f"with the variables {', '.join(ANNOUNCEMENTS[name].variables)}: #}}")
            print((ANNOUNCEMENTS[name].example if saved is None else saved).rstrip("\n"))
    except (_Refused, TemplateRefused) as exc:
        print(f"salescoach: {exc}; nothing was saved" if args.template_command == "set" else f"salescoach: {exc}",
              file=sys.stderr)
        return 2
    return 0


def _list(services: Services) -> int:
    with services.unit() as u:
        rows = saved_templates(u.session)
    for name, language, saved_at, length in rows:
        print(f"{name:<10} {language:<3} {length:>5} characters, saved {saved_at:%Y-%m-%d %H:%M} UTC")
    if not rows:
        print("no templates saved; every announcement uses the built-in text")
    return 0


def _name(name: str) -> str:
    if name not in ANNOUNCEMENTS:
        raise _Refused(f"unknown announcement {name!r}; allowed: {', '.join(ANNOUNCEMENTS)}")
    return name


def _language(locale: str) -> str:
    code = locale.replace("_", "-").split("-")[0].lower()
    if code not in SUPPORTED:
        raise _Refused(f"--locale {locale!r} is not a supported language; allowed: {', '.join(SUPPORTED)}")
    return code


def _read(file: str) -> str:
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise _Refused(f"{file}: cannot read ({exc.strerror or exc})") from None
    if len(data) > 4 * MAX_LENGTH:
        raise _Refused(f"{file}:1: the file is {len(data)} bytes; a template has at most {MAX_LENGTH} characters")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _Refused(f"{file}:{line}: not UTF-8 text (byte {exc.start}); save the template as UTF-8") from None
