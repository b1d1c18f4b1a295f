"""The double's nastier faults (timeouts, drops after the call took effect, a seeded mix, per-second limits)
and the client-side pace that answers them."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime.pacing import Pacer, PastDeadline, make_client, pacer_of
from bot.settings import Settings, SettingsError
from bot.slack_double import SlackDouble
from bot.slack_double.faults import FAULT_KINDS, FAULT_MIX, FaultPlan


def _bare(double: SlackDouble, timeout: float = 2) -> WebClient:
    return WebClient(token=double.bot_token, base_url=double.api_url, timeout=timeout,  # type: ignore[arg-type]
                     retry_handlers=[])


def test_a_post_carried_out_then_dropped_is_in_the_channel_though_the_client_saw_an_error(double: SlackDouble):
    channel = double.add_channel("sales")
    double.fail_next("chat.postMessage", drop=True, carried_out=True)
    with pytest.raises(Exception) as caught:
        _bare(double).chat_postMessage(channel=channel, text="hello")
    assert not isinstance(caught.value, SlackApiError)  # no answer at all
    assert [m["text"] for m in double.messages(channel)] == ["hello"]
    (call,) = double.calls_to("chat.postMessage")
    assert call.status == 0 and call.fault == "queued" and call.response and call.response["ok"]


@pytest.mark.parametrize("carried_out", [False, True])
def test_an_answer_later_than_the_client_timeout_may_or_may_not_have_posted(double: SlackDouble, carried_out):
    channel = double.add_channel("sales")
    double.fail_next("chat.postMessage", late=0.5, carried_out=carried_out)
    with pytest.raises(TimeoutError):
        _bare(double, timeout=0.1).chat_postMessage(channel=channel, text="hello")
    assert len(double.messages(channel)) == (1 if carried_out else 0)


def test_a_seeded_fault_mix_has_every_kind_and_repeats_with_the_seed():
    def kinds(seed: int) -> list[str | None]:
        plan = FaultPlan()
        plan.set_fault_rate(0.5, seed=seed, mix=FAULT_MIX, late=0.1)
        return [f.kind if (f := plan.take("chat.postMessage")) else None for _ in range(400)]

    first = kinds(7)
    assert first == kinds(7) and first != kinds(8)
    counted = Counter(first)
    assert set(counted) == {*FAULT_KINDS, None} and 150 < counted[None] < 250


def test_a_per_second_limit_answers_429_with_slacks_whole_second_retry_after():
    now = [1_700_000_000.0]
    with SlackDouble(clock=lambda: now[0]) as double:
        client = _bare(double)
        double.rate_limit("auth.test", per_second=2)
        client.auth_test()
        client.auth_test()
        with pytest.raises(SlackApiError) as caught:
            client.auth_test()
        assert caught.value.response.status_code == 429
        assert caught.value.response.headers["Retry-After"] == "1"  # Slack sends whole seconds
        now[0] += 0.5  # one call's worth of the bucket back
        assert client.auth_test()["ok"]
        double.rate_limit("auth.test", per_second=4, burst=1, exact_retry_after=True)
        client.auth_test()
        with pytest.raises(SlackApiError) as exact:
            client.auth_test()
        assert exact.value.response.headers["Retry-After"] == "0.25"  # the double-only knob


def test_a_429_pauses_the_method_for_every_thread_sharing_the_client(double: SlackDouble):
    client = make_client(token=double.bot_token, base_url=double.api_url, timeout=2)
    pacer = pacer_of(client)
    assert pacer is not None
    double.fail_next("chat.postMessage", status=429, retry_after=1)
    channel = double.add_channel("sales")
    posted = threading.Thread(target=client.chat_postMessage, kwargs={"channel": channel, "text": "first"})
    posted.start()
    assert _eventually(lambda: double.calls_to("chat.postMessage"))
    assert _eventually(lambda: pacer.wait("chat.postMessage") > 0.5)  # another thread is held back too
    posted.join(timeout=5)
    assert [c.status for c in double.calls_to("chat.postMessage")] == [429, 200]


def test_a_429_retry_that_would_wait_past_the_callers_deadline_is_not_made(double: SlackDouble):
    client = make_client(token=double.bot_token, base_url=double.api_url, timeout=2)
    pacer = pacer_of(client)
    assert pacer is not None
    double.fail_next("chat.postMessage", status=429, retry_after=5)
    with pytest.raises(PastDeadline), pacer.deadline(1.0):  # a delivery lease with a second left
        client.chat_postMessage(channel=double.add_channel("sales"), text="first")
    assert [c.status for c in double.calls_to("chat.postMessage")] == [429]  # no second call, no sleeping


def _eventually(predicate, tries: int = 200):
    pause = threading.Event()
    for _ in range(tries):
        if value := predicate():
            return value
        pause.wait(0.01)
    return None


def test_a_pace_spaces_calls_after_a_one_second_burst():
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer({"chat.postMessage": 10}, clock=lambda: now[0], sleep=sleep)
    waits = [pacer.wait("chat.postMessage") for _ in range(12)]
    assert waits[:10] == [0.0] * 10 and waits[10] == pytest.approx(0.1) and waits[11] == pytest.approx(0.1)
    assert pacer.wait("conversations.open") == 0.0  # an unpaced method is not held
    pacer.pause("conversations.open", 3)
    assert pacer.wait("conversations.open") == pytest.approx(3)


def test_the_pace_setting_reads_methods_per_second_or_minute_and_names_a_bad_entry():
    settings = Settings.from_env({"SALESCOACH_SLACK_PACE": "chat.postMessage=50/s, conversations.history=30/min",
                                  "SALESCOACH_SLACK_TIMEOUT": "0.5", "SALESCOACH_DELIVERY_WORKERS": "6"})
    assert settings.slack_pace == (("chat.postMessage", 50.0), ("conversations.history", 0.5))
    assert settings.slack_timeout == 0.5 and settings.delivery_workers == 6
    with pytest.raises(SettingsError, match=r"SALESCOACH_SLACK_PACE.*'chat.postMessage=fast'"):
        Settings.from_env({"SALESCOACH_SLACK_PACE": "chat.postMessage=fast"})
