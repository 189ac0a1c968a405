"""Each person's reminder choices, and quiet hours."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.database import utcnow
from app.extensions import db
from app.models import ReminderPreference, User
from app.push.triggers import local_to_utc

#: What a participant can choose for the session reminder (minutes before; 0 is off).
SESSION_LEADS = (15, 30, 60, 120)


def preferences_for(user: User) -> ReminderPreference:
    """The person's saved choices, or the defaults (not added to the session)."""
    saved = db.session.get(ReminderPreference, user.id)
    if saved is not None:
        return saved
    defaults = ReminderPreference(user_id=user.id)
    for column in ReminderPreference.__table__.columns:  # column defaults apply only on insert
        if getattr(defaults, column.key) is None and column.default is not None:
            value = column.default.arg
            setattr(defaults, column.key, value(None) if callable(value) else value)
    return defaults


def save_preferences(user: User, **values) -> ReminderPreference:
    """Store the person's choices (the caller commits)."""
    saved = db.session.get(ReminderPreference, user.id)
    if saved is None:
        saved = preferences_for(user)
        db.session.add(saved)
    for name, value in values.items():
        setattr(saved, name, value)
    saved.updated_at = utcnow()
    return saved


def in_quiet_hours(at: time, start: time, end: time) -> bool:
    """Whether a local time falls in quiet hours [start, end); start == end means none."""
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end  # overnight, e.g. 21:00-08:00


def after_quiet_hours(due: datetime, zone: str, start: time, end: time) -> datetime:
    """`due`, or the end of the quiet hours it falls in (a UTC instant)."""
    local = due.astimezone(ZoneInfo(zone))
    if not in_quiet_hours(local.time().replace(tzinfo=None), start, end):
        return due
    day = local.date() if local.time().replace(tzinfo=None) < end else \
        local.date() + timedelta(days=1)
    return local_to_utc(day, end, zone)
