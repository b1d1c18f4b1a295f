"""Checking a CRM webhook request: `X-Salescoach-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body with
SALESCOACH_WEBHOOK_SECRET, and `X-Salescoach-Timestamp` (unix seconds) within 5 minutes of now.

The signature covers the body only, as issue 6 specifies; the timestamp bounds how late a request may come, and
the delivery key ('{timestamp}:{signature}') lets the store take each request once, so a retry records nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SIGNATURE_HEADER = "X-Salescoach-Signature"
TIMESTAMP_HEADER = "X-Salescoach-Timestamp"
TOLERANCE = timedelta(minutes=5)
PREFIX = "sha256="


class WebhookRefused(Exception):
    """The request is not from the CRM we share a secret with (answer 401); `reason` says why, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    timestamp: int
    signature: str  # lower-case hex

    @property
    def key(self) -> str:
        """What the store remembers so that the same request is taken once."""
        return f"{self.timestamp}:{self.signature}"


def sign(body: bytes, *, secret: str) -> str:
    """The header value a sender puts in X-Salescoach-Signature (for tests and the CRM's set-up)."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, headers: Mapping[str, str], *, secret: str, now: datetime,
           tolerance: timedelta = TOLERANCE) -> Delivery:
    """The request's delivery when its signature and timestamp hold; raises WebhookRefused otherwise."""
    if not secret:
        raise WebhookRefused("no webhook secret is configured (SALESCOACH_WEBHOOK_SECRET)")
    lower = {k.lower(): v for k, v in headers.items()}
    signature = lower.get(SIGNATURE_HEADER.lower(), "").strip()
    stamp = lower.get(TIMESTAMP_HEADER.lower(), "").strip()
    if not signature:
        raise WebhookRefused(f"missing {SIGNATURE_HEADER}")
    if not stamp:
        raise WebhookRefused(f"missing {TIMESTAMP_HEADER}")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise WebhookRefused(f"{TIMESTAMP_HEADER} is not unix seconds")
    sent = datetime.fromtimestamp(int(stamp), tz=UTC)
    if abs(now - sent) > tolerance:
        raise WebhookRefused(f"{TIMESTAMP_HEADER} is more than {tolerance} away from now")
    if not signature.lower().startswith(PREFIX):
        raise WebhookRefused(f"{SIGNATURE_HEADER} does not start with {PREFIX}")
    if not hmac.compare_digest(signature.lower().encode(), sign(body, secret=secret).encode()):
        raise WebhookRefused(f"{SIGNATURE_HEADER} does not match the body")
    return Delivery(int(stamp), signature.lower()[len(PREFIX):])
