"""Break-glass access: grant, check, and show it to the participant's clinicians."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from app.database import utcnow
from app.extensions import db
from app.models import Enrolment, User
from app.models.break_glass import BreakGlassGrant
from app.security import audit

MAX_DURATION = timedelta(hours=4)
MIN_REASON_LENGTH = 20


class BreakGlassError(ValueError):
    """A grant that cannot be made; the message is for the admin."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def grant(admin: User, participant: User, reason: str, hours: int) -> BreakGlassGrant:
    """Give an admin access to one participant for at most four hours, audited."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise BreakGlassError("reason", lazy_ngettext(
            "Explain why in at least %(num)d character.",
            "Explain why in at least %(num)d characters.", MIN_REASON_LENGTH))
    duration = timedelta(hours=hours)
    if not timedelta(0) < duration <= MAX_DURATION:
        raise BreakGlassError("hours", _l("Access lasts at most 4 hours."))
    now = utcnow()
    record = BreakGlassGrant(admin_id=admin.id, participant_id=participant.id, reason=reason,
                             granted_at=now, expires_at=now + duration)
    db.session.add(record)
    db.session.flush()
    audit.record(audit.Action.BREAK_GLASS, subject=participant, target=f"grant:{record.id}",
                 actor=admin)
    return record


def granted_participant_ids(admin: User) -> sa.Select:
    """Participants this admin holds an unexpired grant for, as a subquery."""
    return sa.select(BreakGlassGrant.participant_id).where(
        BreakGlassGrant.admin_id == admin.id, BreakGlassGrant.expires_at > utcnow()
    )


def has_grant(admin: User, participant_id: int) -> bool:
    """Whether this admin holds an unexpired grant for the participant."""
    return db.session.scalar(
        sa.select(BreakGlassGrant.id).where(
            BreakGlassGrant.admin_id == admin.id, BreakGlassGrant.participant_id == participant_id,
            BreakGlassGrant.expires_at > utcnow()).limit(1)) is not None


def grants_for_participant(participant_id: int, days: int = 30) -> list[BreakGlassGrant]:
    """Recent grants on one participant, newest first (shown on their page to clinicians)."""
    since = utcnow() - timedelta(days=days)
    return list(db.session.scalars(
        sa.select(BreakGlassGrant).where(BreakGlassGrant.participant_id == participant_id,
                                         BreakGlassGrant.granted_at >= since)
        .order_by(BreakGlassGrant.granted_at.desc())
    ))


def grants_in_programs(program_ids: list[int], days: int = 7) -> list[BreakGlassGrant]:
    """Recent grants on participants enrolled in these programs (for their clinicians)."""
    if not program_ids:
        return []
    since = utcnow() - timedelta(days=days)
    enrolled = sa.select(Enrolment.participant_id).where(Enrolment.program_id.in_(program_ids))
    return list(db.session.scalars(
        sa.select(BreakGlassGrant).where(BreakGlassGrant.participant_id.in_(enrolled),
                                         BreakGlassGrant.granted_at >= since)
        .order_by(BreakGlassGrant.granted_at.desc())
    ))
