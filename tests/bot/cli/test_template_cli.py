"""`salescoach template set|show|reset|list`: a template is checked before it is saved, and every refusal is one
line naming the file and line, what is wrong and what is allowed (exit 2, nothing saved)."""

import pytest

from bot.cli.main import main

WIN = ':tada: {{ rep }} menang *{{ account or "satu urusan" }}*{% if amount %} — {{ amount }}{% endif %}\n'


@pytest.fixture
def env(cli_database, monkeypatch):
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli-test")
    return cli_database


def _file(tmp_path, text, name="win.j2"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_set_show_list_and_reset_a_win_template_per_language(env, tmp_path, capsys):
    assert main(["template", "set", "win", _file(tmp_path, WIN), "--locale", "ms-MY"]) == 0
    assert capsys.readouterr().out.strip() == "win (ms): saved; the next win announcement in ms uses it"
    assert main(["template", "show", "win", "--locale", "ms"]) == 0
    assert capsys.readouterr().out == WIN
    assert main(["template", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 1 and listing[0].split()[:2] == ["win", "ms"]
    assert main(["template", "show", "win"]) == 0  # English has none: the starting point, marked as such
    shown = capsys.readouterr().out
    assert shown.startswith("{# win (en): no template saved; the built-in text is used.") and "{{ rep }}" in shown
    assert main(["template", "reset", "win", "--locale", "ms"]) == 0
    assert "removed; the built-in text is used again" in capsys.readouterr().out
    assert main(["template", "list"]) == 0
    assert capsys.readouterr().out.strip() == "no templates saved; every announcement uses the built-in text"


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi {{ rep }}\n{% if days %}{{ days }}\n", "win.j2:2: syntax error: Unexpected end of template"),
    ("{{ rep }} won\n\n{{ deal }}", "win.j2:3: unknown variable 'deal'; win has rep, rep_name, account, amount, "
                                   "days, logged"),
    ("{{ rep }}\n{{ ''.__class__.__mro__ }}", "win.j2:2: attribute or item access (.__mro__) is not allowed "
                                              "(the sandbox); allowed: {{ variable }}"),
    ("{{ rep }} {{ lipsum.__globals__ }}", "win.j2:1: attribute or item access (.__globals__) is not allowed"),
    ("{% for x in account %}{{ x }}{% endfor %}", "win.j2:1: {% for %} is not allowed (the sandbox)"),
    ("{{ rep }}\n{{ range(3) }}", "win.j2:2: calling a function or method is not allowed"),
    ("{% set x = rep %}{{ x }}", "win.j2:1: {% set %} is not allowed"),
    ("{{ rep }}{% include 'other.j2' %}", "win.j2:1: {% include %} is not allowed"),
    ("{% macro m() %}{{ rep }}{% endmacro %}", "win.j2:1: {% macro %} is not allowed"),
    ("{{ rep }} {{ account|replace('a', account * 9) }}", "win.j2:1: the filter |replace is not allowed"),
    ("{% if days is none %}{{ rep }}{% endif %}", "win.j2:1: the template renders nothing with sample values"),
    ("{{ rep }}" + " won" * 300, "win.j2:1: the template is 1209 characters; at most 1000 are allowed"),
    ("{{ rep }}{% if days > 'ten' %}!{% endif %}", "win.j2:1: rendering with sample values failed: TypeError"),
])
def test_a_bad_template_is_refused_in_one_line_and_nothing_is_saved(env, tmp_path, capsys, text, expected):
    assert main(["template", "set", "win", _file(tmp_path, text)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"salescoach: {tmp_path}/{expected}"), err
    assert err[0].endswith("; nothing was saved")
    assert main(["template", "list"]) == 0
    assert "no templates saved" in capsys.readouterr().out


def test_an_unknown_announcement_or_language_is_refused_naming_what_is_allowed(env, tmp_path, capsys):
    assert main(["template", "set", "kudos", _file(tmp_path, WIN)]) == 2
    assert "unknown announcement 'kudos'; allowed: win, milestone, shout-out, survey" in capsys.readouterr().err
    assert main(["template", "show", "win", "--locale", "de-DE"]) == 2
    assert "--locale de-DE: expected one of en, ms, zh, lt, fa" in capsys.readouterr().err
