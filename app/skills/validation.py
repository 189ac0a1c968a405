"""Validating a practice from the form (strings) or the API (JSON values), field by field.

The one validation of both paths: `clean()` returns the typed values and a dict of messages.
Whether the skill is one the participant may log is the service's question (app.skills.
practices), since it needs the database.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_number, ngettext
from flask_babel import lazy_gettext as _l

from app import submissions

#: How far back a practice may be dated, and how far ahead a client's clock may run.
NOTE_MAX = 2000
DISTRESS = (0, 10)
HELPFUL = (1, 5)
MINUTES = (1, 240)
#: ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
#: What a practice says (the form's and the API's field names).
FIELDS = ("skill", "distress_before", "distress_after", "helpful", "minutes", "note")
#: What is about the submission rather than the practice.
META_FIELDS = ("client_uuid", "practised_at", "client_timestamp", "client_time_zone")


def form_input(form) -> dict:
    """The raw values of a submitted HTML form, keyed as the API names them."""
    return {key: form.get(key) for key in (*FIELDS, "client_uuid", "practised_at")}


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


def clean_text(value: str) -> str:
    """Normalise line ends and drop control characters (PostgreSQL refuses NUL)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or ord(c) >= 32).strip()


def _number_in(raw: Mapping, key: str, bounds: tuple[int, int], message, values, errors):
    values[key] = None
    if _blank(raw.get(key)):
        return
    number = _whole_number(raw.get(key))
    if number is None or not bounds[0] <= number <= bounds[1]:
        errors[key] = str(message)
    else:
        values[key] = number


def clean(raw: Mapping, zone: str, now: datetime, strict: bool = False) -> tuple[dict, dict]:
    """Validate raw values (form strings or JSON values). Returns (values, errors).

    `strict` (the API) also refuses unknown fields and a missing client_uuid.
    """
    values: dict = {}
    errors: dict[str, str] = {}
    if strict:
        for key in raw:
            if key not in FIELDS and key not in META_FIELDS:
                errors[str(key)[:64]] = str(_l("Unknown field."))
    skill = raw.get("skill")
    values["skill"] = skill.strip() if isinstance(skill, str) and skill.strip() else None
    if values["skill"] is None:
        errors["skill"] = str(_l("Choose the skill you practised."))
    distress = _l("Choose a whole number from 0 (calm) to 10 (the most upset).")
    _number_in(raw, "distress_before", DISTRESS, distress, values, errors)
    _number_in(raw, "distress_after", DISTRESS, distress, values, errors)
    _number_in(raw, "helpful", HELPFUL,
               _l("Choose from 1 (not at all) to 5 (a lot)."), values, errors)
    _number_in(raw, "minutes", MINUTES,
               _l("Enter whole minutes from 1 to 240."), values, errors)
    note = raw.get("note")
    values["note"] = None
    if not _blank(note):
        if not isinstance(note, str):
            errors["note"] = str(_l("Enter text."))
        else:
            text = clean_text(note)
            values["note"] = text or None
            if len(text) > NOTE_MAX:
                errors["note"] = ngettext("Keep the note to %(max)s character or fewer (it has "
                                          "%(count)s).",
                                          "Keep the note to %(max)s characters or fewer (it "
                                          "has %(count)s).", NOTE_MAX,
                                          max=format_number(NOTE_MAX),
                                          count=format_number(len(text)))
    client_uuid = raw.get("client_uuid")
    values["client_uuid"] = submissions.parse_client_uuid(client_uuid)
    if values["client_uuid"] is None and (strict or not _blank(client_uuid)):
        errors["client_uuid"] = str(_l("Send a client_uuid: a UUID made on the device."))
    submissions.clean_client_times(raw, zone, now, "practised_at", str(_l(
        "A practice can be dated at most 7 days back.")), values, errors)
    return values, errors


def content_hash(values: dict) -> str:
    """SHA-256 of the canonical JSON of what was submitted (the practice and client metadata)."""
    canonical = {k: v for k, v in values.items() if k != "client_uuid"}
    for key in ("practised_at", "client_timestamp"):
        if canonical.get(key) is not None:
            canonical[key] = canonical[key].astimezone(ZoneInfo("UTC")).isoformat()
    return submissions.content_hash(canonical)
