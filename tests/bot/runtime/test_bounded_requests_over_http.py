"""Request bodies are bounded before anything reads them: over the limit is a 413 (even before the client sends
a byte of it, or while a chunked body is still coming), and a malformed body is a 400 with no traceback."""

import dataclasses
import io
import json
import logging
import socket
from datetime import date, datetime
from urllib.parse import urlencode

import pytest

from bot.i18n import Translator
from bot.recognition.webhook import MAX_BODY as DEALS_MAX_BODY
from bot.runtime.server import MAX_BODY, SLACK_MAX_BODY, make_wsgi
from bot.slack_double.actor import SlackActor
from bot.slack_double.payloads import view_submission
from bot.surveys.messages import answers_view
from bot.surveys.pulse_views import create_view
from surveys.ports import RoundInfo
from surveys.questions import MAX_QUESTIONS_PER_ROUND, MAX_TEXT_LENGTH, STARTER, Question, QuestionBank

EMOJI = "\U0001f600"  # the costliest character Slack can send: \ud83d\ude00 in JSON, %5Cud83d%5Cude00 in a form


def raw_request(port: int, head: str, body_chunks=(), *, read_timeout: float = 10.0) -> tuple[int | None, bytes]:
    """Send a request's head, then body chunks until the server answers or hangs up; (status, answer bytes).
    status is None when the server closed the connection without an answer the client could read."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as sock:
        sock.sendall(head.encode("latin-1"))
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else None
    return status, answer


def head(path: str, length: int | None, content_type: str = "application/json", extra: str = "") -> str:
    size = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    return f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{size}{extra}\r\n"


@pytest.fixture
def bot(running_bot):
    """The bot with the CRM webhook on, so both routes read bodies."""
    running_bot.services.settings = dataclasses.replace(running_bot.services.settings, webhook_secret="s" * 32)
    return running_bot


def test_a_declared_length_over_the_limit_is_refused_before_the_client_sends_any_of_the_body(bot):
    port = bot.server.effective_port
    status, answer = raw_request(port, head("/slack/events", 256 * 1024 * 1024))
    assert status == 413 and b"exceeds max_body" in answer
    assert raw_request(port, head("/slack/events", MAX_BODY + 1))[0] == 413
    assert raw_request(port, head("/hooks/deals", MAX_BODY + 1))[0] == 413


def test_a_chunked_body_without_a_length_is_refused_once_it_passes_the_limit(bot):
    port = bot.server.effective_port
    sent = []

    def chunks():
        piece = b"x" * 65536
        while sum(sent) <= 4 * MAX_BODY:  # would go on to 4x the limit if the server kept reading
            sent.append(len(piece))
            yield b"%x\r\n%s\r\n" % (len(piece), piece)

    status, _ = raw_request(port, head("/slack/events", None), chunks())
    assert status in (413, None)  # waitress answers 413 and hangs up; the client may see the hang-up first
    assert sum(sent) < 4 * MAX_BODY
    assert bot.actor.url_verification(None).status == 200  # and it goes on serving


def test_the_webhook_has_its_own_smaller_bound(bot):
    body = b"{" + b" " * DEALS_MAX_BODY + b"}"
    request = head("/hooks/deals", len(body), extra="Connection: close\r\n")
    status, answer = raw_request(bot.server.effective_port, request, [body])
    assert status == 413 and answer.endswith(b"the body must be one deal of at most 65536 bytes\n")


def test_a_slack_request_of_exactly_the_limit_is_read_and_checked_by_bolt(bot):
    payload = {"type": "event_callback", "padding": ""}
    payload["padding"] = " " * (SLACK_MAX_BODY - len(json.dumps(payload).encode()))
    body = json.dumps(payload).encode()
    assert len(body) == SLACK_MAX_BODY
    reply = SlackActor(bot.slack, bot.url).post(None, body, "application/json", bad_signature=True)
    assert reply.status == 401  # bolt's signature check, not the bound


MALFORMED = [
    (b"{", "application/json"),
    (b"x", "application/json"),
    (b"[1]", "application/json"),
    (b"null", "application/json"),
    (b'{"user": 1, "event_context": {"id": []}}', "application/json"),
    (b"\xff\xfe{}", "application/json"),
    (b"[" * 100_000, "application/json"),
    (b"payload=%7B", "application/x-www-form-urlencoded"),
    (b"payload=null", "application/x-www-form-urlencoded"),
    (b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
    (b"payload=%FF", "application/x-www-form-urlencoded"),
    (b"{", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_a_malformed_body_gets_400_and_one_log_line_without_a_traceback(bot, caplog, body, content_type,
                                                                         signed):
    caplog.set_level(logging.INFO)
    reply = SlackActor(bot.slack, bot.url).post(None, body, content_type, bad_signature=not signed)
    assert reply.status == 400
    assert reply.text.startswith("the body is not a Slack request (")
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in caplog.records if r.name == "salescoach.http"] == [
        f"POST /slack/events from 127.0.0.1 refused (400): {reply.text.strip()}"]


def test_a_well_formed_unsigned_request_still_gets_bolts_401(bot):
    assert bot.actor.url_verification(None, bad_signature=True).status == 401


class Endless(io.RawIOBase):
    """A request stream as a server that passes chunked bodies through (no CONTENT_LENGTH) gives it: endless."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "the app must never read without a bound"
        self.given += size
        return b"x" * size


