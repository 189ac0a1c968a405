"""Past safety alerts, per program and per participant, as the staff member may see them."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import SafetyAlert, User
from app.safety.alerts import AlertGroup, group, visible_alerts


def history_for_staff(staff: User, program_id: int | None = None,
                      participant_id: int | None = None, limit: int = 100,
                      acknowledged_only: bool = True) -> list[AlertGroup]:
    """Alerts (grouped by the answer that raised them), newest first.

    `acknowledged_only` leaves out open ones (listed on their own, above).
    """
    query = sa.select(SafetyAlert).where(visible_alerts(staff))
    if acknowledged_only:
        query = query.where(SafetyAlert.acknowledged_at.is_not(None))
    if program_id is not None:
        query = query.where(SafetyAlert.program_id == program_id)
    if participant_id is not None:
        query = query.where(SafetyAlert.participant_id == participant_id)
    alerts = list(db.session.scalars(
        query.options(joinedload(SafetyAlert.participant), joinedload(SafetyAlert.program),
                      joinedload(SafetyAlert.acknowledged_by))
        .order_by(SafetyAlert.created_at.desc(), SafetyAlert.id.desc()).limit(limit)))
    cards = group(alerts)
    cards.sort(key=lambda c: (c.created_at, c.id), reverse=True)
    return cards
