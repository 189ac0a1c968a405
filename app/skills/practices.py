"""Practices: the one save path of the log form and the API, edits, deletions and history.

`save()` validates everything before writing anything and is idempotent on the client's UUID:
the same UUID with the same content answers with the original practice (even when the skill
has since been hidden); with different content it raises `Conflict`. A practice records the
exact version of the skill's text the participant had.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import submissions
from app.care.team import care_enrolment, participant_zone
from app.database import utcnow
from app.extensions import db
from app.models import SkillPractice, User
from app.skills import library
from app.skills.validation import clean, content_hash, form_input
from app.submissions import Conflict

__all__ = ["Conflict", "Invalid", "NotEditable", "SaveResult", "delete", "editable_until",
           "form_input", "get_own_practice", "history", "is_editable", "save", "update"]

#: What the participant can change after logging, and what deleting clears.
ANSWERS = ("distress_before", "distress_after", "helpful", "minutes", "note")


class Invalid(ValueError):
    """Field errors ({"skill": "..."}) and the values that were valid, to show again."""

    def __init__(self, errors: dict[str, str], values: dict):
        super().__init__("invalid practice")
        self.errors = errors
        self.values = values


class NotEditable(ValueError):
    """The edit window (until the end of the next local day) is over, or it was deleted."""


@dataclass
class SaveResult:
    practice: SkillPractice
    created: bool  #: False when this was a replay of an earlier request


def _unavailable() -> str:
    return str(_l("This skill is not in your list. Choose another one."))


def save(participant: User, raw: Mapping, source: str = "form",
         now: datetime | None = None) -> SaveResult:
    """Validate and save a practice (or recognise a replay); commits. Raises Invalid/Conflict."""
    now = now or utcnow()
    enrolment = care_enrolment(participant)
    zone = participant_zone(participant, enrolment)
    values, errors = clean(raw, zone, now, strict=source == "api")
    if errors:
        if "skill" not in errors and library.visible_skill(participant, values["skill"]) is None:
            errors["skill"] = _unavailable()
        raise Invalid(errors, values)
    values["client_uuid"] = values["client_uuid"] or str(uuid.uuid4())

    def create() -> SkillPractice:
        # Only for a new UUID: a replay is answered even if the skill was hidden since.
        chosen = library.visible_skill(participant, values["skill"])
        if chosen is None:
            raise Invalid({"skill": _unavailable()}, values)
        practice = SkillPractice(
            participant_id=participant.id,
            program_id=enrolment.program_id if enrolment else None,
            skill_id=chosen.skill.id, skill_version_id=chosen.version.id,
            client_uuid=values["client_uuid"], content_hash=content_hash(values),
            source=source,
            practised_at=values["practised_at"] or values["client_timestamp"] or now,
            received_at=now, client_recorded_at=values["client_timestamp"],
            client_time_zone=values["client_time_zone"],
            **{key: values[key] for key in ANSWERS},
        )
        db.session.add(practice)
        return practice

    saved = submissions.save_once(SkillPractice, participant.id, values["client_uuid"],
                                  content_hash(values), create)
    return SaveResult(saved.record, created=saved.created)


# --- the edit window --------------------------------------------------------------------------

def local_date(instant: datetime, zone: str) -> date:
    """The calendar day of an instant in a zone."""
    return instant.astimezone(ZoneInfo(zone)).date()


def editable_until(practice: SkillPractice, zone: str) -> datetime:
    """The end of the local day after the one it was logged on (a UTC-aware instant)."""
    last_day = local_date(practice.received_at, zone) + timedelta(days=1)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))


def is_editable(practice: SkillPractice, zone: str, now: datetime | None = None) -> bool:
    """A practice can be changed or deleted until the end of the next local day."""
    return not practice.is_deleted and (now or utcnow()) < editable_until(practice, zone)


def update(practice: SkillPractice, raw: Mapping, now: datetime | None = None) -> SkillPractice:
    """Change a practice's ratings, minutes, note or time; commits. The skill stays."""
    now = now or utcnow()
    zone = participant_zone(practice.participant)
    if not is_editable(practice, zone, now):
        raise NotEditable()
    values, errors = clean({**raw, "skill": practice.skill.key, "client_uuid": None}, zone, now)
    if errors:
        raise Invalid(errors, values)
    for key in ANSWERS:
        setattr(practice, key, values[key])
    if values["practised_at"] is not None:
        practice.practised_at = values["practised_at"]
    practice.updated_at = now
    db.session.commit()
    return practice


def delete(practice: SkillPractice, now: datetime | None = None) -> None:
    """Delete a practice in its edit window; commits. The row stays as a tombstone (answers
    cleared) so a replayed upload is recognised instead of saved again."""
    now = now or utcnow()
    if not is_editable(practice, participant_zone(practice.participant), now):
        raise NotEditable()
    for key in ANSWERS:
        setattr(practice, key, None)
    practice.deleted_at = now
    db.session.commit()


# --- reading ----------------------------------------------------------------------------------

def history(participant: User, since: datetime, *where) -> list[SkillPractice]:
    """The participant's practices since an instant, newest first (deleted ones left out)."""
    return list(db.session.scalars(
        sa.select(SkillPractice)
        .where(SkillPractice.participant_id == participant.id,
               SkillPractice.deleted_at.is_(None), SkillPractice.practised_at >= since, *where)
        .options(joinedload(SkillPractice.version))
        .order_by(SkillPractice.practised_at.desc(), SkillPractice.id.desc())))


def get_own_practice(participant: User, practice_id: int) -> SkillPractice:
    """One of the participant's own (not deleted) practices, or 404."""
    practice = db.session.scalar(sa.select(SkillPractice).where(
        SkillPractice.id == practice_id, SkillPractice.participant_id == participant.id,
        SkillPractice.deleted_at.is_(None)))
    if practice is None:
        abort(404)
    return practice
