"""Who looks after a participant, and which clock their days run on."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.care.enrolments import remembered
from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, User


def care_enrolment(participant: User) -> Enrolment | None:
    """The participant's active enrolment, or their latest one after a discharge or step-down.

    Its program's clinicians see the participant's alerts, and its zone is their local time.
    """
    return remembered("care", participant, lambda: db.session.scalar(
        sa.select(Enrolment).where(Enrolment.participant_id == participant.id)
        # Its program comes along: every participant page reads it (zone, phone, consent).
        .options(joinedload(Enrolment.program))
        .order_by(sa.case((Enrolment.status == EnrolmentStatus.ACTIVE, 0), else_=1),
                  Enrolment.start_date.desc(), Enrolment.id.desc())
        .limit(1)
    ))


def participant_zone(participant: User, enrolment: Enrolment | None = None) -> str:
    """The participant's IANA zone: their own setting if they have one, else their program's."""
    own = getattr(participant, "time_zone", None)  # a personal zone, where accounts have one
    if own:
        return own
    enrolment = enrolment or care_enrolment(participant)
    return enrolment.program.time_zone if enrolment else "UTC"


def staff_zone(staff: User) -> str:
    """The zone a staff member reads times in where no one participant's applies (caseload,
    schedule week): the first program they work in (any program, for an admin), else UTC.
    Staff pages always add the zone's abbreviation, so a time is never ambiguous."""
    from app.care.scope import programs_for_staff

    programs = programs_for_staff(staff)
    return programs[0].time_zone if programs else "UTC"
