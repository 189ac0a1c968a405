"""Idempotent submissions: what a phone sends with its own UUID is saved exactly once.

The offline queue resends whatever it is not sure reached the server (a lost response, a tab
closed mid-send, a double tap), so every record a participant submits (check-ins, scale
responses, and later skill practices and medication doses) carries the client's UUID and a
hash of its content, unique per participant. `save_once` turns a resend into a replay of the
first save, and the same UUID with different content into `Conflict`; a race between two
copies of one request is settled by the unique index, and the loser answers as a replay.

Shared by every capability that takes submissions, so each does not write this logic again.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db

#: How long a phone may hold a submission, and how far ahead its clock may run.
MAX_CLIENT_AGE = timedelta(days=7)
CLIENT_CLOCK_SKEW = timedelta(minutes=10)

Record = TypeVar("Record")


class Conflict(ValueError):
    """The client's UUID is taken by a submission with different content."""

    def __init__(self, existing):
        super().__init__("client_uuid already used with different content")
        self.existing = existing


@dataclass
class Saved(Generic[Record]):
    record: Record
    created: bool  #: False when this was a replay of an earlier submission


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a submission's content (keys sorted, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def parse_client_uuid(value: Any) -> str | None:
    """The canonical form of a client UUID, or None when `value` is not one."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def parse_client_timestamp(value: Any, zone: str,
                           now: datetime) -> tuple[datetime | None, str | None]:
    """When the phone says the participant answered: (instant, None), (None, None) when not
    given, or (None, message) when it is not a time, in the future or over 7 days back.

    ISO 8601; a time without an offset is read in `zone` (the participant's zone).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00")) \
            if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        return None, str(_l("Enter a date and time, e.g. 2026-03-14T09:30."))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    if moment > now + CLIENT_CLOCK_SKEW:
        return None, str(_l("That time is in the future."))
    if moment < now - MAX_CLIENT_AGE:
        return None, str(_l("Answers can be sent at most 7 days after they were given."))
    return moment, None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _instant(value: Any, zone: str) -> datetime | None:
    """An ISO 8601 time; without an offset it is read as local time in `zone`."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def clean_client_times(raw: Mapping, zone: str, now: datetime, moment_key: str,
                       too_old: str, values: dict, errors: dict) -> None:
    """Validate the times a submission carries into `values`/`errors`, field by field.

    `client_time_zone` (the phone's IANA zone, optional), `client_timestamp` (when the phone
    kept it) and `moment_key` (when the participant says it happened, e.g. `occurred_at`).
    Times without an offset are read in the phone's zone, else `zone`. The moment that counts
    (`moment_key`, else `client_timestamp`) may not be in the future or more than 7 days back
    (`too_old` is that error's text, worded for the kind of record).
    """
    client_zone = raw.get("client_time_zone")
    values["client_time_zone"] = None
    if not _blank(client_zone):
        if isinstance(client_zone, str) and client_zone in available_timezones():
            values["client_time_zone"] = client_zone
        else:
            errors["client_time_zone"] = str(_l("Use an IANA time zone such as "
                                                "America/New_York."))
    local_zone = values["client_time_zone"] or zone
    for key in ("client_timestamp", moment_key):
        values[key] = None
        if _blank(raw.get(key)):
            continue
        moment = _instant(raw[key], local_zone)
        if moment is None:
            errors[key] = str(_l("Enter a date and time, e.g. 2026-03-14T09:30."))
        else:
            values[key] = moment
    when = values[moment_key] or values["client_timestamp"]
    if when is not None and moment_key not in errors:
        target = moment_key if values[moment_key] else "client_timestamp"
        if when > now + CLIENT_CLOCK_SKEW:
            errors[target] = str(_l("That time is in the future."))
        elif when < now - MAX_CLIENT_AGE:
            errors[target] = too_old


def find(model, participant_id: int, client_uuid: str):
    """The participant's earlier submission with this UUID, if any."""
    return db.session.scalar(sa.select(model).where(
        model.participant_id == participant_id, model.client_uuid == client_uuid))


def _replay(existing, digest: str) -> Saved:
    if existing.content_hash != digest:
        raise Conflict(existing)
    return Saved(existing, created=False)


def save_once(model, participant_id: int, client_uuid: str, digest: str,
              create: Callable[[], Record]) -> Saved[Record]:
    """Save a submission once; commits.

    `create()` builds the record and adds it, with anything saved beside it (a safety alert),
    to the session; it is called only when no submission with this UUID exists. Everything it
    added is committed together, or nothing is. Raises Conflict for a changed resend.
    """
    existing = find(model, participant_id, client_uuid)
    if existing is not None:
        return _replay(existing, digest)
    try:
        record = create()
        db.session.commit()
    except IntegrityError:
        # Another copy of this request won the race: answer as a replay of it.
        db.session.rollback()
        existing = find(model, participant_id, client_uuid)
        if existing is None:
            raise
        return _replay(existing, digest)
    return Saved(record, created=True)
