"""Private clinical notes and messages to the participant.

A note is for the care team only. A message is for the participant: they see it on Today and
in Messages (read once opened) and get a discreet push saying only that they have a reminder.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.care.team import care_enrolment
from app.database import utcnow
from app.extensions import db
from app.models import CareMessage, ClinicalNote, User

NOTE_MAX = 4000
MESSAGE_MAX = 2000
#: Unread messages shown on Today.
TODAY_LIMIT = 3


def _program_id(participant: User) -> int | None:
    enrolment = care_enrolment(participant)
    return enrolment.program_id if enrolment else None


def add_note(staff: User, participant: User, body: str) -> ClinicalNote:
    """A private note; the caller commits (with its audit event)."""
    note = ClinicalNote(participant_id=participant.id, program_id=_program_id(participant),
                        author_id=staff.id, body=body.strip(), created_at=utcnow())
    db.session.add(note)
    return note


def send_message(staff: User, participant: User, body: str) -> CareMessage:
    """A message to the participant; the caller commits. The push follows from the planner."""
    message = CareMessage(participant_id=participant.id, program_id=_program_id(participant),
                          author_id=staff.id, body=body.strip(), created_at=utcnow())
    db.session.add(message)
    return message


# --- the participant's side --------------------------------------------------------------------

def messages_for(participant: User, limit: int = 100) -> list[CareMessage]:
    """The participant's own messages, newest first."""
    return list(db.session.scalars(
        sa.select(CareMessage).options(joinedload(CareMessage.author))
        .where(CareMessage.participant_id == participant.id)
        .order_by(CareMessage.created_at.desc(), CareMessage.id.desc()).limit(limit)))


def unread_for(participant: User, limit: int = TODAY_LIMIT) -> list[CareMessage]:
    """The participant's unread messages, newest first."""
    return list(db.session.scalars(
        sa.select(CareMessage).options(joinedload(CareMessage.author))
        .where(CareMessage.participant_id == participant.id, CareMessage.read_at.is_(None))
        .order_by(CareMessage.created_at.desc(), CareMessage.id.desc()).limit(limit)))


def mark_read(participant: User, message_ids: list[int], now: datetime | None = None) -> int:
    """Mark the participant's own messages read (others' ids do nothing); commits."""
    if not message_ids:
        return 0
    result = db.session.execute(
        sa.update(CareMessage)
        .where(CareMessage.participant_id == participant.id, CareMessage.id.in_(message_ids),
               CareMessage.read_at.is_(None))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def today_context(participant: User) -> dict:
    """What Today shows of messages: the unread ones."""
    return {"unread_messages": unread_for(participant)}
