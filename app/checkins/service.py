"""Daily check-ins: the one validation and save path shared by the HTML form and the JSON API.

`save()` validates everything before writing anything, saves the check-in and any safety alert
in one transaction, and is idempotent on the client's UUID: the same UUID with the same content
answers with the original check-in; with different content it raises `Conflict`.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort

from app import submissions
from app.care.team import care_enrolment, participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.items import ITEMS
from app.checkins.validation import clean, content_hash, form_input
from app.database import utcnow
from app.extensions import db
from app.models import Checkin, SafetyAlert, User
from app.safety import alerts as safety
from app.submissions import Conflict

__all__ = ["Conflict", "Invalid", "NotEditable", "SaveResult", "delete", "form_input",
           "is_editable", "local_date", "recent", "save", "update"]


class Invalid(ValueError):
    """Field errors ({"mood": "..."}) and the values that were valid, to show again."""

    def __init__(self, errors: dict[str, str], values: dict):
        super().__init__("invalid check-in")
        self.errors = errors
        self.values = values


class NotEditable(ValueError):
    """The check-in's local day is over (or it was deleted)."""


@dataclass
class SaveResult:
    checkin: Checkin
    created: bool  #: False when this was a replay of an earlier request
    triggers: list[dict] = field(default_factory=list)
    alert: SafetyAlert | None = None


# --- saving -----------------------------------------------------------------------------------

def recorded_triggers(checkin: Checkin) -> list[dict]:
    """What this check-in set off, from its alerts (these survive the check-in's deletion)."""
    alerts = db.session.scalars(sa.select(SafetyAlert).where(SafetyAlert.checkin_id == checkin.id))
    return [t for alert in alerts for t in alert.triggers]


def _apply(checkin: Checkin, values: dict, keys=None) -> None:
    for item in ITEMS:
        if keys is None or item.key in keys:
            setattr(checkin, item.key, values.get(item.key))


def save(participant: User, raw: Mapping, source: str = "form",
         now: datetime | None = None) -> SaveResult:
    """Validate and save a check-in (or recognise a replay); commits. Raises Invalid/Conflict."""
    now = now or utcnow()
    enrolment = care_enrolment(participant)
    zone = participant_zone(participant, enrolment)
    values, errors = clean(raw, zone, now, strict=source == "api")
    if errors:
        raise Invalid(errors, values)
    values["client_uuid"] = values["client_uuid"] or str(uuid.uuid4())
    found = safety.triggers(safety.CHECKIN, values)
    created_alert = []

    def create() -> Checkin:
        checkin = Checkin(
            participant_id=participant.id,
            program_id=enrolment.program_id if enrolment else None,
            client_uuid=values["client_uuid"],
            content_hash=content_hash(values),
            source=source,
            occurred_at=values["occurred_at"] or values["client_timestamp"] or now,
            received_at=now,
            client_recorded_at=values["client_timestamp"],
            client_time_zone=values["client_time_zone"],
        )
        _apply(checkin, values)
        db.session.add(checkin)
        if found:  # saved with the check-in, or not at all
            created_alert.append(safety.raise_alert(
                participant, found, checkin=checkin, enrolment=enrolment,
                client_recorded_at=values["client_timestamp"]))
        return checkin

    saved = submissions.save_once(Checkin, participant.id, values["client_uuid"],
                                  content_hash(values), create)
    if not saved.created:
        return SaveResult(saved.record, created=False,
                          triggers=recorded_triggers(saved.record))
    return SaveResult(saved.record, created=True, triggers=found,
                      alert=created_alert[0] if created_alert else None)


# --- the participant's own day ----------------------------------------------------------------

def local_date(instant: datetime, zone: str) -> date:
    """The calendar day of an instant in a zone."""
    return instant.astimezone(ZoneInfo(zone)).date()


def is_editable(checkin: Checkin, zone: str, now: datetime | None = None) -> bool:
    """A check-in can be changed or deleted until the end of the local day it was made."""
    now = now or utcnow()
    return not checkin.is_deleted and local_date(checkin.received_at, zone) == local_date(now, zone)


def update(checkin: Checkin, raw: Mapping, now: datetime | None = None) -> SaveResult:
    """Change a check-in's answers on the day it was made; commits.

    A newly positive safety answer raises an alert, in the same transaction as the change.
    """
    now = now or utcnow()
    participant = checkin.participant
    enrolment = care_enrolment(participant)
    zone = participant_zone(participant, enrolment)
    if not is_editable(checkin, zone, now):
        raise NotEditable()
    values, errors = clean({**raw, "client_uuid": None}, zone, now)
    if errors:
        raise Invalid(errors, values)
    # Only the items the form showed: an answer to an item the program has since hidden stays.
    shown = checkin_settings.for_program(enrolment.program if enrolment else None).visible_items
    _apply(checkin, values, keys=shown)
    if values["occurred_at"] is not None:
        checkin.occurred_at = values["occurred_at"]
    checkin.updated_at = now
    found = safety.triggers(safety.CHECKIN, values)
    already = {t["code"] for t in recorded_triggers(checkin)}
    new = [t for t in found if t["code"] not in already]
    alert = (safety.raise_alert(participant, new, checkin=checkin, enrolment=enrolment)
             if new else None)
    db.session.commit()
    return SaveResult(checkin, created=False, triggers=found, alert=alert)


def delete(checkin: Checkin, now: datetime | None = None) -> None:
    """Delete a check-in on the day it was made; commits.

    The answers are cleared; the row stays as a tombstone so a replayed upload is recognised,
    and any safety alert stays (with its own copy of what triggered it).
    """
    now = now or utcnow()
    if not is_editable(checkin, participant_zone(checkin.participant), now):
        raise NotEditable()
    _apply(checkin, {"feelings": []})
    checkin.deleted_at = now
    db.session.commit()


def recent(participant: User, since: datetime,
           where: sa.ColumnElement[bool] | None = None) -> list[Checkin]:
    """The participant's check-ins since an instant, newest first (deleted ones left out).

    `where` narrows them further (staff see those of enrolments they may see: app.care.scope).
    """
    query = sa.select(Checkin).where(Checkin.participant_id == participant.id,
                                     Checkin.deleted_at.is_(None), Checkin.occurred_at >= since)
    if where is not None:
        query = query.where(where)
    return list(db.session.scalars(query.order_by(Checkin.occurred_at.desc(), Checkin.id.desc())))


def has_checked_in(participant: User) -> bool:
    """Whether the participant has ever saved a check-in (deleted ones left out)."""
    return db.session.scalar(
        sa.select(sa.literal(True)).where(Checkin.participant_id == participant.id,
                                          Checkin.deleted_at.is_(None)).limit(1)) is not None


# --- loading ---------------------------------------------------------------------------------

def get_own_checkin(participant: User, checkin_id: int) -> Checkin:
    """One of the participant's own (not deleted) check-ins, or 404."""
    checkin = db.session.scalar(
        sa.select(Checkin).where(Checkin.id == checkin_id,
                                 Checkin.participant_id == participant.id,
                                 Checkin.deleted_at.is_(None))
    )
    if checkin is None:
        abort(404)
    return checkin
