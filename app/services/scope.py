"""Loading objects scoped to the signed-in person: what is not theirs to see is a 404."""

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.models import Enrolment, Invite, Program, Role, User, clinician_programs


def staff_program_ids(staff: User) -> sa.Select | None:
    """Programs whose participants' information a staff member may see, as a subquery.

    Admins too see clinical information only for the programs they work in; for anyone else
    they use break-glass access (app.services.break_glass), which is time-limited and audited.
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
        from app.services.break_glass import granted_participant_ids

        visible = visible | User.id.in_(granted_participant_ids(staff))
    return sa.select(User).where(User.role == Role.PARTICIPANT, visible)


def get_participant_for_staff(staff: User, participant_id: int) -> User:
    """A participant the staff member may see, or 404."""
    participant = db.session.scalar(
        participants_for_staff(staff).where(User.id == participant_id)
    )
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


def get_invite_for_staff(staff: User, invite_id: int) -> Invite:
    """A participant invite to one of the staff member's programs, or 404."""
    invite = db.session.get(Invite, invite_id)
    if (
        invite is None
        or invite.role != Role.PARTICIPANT
        or invite.program not in programs_for_staff(staff)
    ):
        abort(404)
    return invite


def get_or_404(model, object_id: int):
    """Fetch by primary key or 404 (for admin-only pages, where every object is in scope)."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj
