"""Which participants and programs a staff member may see: what is not theirs is a 404."""

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, Program, Role, User, clinician_programs


def staff_program_ids(staff: User) -> sa.Select | None:
    """Programs whose participants' information a staff member may see, as a subquery.

    Admins too see clinical information only for the programs they work in; for anyone else
    they use break-glass access (app.care.break_glass), which is time-limited and audited.
    """
    return sa.select(clinician_programs.c.program_id).where(
        clinician_programs.c.user_id == staff.id
    )


def participants_for_staff(staff: User) -> sa.Select:
    """Participants ever enrolled in one of the staff member's programs (plus break-glass)."""
    enrolled = sa.select(Enrolment.participant_id).where(
        Enrolment.program_id.in_(staff_program_ids(staff))
    )
    visible = User.id.in_(enrolled)
    if staff.role == Role.ADMIN:
        from app.care.break_glass import granted_participant_ids

        visible = visible | User.id.in_(granted_participant_ids(staff))
    return sa.select(User).where(User.role == Role.PARTICIPANT, visible)


def current_participants_for_staff(staff: User) -> sa.Select:
    """Participants with an active enrolment in one of the staff member's programs (plus
    break-glass): the people whose records the staff member may change."""
    enrolled = sa.select(Enrolment.participant_id).where(
        Enrolment.program_id.in_(staff_program_ids(staff)),
        Enrolment.status == EnrolmentStatus.ACTIVE,
    )
    visible = User.id.in_(enrolled)
    if staff.role == Role.ADMIN:
        from app.care.break_glass import granted_participant_ids

        visible = visible | User.id.in_(granted_participant_ids(staff))
    return sa.select(User).where(User.role == Role.PARTICIPANT, visible)


def get_participant_for_staff(staff: User, participant_id: int, *,
                              for_writing: bool = False) -> User:
    """A participant the staff member may see, or 404.

    `for_writing` (plan edits, appointments, notes, homework, medications) needs the participant
    to be enrolled now in one of the staff member's programs.
    """
    query = (current_participants_for_staff if for_writing else participants_for_staff)(staff)
    participant = db.session.scalar(query.where(User.id == participant_id))
    if participant is None:
        abort(404)
    return participant


def programs_for_staff(staff: User) -> list[Program]:
    """Programs the staff member works in (every program for an admin)."""
    if staff.role == Role.ADMIN:
        return list(db.session.scalars(sa.select(Program).order_by(Program.name)))
    return list(staff.programs)


def get_program_for_staff(staff: User, program_id: int) -> Program:
    """A program the staff member works in, or 404."""
    program = db.session.get(Program, program_id)
    if program is None or program not in programs_for_staff(staff):
        abort(404)
    return program


def works_in(staff: User, program_id: int) -> bool:
    """Whether the staff member works in the program (and so sees its clinical information)."""
    return any(p.id == program_id for p in staff.programs)
