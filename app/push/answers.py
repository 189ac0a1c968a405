"""What a push service's answer means: the outcome of a status, and Retry-After."""

import time
from datetime import UTC
from email.utils import parsedate_to_datetime

from app.models import DeliveryOutcome

#: A Retry-After longer than this is treated as this.
MAX_RETRY_AFTER = 24 * 3600


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return float(min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER))


def classify(status: int) -> tuple[DeliveryOutcome, str | None]:
    """What an HTTP status from a push service means for this delivery."""
    if 200 <= status < 300:
        return DeliveryOutcome.DELIVERED, None
    if status in (404, 410):
        return DeliveryOutcome.GONE, "subscription expired"
    if status in (401, 403):
        return DeliveryOutcome.REJECTED, "push service refused our VAPID key or signature"
    if status == 413:
        return DeliveryOutcome.FAILED, "payload too large"
    if status in (429, 503):
        return DeliveryOutcome.RETRYING, "push service busy"
    if 300 <= status < 400:
        return DeliveryOutcome.FAILED, "redirect refused"
    if status >= 500:
        return DeliveryOutcome.RETRYING, "push service error"
    return DeliveryOutcome.FAILED, "push service refused the request"
