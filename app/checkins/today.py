"""The daily check-in on Today: asked for until the participant's local day has one.

A safety answer from last night does not carry over: a new local day asks "How are you today?"
again, like any other day.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.care.team import participant_zone
from app.checkins.service import recorded_triggers
from app.database import utcnow
from app.extensions import db
from app.models import Checkin, User


def todays_checkin(participant: User, zone: str, now: datetime | None = None) -> Checkin | None:
    """The latest check-in for the participant's current local day (by the time it is for)."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=ZoneInfo(zone))
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo(zone))
    return db.session.scalar(
        sa.select(Checkin).where(Checkin.participant_id == participant.id,
                                 Checkin.deleted_at.is_(None),
                                 Checkin.occurred_at >= start, Checkin.occurred_at < end)
        .order_by(Checkin.occurred_at.desc(), Checkin.id.desc()).limit(1))


def today_context(participant: User, now: datetime | None = None) -> dict:
    """What Today's check-in card needs: today's check-in (or None), its zone, and whether
    its answers called for crisis help (the card then repeats who sees it and where help is)."""
    zone = participant_zone(participant)
    checkin = todays_checkin(participant, zone, now)
    return {"todays_checkin": checkin, "checkin_zone": zone,
            "checkin_needed_help": bool(checkin and recorded_triggers(checkin))}
