"""Enrolments: enrol, step down or up, discharge; find a participant's current program."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    LevelOfCare,
    Program,
    TransitionKind,
    User,
)


class EnrolmentError(ValueError):
    """A request that would leave enrolments inconsistent; the message is for the person."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


#: Where a request keeps the enrolments it has looked up (`remembered`).
_REMEMBERED = "_trellis_enrolments"


def remembered(kind: str, participant: User, load):
    """`load()`, once per request and participant: a participant page asks for the
    participant's enrolment from many places (the layout, the zone of every date, each
    capability's part of Today). Forgotten whenever the session writes or its transaction ends,
    so a request that changes an enrolment reads the change."""
    if not has_app_context():
        return load()
    known = g.setdefault(_REMEMBERED, {})
    key = (kind, participant.id)
    if key not in known:
        known[key] = load()
    return known[key]


@sa.event.listens_for(Session, "after_flush")
@sa.event.listens_for(Session, "after_transaction_end")  # commit, rollback, close
@sa.event.listens_for(Session, "after_bulk_update")
@sa.event.listens_for(Session, "after_bulk_delete")
def _forget_enrolments(*_args) -> None:
    if has_app_context():
        g.pop(_REMEMBERED, None)


def current_enrolment(participant: User) -> Enrolment | None:
    """The participant's active enrolment, if any (at most one is active at a time)."""
    # The care enrolment is the active one whenever there is one (team.care_enrolment orders
    # active first), so the same single lookup answers both questions on a page.
    from app.care.team import care_enrolment

    care = care_enrolment(participant)
    return care if care is not None and care.status == EnrolmentStatus.ACTIVE else None


def enrol(
    participant: User,
    program: Program,
    start_date: date,
    primary_clinician: User | None,
) -> Enrolment:
    """Enrol a participant in a program; refuses when they already have an active enrolment."""
    if current_enrolment(participant) is not None:
        raise EnrolmentError(
            "participant",
            _l("This participant is already enrolled. Record a step-down or discharge instead."),
        )
    if primary_clinician is not None and program not in primary_clinician.programs:
        raise EnrolmentError(
            "primary_clinician", _l("The primary clinician must work in this program."))
    enrolment = Enrolment(
        participant=participant,
        program=program,
        level_of_care=program.level_of_care,
        start_date=start_date,
        primary_clinician=primary_clinician,
    )
    db.session.add(enrolment)
    return enrolment


_ORDER = {LevelOfCare.PHP: 2, LevelOfCare.IOP: 1, LevelOfCare.OUTPATIENT: 0}


def transition(
    enrolment: Enrolment,
    effective_date: date,
    recorded_by: User,
    to_program: Program | None = None,
    discharge: bool = False,
    primary_clinician: User | None = None,
) -> EnrolmentTransition:
    """Move a participant to another level of care from `effective_date`, keeping history.

    The current enrolment ends the day before. With `to_program`, a new enrolment starts that
    day; without it the participant steps down to outpatient care (or is discharged), which
    Trellis records but does not schedule.
    """
    if not enrolment.is_active:
        raise EnrolmentError("enrolment", _l("Only an active enrolment can change."))
    if effective_date <= enrolment.start_date:
        raise EnrolmentError(
            "effective_date", _l("The change must come after the enrolment's start date."))
    if to_program is not None and to_program.id == enrolment.program_id:
        raise EnrolmentError("to_program", _l("Choose a different program."))
    if discharge:
        kind, to_level = TransitionKind.DISCHARGE, None
    else:
        to_level = to_program.level_of_care if to_program else LevelOfCare.OUTPATIENT
        kind = (
            TransitionKind.STEP_UP
            if _ORDER[to_level] > _ORDER[enrolment.level_of_care]
            else TransitionKind.STEP_DOWN
        )
    enrolment.end_date = effective_date - timedelta(days=1)
    enrolment.status = (
        EnrolmentStatus.DISCHARGED if discharge else EnrolmentStatus.STEPPED_DOWN
    )
    new_enrolment = None
    if to_program is not None and not discharge:
        clinician = primary_clinician or enrolment.primary_clinician
        if clinician is not None and to_program not in clinician.programs:
            clinician = None
        new_enrolment = Enrolment(
            participant_id=enrolment.participant_id,
            program=to_program,
            level_of_care=to_program.level_of_care,
            start_date=effective_date,
            primary_clinician=clinician,
        )
        db.session.add(new_enrolment)
    record = EnrolmentTransition(
        participant_id=enrolment.participant_id,
        from_enrolment=enrolment,
        to_enrolment=new_enrolment,
        kind=kind,
        from_level=enrolment.level_of_care,
        to_level=to_level,
        effective_date=effective_date,
        recorded_by=recorded_by,
    )
    db.session.add(record)
    return record


def enrolment_history(participant_id: int) -> list[Enrolment]:
    """All enrolments of a participant, newest first."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.participant_id == participant_id)
            .order_by(Enrolment.start_date.desc(), Enrolment.id.desc())
        )
    )
