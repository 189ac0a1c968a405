"""Planning: make the outbox hold exactly the reminders people should get.

Planning computes the desired rows from the registry's triggers and reconciles: missing rows
are added (their unique `dedupe_key` makes a second pass add nothing), pending rows whose time,
staleness or text changed are updated, pending rows nobody wants any more are cancelled, and a
cancelled row that is wanted again (a check-in deleted) is revived. Rows being sent, or already
sent, are never touched. Every update is conditional on the row still being pending, so a worker
that claimed a row a moment ago keeps it.

Quiet hours are applied here for the kinds that respect them: a reminder due inside them is
moved to their end, or left out when it would be stale by then.
"""

import logging
from datetime import datetime

import sqlalchemy as sa

from app.care.enrolments import current_enrolment
from app.care.team import participant_zone
from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStatus,
    PushSubscription,
    Reminder,
    ReminderStatus,
    Role,
    User,
)
from app.push import outbox
from app.push.kinds import KINDS
from app.push.preferences import after_quiet_hours, preferences_for
from app.push.triggers import Desired, PlanContext

log = logging.getLogger(__name__)

PERSON_KINDS = [k for k in KINDS.values() if k.plan_person is not None]
EVERYONE_KINDS = [k for k in KINDS.values() if k.plan_everyone is not None]


def desired_for(user: User, now: datetime) -> list[Desired]:
    """The reminders a participant should have now (quiet hours applied)."""
    if not user.is_active or user.role != Role.PARTICIPANT:
        return []
    enrolment = current_enrolment(user)
    if enrolment is None:
        return []  # discharged or not enrolled: no program reminders
    prefs = preferences_for(user)
    ctx = PlanContext(user=user, preferences=prefs, zone=participant_zone(user, enrolment),
                      now=now)
    desired = []
    for kind in PERSON_KINDS:
        for item in kind.plan_person(ctx):
            if kind.quiet_hours:
                item.due_at = after_quiet_hours(item.due_at, ctx.zone, prefs.quiet_start,
                                                prefs.quiet_end)
                if item.due_at >= item.stale_at:
                    continue  # it would arrive after it stopped mattering
            desired.append(item)
    return desired


def _row_values(item: Desired) -> dict:
    return {"dedupe_key": item.key, "user_id": item.user_id, "kind": item.kind,
            "due_at": item.due_at, "stale_at": item.stale_at, "context": item.context,
            "is_planned": True}


def reconcile(desired: list[Desired], pending_scope, now: datetime) -> dict:
    """Make the outbox match `desired` within `pending_scope` (a WHERE clause on planned
    rows); returns counts of added, updated, cancelled and revived rows. The caller commits."""
    counts = {"added": 0, "updated": 0, "cancelled": 0, "revived": 0}
    by_key = {item.key: item for item in desired}
    existing = {}
    keys = list(by_key)
    for start in range(0, len(keys), 500):
        existing.update({row.dedupe_key: row for row in db.session.execute(
            sa.select(Reminder.id, Reminder.dedupe_key, Reminder.status, Reminder.attempts,
                      Reminder.due_at, Reminder.stale_at, Reminder.context)
            .where(Reminder.dedupe_key.in_(keys[start:start + 500])))})
    new = []
    for key, item in by_key.items():
        row = existing.get(key)
        if row is None:
            if not item.only_if_exists:
                new.append(_row_values(item))
            continue
        if row.status == ReminderStatus.PENDING:
            changes = {}
            if row.due_at != item.due_at and row.attempts == 0:
                changes.update(due_at=item.due_at, next_attempt_at=item.due_at)
            if row.stale_at != item.stale_at:
                changes["stale_at"] = item.stale_at
            if row.context != item.context:
                changes["context"] = item.context
            if changes:
                counts["updated"] += _update_pending(row.id, changes)
        elif row.status == ReminderStatus.CANCELLED and item.stale_at > now:
            counts["revived"] += _update(row.id, ReminderStatus.CANCELLED, {
                "status": ReminderStatus.PENDING, "due_at": item.due_at,
                "next_attempt_at": max(item.due_at, now), "stale_at": item.stale_at,
                "context": item.context, "attempts": 0, "last_error": None})
    counts["added"] = outbox.add_rows(new)
    stale_ids = [row_id for row_id, key in db.session.execute(
        sa.select(Reminder.id, Reminder.dedupe_key).where(
            Reminder.is_planned.is_(True), Reminder.status == ReminderStatus.PENDING,
            pending_scope)) if key not in by_key]
    for start in range(0, len(stale_ids), 500):
        result = db.session.execute(
            sa.update(Reminder).where(Reminder.id.in_(stale_ids[start:start + 500]),
                                      Reminder.status == ReminderStatus.PENDING)
            .values(status=ReminderStatus.CANCELLED, last_error="no longer wanted")
            .execution_options(synchronize_session=False))
        counts["cancelled"] += result.rowcount
    return counts


def _update(row_id: int, status: ReminderStatus, values: dict) -> int:
    return db.session.execute(
        sa.update(Reminder).where(Reminder.id == row_id, Reminder.status == status)
        .values(**values).execution_options(synchronize_session=False)).rowcount


def _update_pending(row_id: int, values: dict) -> int:
    return _update(row_id, ReminderStatus.PENDING, values)


def plan_person(user: User, now: datetime) -> dict:
    """Plan one participant's reminders and commit (called after they change a choice)."""
    kinds = [k.key for k in PERSON_KINDS]
    counts = reconcile(desired_for(user, now),
                       sa.and_(Reminder.user_id == user.id, Reminder.kind.in_(kinds)), now)
    db.session.commit()
    return counts


def plan_everyone(now: datetime) -> dict:
    """Plan the event-driven kinds (safety alerts) for everyone, and commit."""
    desired = [item for kind in EVERYONE_KINDS for item in kind.plan_everyone(now)]
    counts = reconcile(desired, Reminder.kind.in_([k.key for k in EVERYONE_KINDS]), now)
    db.session.commit()
    return counts


def people_to_plan() -> list[int]:
    """Participants with a device and an active enrolment (someone to remind of something),
    or with pending planned rows to tidy up. A participant with neither has nothing to plan
    (`desired_for` gives no rows without an active enrolment), so a pass does not visit them.
    """
    enrolled = sa.select(Enrolment.participant_id).where(
        Enrolment.status == EnrolmentStatus.ACTIVE)
    with_device = sa.select(PushSubscription.user_id).where(
        PushSubscription.user_id.in_(enrolled))
    with_rows = sa.select(Reminder.user_id).where(Reminder.is_planned.is_(True),
                                                  Reminder.status == ReminderStatus.PENDING)
    return list(db.session.scalars(
        sa.select(User.id).where(User.role == Role.PARTICIPANT,
                                 sa.or_(User.id.in_(with_device), User.id.in_(with_rows)))
        .order_by(User.id)))


def plan_all(now: datetime) -> dict:
    """Plan every participant who needs it, then the event-driven kinds. Commits as it goes;
    one person's failure is logged and does not stop the others."""
    totals = {"added": 0, "updated": 0, "cancelled": 0, "revived": 0, "errors": 0}
    for user_id in people_to_plan():
        try:
            user = db.session.get(User, user_id)
            for name, value in plan_person(user, now).items():
                totals[name] += value
        except Exception:  # keep planning the others; the next pass retries this one
            db.session.rollback()
            totals["errors"] += 1
            log.exception("planning reminders failed for user %s", user_id)
    for name, value in plan_everyone(now).items():
        totals[name] += value
    return totals
