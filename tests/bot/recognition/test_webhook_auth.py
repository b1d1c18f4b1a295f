"""The CRM webhook's check, in Slack's own scheme: HMAC-SHA256 of 'v0:{timestamp}:{body}' under the shared secret,
and a timestamp within 5 minutes of now."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from bot.recognition.webhook_auth import WebhookRefused, sign, verify

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STAMP = int(NOW.timestamp())
SECRET = "s3cret-0123456789"
BODY = b'{"external_id": "D-1", "owner": "ana@example.com", "stage": "won", "closed_on": "2026-11-22"}'


def headers(body: bytes = BODY, *, at: datetime = NOW, secret: str = SECRET, signature: str | None = None):
    stamp = int(at.timestamp())
    return {"X-Salescoach-Signature": signature or sign(body, timestamp=stamp, secret=secret),
            "X-Salescoach-Timestamp": str(stamp)}


def reason(body: bytes, given: dict[str, str], *, secret: str = SECRET, now: datetime = NOW) -> str:
    with pytest.raises(WebhookRefused) as caught:
        verify(body, given, secret=secret, now=now)
    return caught.value.reason


def test_the_signature_is_the_hmac_of_v0_the_timestamp_and_the_body_as_slack_signs():
    expected = hmac.new(SECRET.encode(), f"v0:{STAMP}:".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, timestamp=STAMP, secret=SECRET) == f"v0={expected}"
    delivery = verify(BODY, headers(), secret=SECRET, now=NOW)
    assert (delivery.signature, delivery.key) == (expected, expected)
    assert delivery.accepted_until == NOW + timedelta(minutes=5)


def test_a_captured_signature_under_a_fresh_timestamp_is_refused():
    captured = headers()
    fresh = {**captured, "X-Salescoach-Timestamp": str(STAMP + 60)}
    assert "does not match the timestamp and body" in reason(BODY, fresh, now=NOW + timedelta(seconds=60))


def test_header_names_are_case_insensitive_and_the_hex_may_be_upper_case():
    given = {k.lower(): v.upper() if k.endswith("Signature") else v for k, v in headers().items()}
    assert verify(BODY, given, secret=SECRET, now=NOW).signature == sign(BODY, timestamp=STAMP, secret=SECRET)[3:]


def test_a_body_changed_by_one_byte_is_refused():
    assert "does not match" in reason(BODY.replace(b"won", b"wan"), headers())


def test_another_secret_is_refused():
    assert "does not match" in reason(BODY, headers(secret="guess-0123456789"))


def test_the_old_body_only_signature_is_refused_saying_what_is_taken_now():
    body_only = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert "does not start with v0=" in reason(BODY, headers(signature=body_only))


@pytest.mark.parametrize("signature", ["0" * 64, "sha1=" + "0" * 40, "v0=", "v0=zz", "v0=" + "0" * 64])
def test_a_malformed_signature_is_refused(signature):
    assert reason(BODY, headers(signature=signature))


def test_a_body_that_is_not_utf8_is_refused_not_raised():
    assert "not UTF-8" in reason(b"\xff\xfe", headers(b"\xff\xfe", signature="v0=" + "0" * 64))


def test_timestamps_more_than_five_minutes_away_are_refused_either_way():
    assert verify(BODY, headers(at=NOW - timedelta(minutes=5)), secret=SECRET, now=NOW)
    assert verify(BODY, headers(at=NOW + timedelta(minutes=5)), secret=SECRET, now=NOW)
    assert "away from now" in reason(BODY, headers(at=NOW - timedelta(minutes=5, seconds=1)))
    assert "away from now" in reason(BODY, headers(at=NOW + timedelta(minutes=5, seconds=1)))


@pytest.mark.parametrize("stamp", ["999999999999", "0", "9" * 20, "00000000000000001"])
def test_a_timestamp_out_of_range_is_refused_as_too_far_from_now(stamp):
    assert "away from now" in reason(BODY, {**headers(), "X-Salescoach-Timestamp": stamp})


@pytest.mark.parametrize("stamp", ["yesterday", "1.5", "-1", "+1700000000", "１２３", "9" * 21, "9" * 5000, "1e9",
                                   "0x10"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(stamp):
    assert "is not unix seconds" in reason(BODY, {**headers(), "X-Salescoach-Timestamp": stamp})


def test_missing_headers_are_refused():
    assert "missing X-Salescoach-Signature" in reason(BODY, {"X-Salescoach-Timestamp": str(STAMP)})
    assert "missing X-Salescoach-Timestamp" in reason(BODY, {"X-Salescoach-Signature": "v0=" + "0" * 64})


def test_without_a_configured_secret_everything_is_refused():
    assert "no webhook secret" in reason(BODY, headers(), secret="")
