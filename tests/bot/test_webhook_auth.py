"""The CRM webhook's check: HMAC-SHA256 of the raw body under the shared secret, and a fresh timestamp."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from bot.webhook_auth import WebhookRefused, sign, verify

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "s3cret"
BODY = b'{"external_id": "D-1", "owner": "ana@example.com", "stage": "won", "closed_on": "2026-11-22"}'


def headers(body: bytes = BODY, *, at: datetime = NOW, secret: str = SECRET, signature: str | None = None):
    return {"X-Salescoach-Signature": signature or sign(body, secret=secret),
            "X-Salescoach-Timestamp": str(int(at.timestamp()))}


def reason(body: bytes, given: dict[str, str], *, secret: str = SECRET, now: datetime = NOW) -> str:
    with pytest.raises(WebhookRefused) as caught:
        verify(body, given, secret=secret, now=now)
    return caught.value.reason


def test_a_request_signed_with_the_secret_is_taken_and_named_by_timestamp_and_signature():
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    delivery = verify(BODY, headers(), secret=SECRET, now=NOW)
    assert (delivery.signature, delivery.key) == (expected, f"{int(NOW.timestamp())}:{expected}")


def test_header_names_are_case_insensitive_and_the_hex_may_be_upper_case():
    given = {k.lower(): v.upper() if k.endswith("Signature") else v for k, v in headers().items()}
    given["x-salescoach-signature"] = "sha256=" + given["x-salescoach-signature"][7:]
    assert verify(BODY, given, secret=SECRET, now=NOW).signature == sign(BODY, secret=SECRET)[7:]


def test_a_body_changed_by_one_byte_is_refused():
    assert "does not match" in reason(BODY.replace(b"won", b"wan"), headers())


def test_another_secret_is_refused():
    assert "does not match" in reason(BODY, headers(secret="guess"))


@pytest.mark.parametrize("signature", ["0" * 64, "sha1=" + "0" * 40, "sha256=", "sha256=zz"])
def test_a_malformed_signature_is_refused(signature):
    assert reason(BODY, headers(signature=signature))


def test_timestamps_more_than_five_minutes_away_are_refused_either_way():
    assert verify(BODY, headers(at=NOW - timedelta(minutes=5)), secret=SECRET, now=NOW)
    assert "away from now" in reason(BODY, headers(at=NOW - timedelta(minutes=5, seconds=1)))
    assert "away from now" in reason(BODY, headers(at=NOW + timedelta(minutes=6)))


@pytest.mark.parametrize("stamp", ["", "yesterday", "1.5", "-1", "１２３", "9" * 20])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(stamp):
    given = {**headers(), "X-Salescoach-Timestamp": stamp}
    assert reason(BODY, given)


def test_missing_headers_are_refused():
    assert "missing X-Salescoach-Signature" in reason(BODY, {"X-Salescoach-Timestamp": str(int(NOW.timestamp()))})
    assert "missing X-Salescoach-Timestamp" in reason(BODY, {"X-Salescoach-Signature": sign(BODY, secret=SECRET)})


def test_without_a_configured_secret_everything_is_refused_even_a_body_signed_with_the_empty_key():
    assert "no webhook secret" in reason(BODY, headers(secret=""), secret="")
