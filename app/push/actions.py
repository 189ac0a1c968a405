"""What a person can ask for directly: a test reminder, and snoozing the check-in reminder.

Both only add outbox rows (never sent from the web request); the worker sends them within
its poll interval.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.care.team import participant_zone
from app.database import utcnow
from app.extensions import db
from app.models import PushSubscription, Reminder, ReminderStatus, User
from app.push import outbox
from app.push.kinds import KINDS
from app.push.payload import SNOOZE_MINUTES
from app.push.triggers import app_path


def send_test(user: User, subscription: PushSubscription | None = None,
              now: datetime | None = None) -> None:
    """Queue a test reminder to one device, or to all of the person's. The caller commits."""
    now = now or utcnow()
    endpoint = "push.reminders" if user.is_participant else "push_staff.reminders"
    context = {"path": app_path((endpoint, {}))}
    if subscription is not None:
        context["device"] = subscription.id
    outbox.add(user.id, "test", f"test:{user.id}:{uuid.uuid4().hex}", now,
               now + KINDS["test"].stale_after, context,
               subscription_id=subscription.id if subscription else None)


def latest_checkin_reminder(user: User, now: datetime | None = None) -> Reminder | None:
    """Today's check-in reminder that has gone out (what "remind me later" follows up)."""
    now = now or utcnow()
    return db.session.scalar(
        sa.select(Reminder).where(Reminder.user_id == user.id, Reminder.kind == "checkin",
                                  Reminder.status == ReminderStatus.SENT,
                                  Reminder.sent_at >= now - timedelta(hours=12),
                                  Reminder.stale_at > now)
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc()).limit(1))


def snooze(user: User, minutes: int, source: Reminder | None,
           now: datetime | None = None) -> bool:
    """Remind the participant again in `minutes` (30 or 60) of a reminder whose kind offers
    it (today's check-in, a medication dose).

    Keyed on the reminder it follows up, so pressing snooze twice on one notification queues
    one reminder. Returns False when there is nothing to snooze. The caller commits.
    """
    if minutes not in SNOOZE_MINUTES or not user.is_participant:
        return False
    now = now or utcnow()
    if (source is None or source.user_id != user.id or source.kind not in KINDS
            or not KINDS[source.kind].snooze):
        return False
    context = dict(source.context)
    if source.kind == "checkin":
        zone = participant_zone(user)
        context.setdefault("day", now.astimezone(ZoneInfo(zone)).date().isoformat())
        context.setdefault("zone", zone)
    due = now + timedelta(minutes=minutes)
    stale = max(source.stale_at, due + timedelta(minutes=30))
    outbox.add(user.id, source.kind, f"snooze:{source.id}", due, stale, context)
    return True  # new, or already snoozed from this reminder: either way it is coming
