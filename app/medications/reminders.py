"""Medication reminders for the push registry (app/push/kinds.py, kind "dose").

At each dose time a reminder, and after the participant's chosen delay a follow-up while the
dose is still unmarked. Doses due at the same time are one reminder (one notification whose
"Taken" marks them all). Marking a dose cancels its pending reminders at once
(`cancel_pending`); the planner also stops wanting them, and the sender checks once more just
before sending (`unwanted`). The texts and the payload never name a medication: the context
holds only the doses' names ("12-20270314-0800"), the local day and time, and the page.

Quiet hours do not apply: the participant chose these times (a bedtime dose at 22:00 must be
reminded at 22:00).
"""

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.database import utcnow
from app.extensions import db
from app.medications.schedule import Dose, doses_between, entries_of, parse_dose_key
from app.models import (
    MedicationDose,
    MedicationReminderSettings,
    Reminder,
    ReminderStatus,
    User,
)
from app.push.triggers import GRACE, Desired, PlanContext, app_path

#: The kind's key in the registry: neutral, as everything in a payload is.
KIND = "dose"
#: Follow-up delays a participant can choose (0: no follow-up); the default is 30.
FOLLOW_UP_CHOICES = (0, 15, 30, 60)
DEFAULT_FOLLOW_UP = 30
#: A reminder (or its follow-up) this long after the dose time is no longer sent.
STALE_AFTER = timedelta(hours=4)
#: The notification's "Taken" token is good until the dose can no longer be marked anyway.
TOKEN_MAX_AGE = 3 * 24 * 3600


# --- choices ---------------------------------------------------------------------------------

def settings_for(user: User) -> MedicationReminderSettings:
    """The participant's choices, or the defaults (not added to the session)."""
    saved = db.session.get(MedicationReminderSettings, user.id)
    return saved or MedicationReminderSettings(user_id=user.id, is_on=True,
                                               follow_up_minutes=DEFAULT_FOLLOW_UP)


def save_settings(user: User, is_on: bool, follow_up_minutes: int,
                  now: datetime | None = None) -> MedicationReminderSettings:
    """Store the choices (the caller commits)."""
    saved = db.session.get(MedicationReminderSettings, user.id)
    if saved is None:
        saved = MedicationReminderSettings(user_id=user.id)
        db.session.add(saved)
    saved.is_on = is_on
    saved.follow_up_minutes = follow_up_minutes
    saved.updated_at = now or utcnow()
    return saved


# --- planning (called through app.push.triggers) ---------------------------------------------

def _keys(context: dict) -> list[str]:
    return [k for k in str(context.get("doses", "")).split(",") if k]


def _marked(user_ids: set[int], keys: set[str]) -> set[str]:
    """Which of these doses have a mark, in one query."""
    slots = [parse_dose_key(k) for k in keys]
    days = {slot[1] for slot in slots if slot}
    if not days:
        return set()
    marked = set()
    for entry_id, day, at in db.session.execute(
            sa.select(MedicationDose.entry_id, MedicationDose.due_on, MedicationDose.due_time)
            .where(MedicationDose.participant_id.in_(user_ids),
                   MedicationDose.due_on.in_(days))):
        marked.add(f"{entry_id}-{day:%Y%m%d}-{at:%H%M}")
    return marked & keys


def plan(ctx: PlanContext) -> list[Desired]:
    """Reminders for the participant's unmarked doses today and tomorrow."""
    settings = settings_for(ctx.user)
    if not settings.is_on:
        return []
    entries = entries_of(ctx.user.id)
    if not entries:
        return []
    doses = [d for d in doses_between(entries, ctx.today, ctx.today + timedelta(days=1),
                                      ctx.zone) if d.due_at <= ctx.horizon_end]
    marked = _marked({ctx.user.id}, {d.key for d in doses})
    groups: dict[datetime, list[Dose]] = defaultdict(list)
    for dose in doses:
        if dose.key not in marked:
            groups[dose.due_at].append(dose)
    path = app_path(("participant.today", {}))
    desired = []
    for due, group in sorted(groups.items()):
        first = group[0]
        stale = due + STALE_AFTER
        if stale <= ctx.now:
            continue
        context = {"doses": ",".join(sorted(d.key for d in group)), "day": first.day.isoformat(),
                   "at": first.at.strftime("%H:%M"), "path": path + "#doses"}
        stem = f"{ctx.user.id}:{first.day:%Y%m%d}:{first.at:%H%M}"
        desired.append(Desired(
            key=f"med:{stem}", kind=KIND, user_id=ctx.user.id, due_at=due,
            stale_at=stale, context=context, only_if_exists=due < ctx.now - GRACE))
        minutes = settings.follow_up_minutes
        if minutes:
            again = due + timedelta(minutes=minutes)
            desired.append(Desired(
                key=f"med-again:{stem}:{minutes}", kind=KIND, user_id=ctx.user.id,
                due_at=again, stale_at=stale, context={**context, "follow_up": True},
                only_if_exists=again < ctx.now - GRACE))
    return desired


def unwanted(rows: list) -> set[int]:
    """Reminders whose doses have all been marked since planning (one query for the batch)."""
    keys = {key for row in rows for key in _keys(row.context)}
    marked = _marked({row.user_id for row in rows}, keys)
    return {row.id for row in rows if set(_keys(row.context)) <= marked}


def cancel_pending(user_id: int, dose: Dose) -> int:
    """Cancel the pending reminders (and follow-ups) of a dose just marked. The caller
    commits; a reminder of several doses is kept until all of them are marked."""
    rows = db.session.execute(
        sa.select(Reminder.id, Reminder.context).where(
            Reminder.user_id == user_id, Reminder.kind == KIND,
            Reminder.status == ReminderStatus.PENDING)).all()
    rows = [(row_id, context) for row_id, context in rows if dose.key in _keys(context)]
    marked = _marked({user_id}, {k for _id, context in rows for k in _keys(context)})
    marked.add(dose.key)
    done = [row_id for row_id, context in rows
            if _keys(context) and set(_keys(context)) <= marked]
    if not done:
        return 0
    return db.session.execute(
        sa.update(Reminder).where(Reminder.id.in_(done),
                                  Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.CANCELLED, last_error="dose marked")
        .execution_options(synchronize_session=False)).rowcount


# --- the notification's "Taken" ---------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="trellis-medication-taken")


def action_data(_reminder_id: int, user_id: int, context: dict) -> dict:
    """What the notification carries for its "Taken" action: the doses' names and a token
    that lets the service worker mark exactly these doses for this person, without a session."""
    doses = str(context.get("doses", ""))
    return {"dose": doses, "dose_token": _serializer().dumps([user_id, doses])}


def read_token(token, doses) -> int | None:
    """The participant a "Taken" token was issued to, if it is valid and for these doses."""
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        user_id, signed = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    return user_id if signed == doses and isinstance(user_id, int) else None