@pytest.mark.parametrize("path", ["/slack/events", "/hooks/deals"])
def test_without_a_content_length_the_app_counts_while_reading_and_stops_past_the_limit(bot, path):
    stream, answers = Endless(), []
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": stream,
               "wsgi.input_terminated": True, "CONTENT_TYPE": "application/json", "REMOTE_ADDR": "127.0.0.1"}
    wsgi = make_wsgi(bot.app, bot.services)
    body = b"".join(wsgi(environ, lambda status, headers: answers.append(status)))
    limit = SLACK_MAX_BODY if path == "/slack/events" else DEALS_MAX_BODY
    assert answers == ["413 Request Entity Too Large"] and str(limit).encode() in body
    assert stream.given == limit + 1


# ---- the limit, sized from the largest bodies Slack can send us ---------------------------------------------

def submission_size(slack, view: dict, values: dict) -> int:
    """The bytes Slack sends when this view is submitted with these values: form-encoded JSON, non-ASCII
    escaped (Slack sends view payloads' characters 'in unicode format', \\uXXXX)."""
    payload = view_submission(slack.workspace, view=view, values=values, user_id="U" * 11, trigger_id="1" * 40)
    return len(urlencode({"payload": json.dumps(payload)}).encode())


def test_the_largest_view_submissions_our_modals_allow_fit_in_half_the_limit(slack):
    t = Translator.for_person("fa-IR", "Asia/Tehran")
    written = [Question(f"c_{i:03}", "custom", "text", EMOJI * MAX_TEXT_LENGTH, custom=True) for i in range(100)]
    bank = QuestionBank([*STARTER, *written])
    asked = written[:MAX_QUESTIONS_PER_ROUND]
    round_ = RoundInfo(1, 1, EMOJI * 200, date(2026, 11, 30), tuple(q.id for q in asked), datetime(2026, 11, 30),
                       datetime(2026, 12, 3), None)
    survey = answers_view(t, round_, {q.id: EMOJI * 2000 for q in asked}, bank=bank)  # prefilled to the brim
    answers = {f"q:{q.id}": EMOJI * 2000 for q in asked} | {"comment": EMOJI * 2000}
    pulse = create_view(t, [EMOJI * 80 + str(i) for i in range(100)], bank)
    everything = {"questions": [o["value"] for o in pulse["blocks"][1]["element"]["options"]]}
    sizes = {"survey": submission_size(slack, survey, answers), "pulse": submission_size(slack, pulse, everything)}
    assert max(sizes.values()) <= SLACK_MAX_BODY // 2, sizes
    assert min(sizes.values()) > SLACK_MAX_BODY // 8, sizes  # the bound is not far above what we need

