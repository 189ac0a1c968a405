"""Loading objects scoped to the signed-in person: what is not theirs to see is a 404."""

import sqlalchemy as sa
from flask import abort

from app.care.scope import (  # noqa: F401 - until each feature owns its getters
    get_participant_for_staff,
    get_program_for_staff,
    participants_for_staff,
    programs_for_staff,
    staff_program_ids,
    works_in,
)
from app.extensions import db
from app.models import (
    Checkin,
    Role,
    SafetyAlert,
    SessionSeries,
    User,
)
from app.services.schedule import Occurrence, belongs_to, find_occurrence, parse_key


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
        from app.care.break_glass import granted_participant_ids

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
