"""Which participants and programs a staff member may see: what is not theirs is a 404."""

from dataclasses import dataclass

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


# --- records, for pages that show many participants or one participant's history ------------

@dataclass(frozen=True)
class CareAccess:
    """What one staff member may see of one participant, and whether they may change it.

    `records(program_column, time_column)` is the SQL condition every query of the
    participant's records (check-ins, scores, attendance, notes) adds, so a refinement of who
    sees what (records filtered by the enrolment they belong to) reaches every page at once.
    """

    participant_id: int
    can_read: bool
    can_write: bool
    break_glass: bool = False

    def records(self, program_column, time_column) -> sa.ColumnElement[bool]:
        """SQL: a record (its program and time columns) this staff member may read."""
        return sa.true() if self.can_read else sa.false()

    def holds(self, program_id: int | None, at) -> bool:
        """Whether one record (its program and time) may be read."""
        return self.can_read


def care_access(staff: User, participant_id: int) -> CareAccess:
    """What the staff member may do with one participant's records."""
    readable = participants_for_staff(staff).where(User.id == participant_id)
    writable = current_participants_for_staff(staff).where(User.id == participant_id)
    can_read = db.session.scalar(sa.select(readable.exists())) or False
    can_write = can_read and (db.session.scalar(sa.select(writable.exists())) or False)
    return CareAccess(participant_id, bool(can_read), bool(can_write))


def caseload_enrolments(staff: User) -> sa.Select:
    """Active enrolments in the programs the staff member works in: their caseload.

    Admins see a caseload only for programs they work in; anyone else through break-glass.
    """
    return sa.select(Enrolment).where(
        Enrolment.program_id.in_(staff_program_ids(staff)),
        Enrolment.status == EnrolmentStatus.ACTIVE,
    )


def records_for_staff(staff: User, participant_column, program_column,
                      time_column) -> sa.ColumnElement[bool]:
    """SQL for queries over many participants at once (the caseload's flags, the review queue):
    a record, named by its participant, program and time columns, that the staff member may
    read. The bulk counterpart of `CareAccess.records`."""
    visible = participants_for_staff(staff).with_only_columns(User.id)
    return participant_column.in_(visible)


def get_participant_or_audited_404(staff: User, participant_id: int, *,
                                   for_writing: bool = False) -> User:
    """`get_participant_for_staff`, recording the attempt in the audit trail when it is a 404
    (a staff member asking for someone outside their programs)."""
    from werkzeug.exceptions import NotFound

    from app.security import audit

    try:
        return get_participant_for_staff(staff, participant_id, for_writing=for_writing)
    except NotFound:
        db.session.rollback()
        subject = db.session.get(User, participant_id) if participant_id < 2**31 else None
        audit.record(audit.Action.PARTICIPANT_DENIED,
                     subject=subject if subject is not None and subject.is_participant else None,
                     target=f"participant:{participant_id}"[:64])
        db.session.commit()
        raise
