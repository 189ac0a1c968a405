"""Validating a check-in from the form (strings) or the API (JSON values), field by field.

The one validation of both paths: `clean()` returns the typed values and a dict of messages.
"""

import math
import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_number, ngettext
from flask_babel import lazy_gettext as _l

from app import submissions
from app.checkins.items import FEELINGS, ITEMS, ITEMS_BY_KEY, NOTE_MAX

#: How far back a check-in may be dated, and how far ahead a client's clock may run.
#: ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
#: Fields that are about the submission rather than answers.
META_FIELDS = ("client_uuid", "occurred_at", "client_timestamp", "client_time_zone")


def form_input(form) -> dict:
    """The raw answers of a submitted HTML form, keyed as the API names them."""
    raw = {key: form.get(key) for key in ITEMS_BY_KEY if key != "feelings"}
    raw["feelings"] = form.getlist("feelings")
    raw["client_uuid"] = form.get("client_uuid")
    raw["occurred_at"] = form.get("occurred_at")
    return raw


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"yes": True, "true": True, "no": False, "false": False}.get(value.strip().lower())
    return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def clean_text(value: str) -> str:
    """Normalise line ends and drop control characters (PostgreSQL refuses NUL)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or ord(c) >= 32).strip()


def _clean_item(item, value, errors: dict, values: dict) -> None:
    key = item.key
    if item.kind == "feelings":
        chosen = value if isinstance(value, list | tuple) else [value] if value else []
        if not all(isinstance(v, str) and v in FEELINGS for v in chosen):
            errors[key] = str(_l("Choose feelings from the list."))
            chosen = [v for v in chosen if isinstance(v, str) and v in FEELINGS]
        values[key] = [k for k in FEELINGS if k in chosen]
        return
    if _blank(value):
        values[key] = None
        if item.required:
            errors[key] = str(_l("Choose how your mood is, from 1 (very low) to 5 (very good)."))
        return
    if item.kind == "scale":
        number = _whole_number(value)
        if number is None or not item.low <= number <= item.high:
            errors[key] = str(_l("Choose a whole number from %(low)s to %(high)s.",
                                 low=item.low, high=item.high))
        else:
            values[key] = number
    elif item.kind == "yes_no":
        answer = _yes_no(value)
        if answer is None:
            errors[key] = str(_l("Answer yes or no."))
        else:
            values[key] = answer
    elif item.kind == "number":
        number = _number(value)
        if number is None or not item.low <= number <= item.high:
            errors[key] = str(_l("Enter a number of hours from %(low)s to %(high)s.",
                                 low=item.low, high=item.high))
        else:
            values[key] = round(number, 2)
    elif item.kind == "text":
        if not isinstance(value, str):
            errors[key] = str(_l("Enter text."))
            return
        text = clean_text(value)
        values[key] = text or None
        if len(text) > NOTE_MAX:
            errors[key] = ngettext(
                "Keep the note to %(max)s character or fewer (it has %(length)s).",
                "Keep the note to %(max)s characters or fewer (it has %(length)s).", NOTE_MAX,
                max=format_number(NOTE_MAX), length=format_number(len(text)))


def clean(raw: Mapping, zone: str, now: datetime, strict: bool = False) -> tuple[dict, dict]:
    """Validate raw answers (form strings or JSON values). Returns (values, errors).

    `strict` (the API) also refuses unknown fields and a missing client_uuid.
    """
    values: dict = {}
    errors: dict[str, str] = {}
    if strict:
        for key in raw:
            if key not in ITEMS_BY_KEY and key not in META_FIELDS:
                errors[str(key)[:64]] = str(_l("Unknown field."))
    for item in ITEMS:
        _clean_item(item, raw.get(item.key), errors, values)

    client_uuid = raw.get("client_uuid")
    values["client_uuid"] = submissions.parse_client_uuid(client_uuid)
    if values["client_uuid"] is None and (strict or not _blank(client_uuid)):
        errors["client_uuid"] = str(_l("Send a client_uuid: a UUID made on the device."))

    submissions.clean_client_times(raw, zone, now, "occurred_at", str(_l(
        "A check-in can be dated at most 7 days back.")), values, errors)
    return values, errors


#: About the delivery, not the check-in: a form post that timed out after the server saved it
#: and the offline queue's resend of it (which adds the phone's time) are the same check-in.
NOT_CONTENT = ("client_uuid", "client_timestamp", "client_time_zone")


def content_hash(values: dict) -> str:
    """SHA-256 of the canonical JSON of the check-in itself: its answers and when it was."""
    canonical = {k: v for k, v in values.items() if k not in NOT_CONTENT}
    if canonical.get("occurred_at") is not None:
        canonical["occurred_at"] = canonical["occurred_at"].astimezone(ZoneInfo("UTC")).isoformat()
    return submissions.content_hash(canonical)
