"""Loading objects scoped to the signed-in person: what is not theirs to see is a 404."""

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.models import (
    Checkin,
    Enrolment,
    Invite,
    Program,
    Role,
    SafetyAlert,
    SessionSeries,
    User,
    clinician_programs,
)
from app.services.schedule import Occurrence, belongs_to, find_occurrence, parse_key


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


def get_own_checkin(participant: User, checkin_id: int) -> Checkin:
    """One of the participant's own (not deleted) check-ins, or 404."""
    checkin = db.session.scalar(
        sa.select(Checkin).where(Checkin.id == checkin_id,
                                 Checkin.participant_id == participant.id,
                                 Checkin.deleted_at.is_(None))
    )
    if checkin is None:
        abort(404)
    return checkin


def alerts_for_staff(staff: User) -> sa.Select:
    """Safety alerts raised in the staff member's programs (plus break-glass), as a query."""
    visible = SafetyAlert.program_id.in_(staff_program_ids(staff))
    if staff.role == Role.ADMIN:
        from app.services.break_glass import granted_participant_ids

        visible = visible | SafetyAlert.participant_id.in_(granted_participant_ids(staff))
    return sa.select(SafetyAlert).where(visible)


def get_alert_for_staff(staff: User, alert_id: int) -> SafetyAlert:
    """A safety alert the staff member may see, or 404."""
    alert = db.session.scalar(alerts_for_staff(staff).where(SafetyAlert.id == alert_id))
    if alert is None:
        abort(404)
    return alert


def get_own_push_device(user: User, device_id: int):
    """One of the signed-in person's own push devices (participant or staff), or 404."""
    from app.models import PushSubscription

    device = db.session.scalar(sa.select(PushSubscription).where(
        PushSubscription.id == device_id, PushSubscription.user_id == user.id))
    if device is None:
        abort(404)
    return device


def works_in(staff: User, program_id: int) -> bool:
    """Whether the staff member works in the program (and so sees its clinical information)."""
    return any(p.id == program_id for p in staff.programs)


def get_series_for_staff(staff: User, series_id: int) -> SessionSeries:
    """A session series of one of the staff member's programs, or 404.

    A program's group sessions are administrative; an appointment with one participant says
    something about that person, so only staff working in the program see it.
    """
    series = db.session.get(SessionSeries, series_id)
    if series is None or series.program not in programs_for_staff(staff):
        abort(404)
    if series.participant_id is not None and not works_in(staff, series.program_id):
        abort(404)
    return series


def get_occurrence_for_staff(
    staff: User, series_id: int, key: str, clinical: bool = False
) -> Occurrence:
    """An occurrence (series id + original local start) in the staff member's programs, or 404.

    `clinical` (rosters, attendance) also needs the staff member to work in the program.
    """
    series = get_series_for_staff(staff, series_id)
    if clinical and not works_in(staff, series.program_id):
        abort(404)
    start = parse_key(key)
    occurrence = find_occurrence(series, start) if start else None
    if occurrence is None:
        abort(404)
    return occurrence


def get_occurrence_for_participant(participant: User, series_id: int, key: str) -> Occurrence:
    """One of the participant's own sessions, or 404 (another's, or one not on their days)."""
    series = db.session.get(SessionSeries, series_id)
    start = parse_key(key)
    occurrence = find_occurrence(series, start) if series and start else None
    if occurrence is None or not belongs_to(occurrence, participant.id):
        abort(404)
    return occurrence
