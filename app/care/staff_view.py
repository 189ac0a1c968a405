"""What a staff member sees of a participant's care: enrolments, moves and emergency access,
limited to the enrolments they may see (`app.care.scope`)."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.care import break_glass
from app.care.scope import CareAccess, care_access
from app.extensions import db
from app.models import BreakGlassGrant, Enrolment, EnrolmentTransition, User


@dataclass
class CareHistory:
    access: CareAccess
    enrolments: list[Enrolment]
    transitions: list[EnrolmentTransition]
    grants: list[BreakGlassGrant]


def care_history(staff: User, person: User) -> CareHistory:
    """The participant's enrolments and moves the staff member may see (their own programs'
    enrolments; everything under break-glass), and emergency access made meanwhile."""
    access = care_access(staff, person.id)
    ids = access.enrolment_ids()
    everything = access.break_glass
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.participant_id == person.id)
        .where(sa.true() if everything else Enrolment.id.in_(ids))
        .order_by(Enrolment.start_date.desc())).all()
    transitions = db.session.scalars(
        sa.select(EnrolmentTransition).where(EnrolmentTransition.participant_id == person.id)
        .where(sa.true() if everything else sa.or_(
            EnrolmentTransition.from_enrolment_id.in_(ids),
            EnrolmentTransition.to_enrolment_id.in_(ids)))
        .order_by(EnrolmentTransition.effective_date.desc())).all()
    grants = [grant for grant in break_glass.grants_for_participant(person.id)
              if everything or any(p.starts_at <= grant.granted_at
                                   and (p.ends_at is None or grant.granted_at < p.ends_at)
                                   for p in access.periods)]
    return CareHistory(access, list(enrolments), list(transitions), grants)
