"""A CRM webhook request checked in Slack's own scheme: `X-Salescoach-Signature: v0=<hex>`, HMAC-SHA256 of
`v0:{timestamp}:{body}` (slack_sdk's SignatureVerifier), `X-Salescoach-Timestamp` within 5 minutes of now; the
timestamp is signed, and within the window the replay store takes each signature once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk.signature import Clock, SignatureVerifier

SIGNATURE_HEADER = "X-Salescoach-Signature"
TIMESTAMP_HEADER = "X-Salescoach-Timestamp"
TOLERANCE = timedelta(minutes=5)  # slack_sdk's SignatureVerifier allows the same
PREFIX = "v0="
MAX_STAMP_DIGITS = 20  # int() of longer digit strings is pointless (and of 4,300+ digits, an error)


class WebhookRefused(Exception):
    """The request is not from the CRM we share a secret with (answer 401); `reason` says why, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """A request whose signature holds: the signature (what the replay store keeps) and until when its
    timestamp is accepted, so until when a replay must be refused."""

    timestamp: int
    signature: str  # lower-case hex

    @property
    def key(self) -> str:
        return self.signature

    @property
    def accepted_until(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, tz=UTC) + TOLERANCE


class _Fixed(Clock):
    def __init__(self, now: datetime) -> None:
        self.at = now.timestamp()

    def now(self) -> float:
        return self.at


def sign(body: bytes, *, timestamp: int | str, secret: str) -> str:
    """The header value a sender puts in X-Salescoach-Signature (for tests and the CRM's set-up)."""
    return SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body) or ""


def verify(body: bytes, headers: Mapping[str, str], *, secret: str, now: datetime) -> Delivery:
    """The request's delivery when its timestamp and signature hold; raises WebhookRefused otherwise."""
    if not secret:
        raise WebhookRefused("no webhook secret is configured (SALESCOACH_WEBHOOK_SECRET)")
    lower = {k.lower(): v for k, v in headers.items()}
    signature = lower.get(SIGNATURE_HEADER.lower(), "").strip().lower()
    stamp = lower.get(TIMESTAMP_HEADER.lower(), "").strip()
    if not signature:
        raise WebhookRefused(f"missing {SIGNATURE_HEADER}")
    if not stamp:
        raise WebhookRefused(f"missing {TIMESTAMP_HEADER}")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > MAX_STAMP_DIGITS:
        raise WebhookRefused(f"{TIMESTAMP_HEADER} is not unix seconds")
    if abs(now.timestamp() - int(stamp)) > TOLERANCE.total_seconds():
        raise WebhookRefused(f"{TIMESTAMP_HEADER} is more than {TOLERANCE} away from now")
    if not signature.startswith(PREFIX):
        raise WebhookRefused(f"{SIGNATURE_HEADER} does not start with {PREFIX} (the HMAC-SHA256 of "
                             "'v0:{timestamp}:{body}'; a body-only 'sha256=' signature is no longer taken)")
    try:
        valid = SignatureVerifier(secret, clock=_Fixed(now)).is_valid(body, stamp, signature)
    except UnicodeDecodeError:
        raise WebhookRefused("the body is not UTF-8, so it cannot be what was signed") from None
    if not valid:
        raise WebhookRefused(f"{SIGNATURE_HEADER} does not match the timestamp and body")
    return Delivery(int(stamp), signature[len(PREFIX):])
