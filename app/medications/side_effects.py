"""The weekly "Any side effects?" for each new medication in its first six weeks.

A medication is new while fewer than six weeks have passed since its first entry began; it is
asked about once in each of those weeks (week 1 is the first seven days), on Today, and the
participant may answer none, mild or bothersome (with a note) or "not now". The care team
sees the answers on the participant's record.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app import submissions
from app.care.team import participant_zone
from app.database import utcnow
from app.extensions import db
from app.medications.listing import is_stopped, medications_of
from app.medications.schedule import local_today
from app.models import Medication, SideEffectAnswer, SideEffectReport, User
from app.submissions import Conflict

__all__ = ["Conflict", "Invalid", "answer", "due_questions", "reports_of", "week_of"]

WEEKS = 6
NOTE_MAX = 1000
ANSWER_LABELS = {
    SideEffectAnswer.NONE: _l("None"),
    SideEffectAnswer.MILD: _l("Mild"),
    SideEffectAnswer.BOTHERSOME: _l("Bothersome"),
    SideEffectAnswer.NOT_NOW: _l("Not answered"),
}


class Invalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid side-effect answer")
        self.errors = errors


def week_of(medication: Medication, today: date) -> int | None:
    """The medication's week (1 to 6) while it is new, else None."""
    days = (today - medication.entries[0].start_on).days
    if days < 0 or days >= WEEKS * 7:
        return None
    return days // 7 + 1


@dataclass(frozen=True)
class Question:
    medication: Medication
    week: int


def due_questions(participant: User, now: datetime | None = None,
                  medications: list[Medication] | None = None) -> list[Question]:
    """New medications not yet answered about this week."""
    today = local_today(participant_zone(participant), now or utcnow())
    medications = medications if medications is not None else medications_of(participant.id)
    asked = [(m, week_of(m, today)) for m in medications if not is_stopped(m, today)]
    asked = [(m, w) for m, w in asked if w is not None]
    if not asked:
        return []
    answered = set(db.session.execute(
        sa.select(SideEffectReport.medication_id, SideEffectReport.week).where(
            SideEffectReport.participant_id == participant.id,
            SideEffectReport.medication_id.in_([m.id for m, _w in asked]))).all())
    return [Question(m, w) for m, w in asked if (m.id, w) not in answered]


def answer(participant: User, raw: Mapping, now: datetime | None = None):
    """Save an answer (or recognise a replay); commits. Raises Invalid or Conflict."""
    now = now or utcnow()
    text = {k: str(raw.get(k) or "").strip() for k in ("medication_id", "answer", "note")}
    digest = submissions.content_hash(text)
    client_uuid = submissions.parse_client_uuid(raw.get("client_uuid"))
    if client_uuid is not None:
        existing = submissions.find(SideEffectReport, participant.id, client_uuid)
        if existing is not None:
            if existing.content_hash != digest:
                raise Conflict(existing)
            return existing
    errors = {}
    medication = None
    if text["medication_id"].isdigit():
        medication = db.session.get(Medication, int(text["medication_id"]))
    today = local_today(participant_zone(participant), now)
    if medication is None or medication.participant_id != participant.id:
        errors["medication_id"] = _("We could not find this medication on your list.")
    elif week_of(medication, today) is None or is_stopped(medication, today):
        errors["medication_id"] = _("This question is only asked in a medication's first "
                                    "six weeks.")
    if text["answer"] not in {a.value for a in SideEffectAnswer}:
        errors["answer"] = _("Choose none, mild or bothersome.")
    if len(text["note"]) > NOTE_MAX:
        errors["note"] = ngettext("Keep the note under %(num)s character.",
                                  "Keep the note under %(num)s characters.", NOTE_MAX)
    if errors:
        raise Invalid(errors)
    client_uuid = client_uuid or str(uuid.uuid4())

    def create() -> SideEffectReport:
        report = SideEffectReport(
            participant_id=participant.id, medication_id=medication.id,
            week=week_of(medication, today), answer=text["answer"],
            note=text["note"] or None, client_uuid=client_uuid,
            content_hash=digest, created_at=now)
        db.session.add(report)
        return report

    return submissions.save_once(SideEffectReport, participant.id, client_uuid, digest,
                                 create).record


def reports_of(participant_id: int, limit: int = 30) -> list[SideEffectReport]:
    """The participant's answers, newest first ("not now" left out)."""
    return list(db.session.scalars(
        sa.select(SideEffectReport).where(
            SideEffectReport.participant_id == participant_id,
            SideEffectReport.answer != SideEffectAnswer.NOT_NOW)
        .options(sa.orm.joinedload(SideEffectReport.medication))
        .order_by(SideEffectReport.created_at.desc(), SideEffectReport.id.desc()).limit(limit)))
