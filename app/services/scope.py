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
    User,
)


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


