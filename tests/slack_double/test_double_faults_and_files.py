"""Fault injection (429 + Retry-After, 5xx, dropped connections, rate limits) and files_upload_v2 end to end."""

from __future__ import annotations

import contextlib

import pytest
import slack_sdk.http_retry.builtin_handlers as retry_handlers
import slack_sdk.http_retry.handler as retry_base
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.slack_double import SlackDouble


class _NoSleep:
    """Stands in for the `time` module in slack_sdk's retry handlers: records waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    fake = _NoSleep()
    monkeypatch.setattr(retry_handlers, "time", fake)
    monkeypatch.setattr(retry_base, "time", fake)
    return fake.waits


def test_429_with_retry_after_is_retried_by_the_rate_limit_handler(double: SlackDouble, waits: list[float]):
    client = WebClient(token=double.bot_token, base_url=double.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    channel = double.add_channel("sales")
    double.fail_next("chat.postMessage", status=429, retry_after=7)
    assert client.chat_postMessage(channel=channel, text="hi")["ok"]
    calls = double.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200] and calls[0].response == {"ok": False, "error": "ratelimited"}
    assert 7 <= waits[0] < 8
    assert len(double.messages(channel)) == 1  # the rate-limited call posted nothing


def test_429_without_retry_handler_surfaces_ratelimited_and_retry_after(double: SlackDouble):
    client = WebClient(token=double.bot_token, base_url=double.api_url, retry_handlers=[])
    double.fail_next("auth.test", retry_after=3)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response.status_code == 429 and caught.value.response["error"] == "ratelimited"
    assert caught.value.response.headers["Retry-After"] == "3"


def test_server_error_and_api_error_injection(double: SlackDouble):
    client = WebClient(token=double.bot_token, base_url=double.api_url, retry_handlers=[])
    double.fail_next("auth.test", status=503)
    double.fail_next("auth.test", status=200, error="account_inactive")
    with pytest.raises(SlackApiError) as first:
        client.auth_test()
    with pytest.raises(SlackApiError) as second:
        client.auth_test()
    assert first.value.response.status_code == 503 and second.value.response["error"] == "account_inactive"
    assert client.auth_test()["ok"]


def test_dropped_connection_is_retried_by_the_connection_error_handler(double: SlackDouble, waits: list[float]):
    client = WebClient(token=double.bot_token, base_url=double.api_url,
                       retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)])
    double.fail_next("auth.test", drop=True)
    assert client.auth_test()["ok"]
    assert [c.status for c in double.calls_to("auth.test")] == [0, 200] and len(waits) == 1


def test_rate_limit_per_minute_answers_429_once_exceeded():
    now = [1_700_000_000.0]
    with SlackDouble(clock=lambda: now[0]) as double:
        client = WebClient(token=double.bot_token, base_url=double.api_url, retry_handlers=[])
        double.rate_limit("auth.test", 2)
        client.auth_test()
        client.auth_test()
        with pytest.raises(SlackApiError) as caught:
            client.auth_test()
        assert caught.value.response.status_code == 429
        now[0] += 61
        assert client.auth_test()["ok"]


def test_fault_rate_is_reproducible_with_a_seed(double: SlackDouble):
    client = WebClient(token=double.bot_token, base_url=double.api_url, retry_handlers=[])

    def outcomes() -> list[int]:
        double.clear_calls()
        for _ in range(20):
            with contextlib.suppress(SlackApiError):
                client.auth_test()
        return [c.status for c in double.calls]

    double.set_fault_rate(0.3, seed=42)
    first = outcomes()
    double.set_fault_rate(0.3, seed=42)
    assert outcomes() == first and 429 in first and 200 in first


def test_files_upload_v2_works_end_to_end(double: SlackDouble):
    client = WebClient(token=double.bot_token, base_url=double.api_url)
    ana = double.add_user("ana")
    channel = client.conversations_open(users=ana["id"])["channel"]["id"]
    answer = client.files_upload_v2(channel=channel, content=b"rep,score\nana,9\n", filename="pulse.csv",
                                    title="Pulse results", initial_comment="Here you go")
    [stored] = double.files.values()
    assert answer["file"]["id"] == stored["id"] and answer["file"]["title"] == "Pulse results"
    assert stored["content"] == b"rep,score\nana,9\n" and stored["name"] == "pulse.csv"
    assert stored["channels"] == [channel] and stored["initial_comment"] == "Here you go"
    assert double.messages(channel)[0]["files"][0]["id"] == stored["id"]
    assert [c.method for c in double.calls] == ["conversations.open", "files.getUploadURLExternal",
                                                "files.completeUploadExternal"]
