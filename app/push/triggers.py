"""What makes each reminder kind, read from the other features through small adapters.

Each `plan_*` function returns the reminders a person should have (`Desired`); the planner
compares them with the outbox, so planning the same thing twice adds nothing and a change
(session moved, check-in done, preference off) updates or cancels pending rows. Each
`unwanted_*` function runs just before sending and names rows that stopped being wanted since
they were planned (a check-in saved a minute ago).

The adapters are the only places that know the other features' models and services:
`app.schedule.service` (occurrences in a window), `app.models.checkin` (checked in on a local
day), `app.scales.service` (scales due), `app.skills.reminders` (homework still to do),
`app.models.safety` (open alerts) and `app.medications.reminders` (doses due and unmarked).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from werkzeug.routing import BuildError

from app.extensions import db
from app.models import Checkin, Program, PushSubscription, Role, SafetyAlert, User

#: How far ahead reminders are planned.
HORIZON = timedelta(hours=36)
#: A reminder whose time passed longer ago than this is not created (it is kept if it exists).
GRACE = timedelta(minutes=10)
#: Sessions looked at: far enough for the evening before a session at the horizon, and for
#: changes to sessions in the next two weeks.
SESSION_WINDOW = timedelta(days=14)
#: A cancellation or move is announced when it happened less than this long ago.
CHANGE_LOOKBACK = timedelta(hours=24)
#: Local time of the evening-before reminder.
EVENING_BEFORE_AT = time(19, 0)
#: Open alerts older than this are no longer pushed (they stay at the top of clinician pages).
ALERT_LOOKBACK = timedelta(days=3)
ALERT_STALE_AFTER = timedelta(hours=24)


@dataclass
class Desired:
    """A reminder that should be in the outbox."""

    key: str
    kind: str
    user_id: int
    due_at: datetime
    stale_at: datetime
    context: dict
    #: Past its time: keep (and update) a row that exists, but do not create one now.
    only_if_exists: bool = False


@dataclass
class PlanContext:
    """One person's planning pass: who, their choices, their zone, and a cache."""

    user: User
    preferences: object
    zone: str
    now: datetime
    cache: dict = field(default_factory=dict)

    @property
    def horizon_end(self) -> datetime:
        return self.now + HORIZON

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.zone)).date()

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(ZoneInfo(self.zone))


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """A local wall-clock time as a UTC instant.

    A time that does not exist (02:30 on a spring-forward day) resolves with fold=0, an hour
    later in the new offset; an ambiguous one (01:30 on a fall-back day) is its first instance.
    Either way one local date gives one instant, so a daily reminder fires once.
    """
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def app_path(*candidates: tuple[str, dict]) -> str:
    """The path of the first endpoint that exists (features may rename theirs), else "/"."""
    adapter = current_app.url_map.bind("localhost")
    for endpoint, values in candidates:
        try:
            return adapter.build(endpoint, values)
        except BuildError:
            continue
    return "/"


def _past(due: datetime, now: datetime) -> bool:
    return due < now - GRACE


# --- sessions (app.schedule.service) ----------------------------------------------------------

def _occurrences(ctx: PlanContext) -> list:
    if "occurrences" not in ctx.cache:
        from app.schedule.service import participant_occurrences

        ctx.cache["occurrences"] = participant_occurrences(
            ctx.user, ctx.now - timedelta(hours=1), ctx.now + SESSION_WINDOW)
    return ctx.cache["occurrences"]


def _session_path(occurrence) -> str:
    """The participant's page for the session, or their schedule."""
    return app_path(("schedule.session", {"series_id": occurrence.series.id,
                                          "occurrence_key": occurrence.key}),
                    ("participant.schedule", {}))


def _session_context(ctx: PlanContext, occurrence) -> dict:
    local = ctx.local(occurrence.start_at)
    return {
        "what": "appointment" if occurrence.series.participant_id else "group",
        "at": local.strftime("%H:%M"),
        "day": local.date().isoformat(),
        "occurrence": f"{occurrence.series.id}:{occurrence.key}",
        "start": int(occurrence.start_at.timestamp()),
        "path": _session_path(occurrence),
    }


def plan_session_reminders(ctx: PlanContext) -> list[Desired]:
    """N minutes before each of the participant's sessions (the participant's choice)."""
    lead = ctx.preferences.session_lead_minutes
    if not lead:
        return []
    desired = []
    for occurrence in _occurrences(ctx):
        start = occurrence.start_at
        if occurrence.is_cancelled or start <= ctx.now:
            continue
        due = start - timedelta(minutes=lead)
        if due > ctx.horizon_end:
            continue
        context = _session_context(ctx, occurrence)
        desired.append(Desired(
            key=f"session:{ctx.user.id}:{context['occurrence']}:{lead}:{context['start']}",
            kind="session", user_id=ctx.user.id, due_at=due, stale_at=start, context=context,
            only_if_exists=_past(due, ctx.now)))
    return desired


def plan_evening_reminders(ctx: PlanContext) -> list[Desired]:
    """At 19:00 local the evening before each session, when the participant asked for it."""
    if not ctx.preferences.is_session_evening_before:
        return []
    desired = []
    for occurrence in _occurrences(ctx):
        start = occurrence.start_at
        if occurrence.is_cancelled or start <= ctx.now:
            continue
        due = local_to_utc(ctx.local(start).date() - timedelta(days=1), EVENING_BEFORE_AT,
                           ctx.zone)
        if due > ctx.horizon_end or due >= start:
            continue
        context = _session_context(ctx, occurrence)
        desired.append(Desired(
            key=f"evening:{ctx.user.id}:{context['occurrence']}:{context['start']}",
            kind="session_evening", user_id=ctx.user.id, due_at=due, stale_at=start,
            context=context, only_if_exists=_past(due, ctx.now)))
    return desired


def plan_session_changes(ctx: PlanContext) -> list[Desired]:
    """A notice when staff cancelled or moved one of the participant's coming sessions."""
    if not ctx.preferences.is_session_change_on:
        return []
    desired = []
    for occurrence in _occurrences(ctx):
        record = occurrence.record
        changed_at = getattr(record, "changed_at", None)
        if changed_at is None or changed_at < ctx.now - CHANGE_LOOKBACK:
            continue
        stale = max(occurrence.start_at, occurrence.original_start_at)
        if stale <= ctx.now:
            continue
        context = _session_context(ctx, occurrence)
        context["change"] = "cancelled" if occurrence.is_cancelled else "moved"
        desired.append(Desired(
            key=f"change:{ctx.user.id}:{context['occurrence']}:{int(changed_at.timestamp())}",
            kind="session_change", user_id=ctx.user.id, due_at=changed_at, stale_at=stale,
            context=context))
    return desired


def unwanted_sessions(rows: list) -> set[int]:
    """Session reminders whose session was cancelled or moved since planning."""
    from app.models import SessionOccurrence
    from app.schedule.service import KEY_FORMAT

    unwanted = set()
    for row in rows:
        series_id, _sep, key = str(row.context.get("occurrence", "")).partition(":")
        try:
            original = datetime.strptime(key, KEY_FORMAT)
        except ValueError:
            continue
        record = db.session.scalar(
            sa.select(SessionOccurrence).where(SessionOccurrence.series_id == int(series_id))
            .where(SessionOccurrence.original_start_local == original))
        if record is None:
            continue
        moved = record.moved_start_at
        if record.cancelled_at is not None or (
                moved is not None and int(moved.timestamp()) != row.context.get("start")):
            unwanted.add(row.id)
    return unwanted


# --- daily check-in (app.models.checkin) -------------------------------------------------------

def _day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    return local_to_utc(day, time(0), zone), local_to_utc(day + timedelta(days=1), time(0), zone)


def checked_in_on(user_id: int, day: date, zone: str) -> bool:
    """Whether the participant checked in (made, or dated, a check-in) on a local day."""
    start, end = _day_bounds(day, zone)
    return db.session.scalar(
        sa.select(Checkin.id).where(
            Checkin.participant_id == user_id, Checkin.deleted_at.is_(None),
            sa.or_(sa.and_(Checkin.occurred_at >= start, Checkin.occurred_at < end),
                   sa.and_(Checkin.received_at >= start, Checkin.received_at < end)))
        .limit(1)) is not None


def _checkin_path() -> str:
    return app_path(("checkins.checkin", {}))


def plan_checkin_reminders(ctx: PlanContext) -> list[Desired]:
    """Every day at the chosen local time, unless the participant already checked in."""
    prefs = ctx.preferences
    if not prefs.is_checkin_on:
        return []
    desired = []
    for day in (ctx.today, ctx.today + timedelta(days=1)):
        due = local_to_utc(day, prefs.checkin_time, ctx.zone)
        stale = _day_bounds(day, ctx.zone)[1]
        if due > ctx.horizon_end or stale <= ctx.now:
            continue
        if checked_in_on(ctx.user.id, day, ctx.zone):
            continue
        desired.append(Desired(
            key=f"checkin:{ctx.user.id}:{day.isoformat()}", kind="checkin", user_id=ctx.user.id,
            due_at=due, stale_at=stale,
            context={"day": day.isoformat(), "zone": ctx.zone, "path": _checkin_path()},
            only_if_exists=_past(due, ctx.now)))
    return desired


def unwanted_checkins(rows: list) -> set[int]:
    """Check-in reminders (and snoozes) for a day the participant has since checked in: one
    query for the whole batch, then each row's local day compared here."""
    from app.push.outbox import in_ids

    days: dict[tuple[str, str], tuple[datetime, datetime]] = {}
    wanted = {}
    for row in rows:
        if "day" in row.context:
            key = (row.context["day"], row.context.get("zone", "UTC"))
            if key not in days:
                days[key] = _day_bounds(date.fromisoformat(key[0]), key[1])
            wanted[row.id] = (row.user_id, *days[key])
    if not wanted:
        return set()
    start, end = min(b[1] for b in wanted.values()), max(b[2] for b in wanted.values())
    made: dict[int, list[tuple[datetime, datetime]]] = {}
    for user_id, occurred, received in db.session.execute(
            sa.select(Checkin.participant_id, Checkin.occurred_at, Checkin.received_at).where(
                in_ids(Checkin.participant_id, {b[0] for b in wanted.values()}),
                Checkin.deleted_at.is_(None),
                sa.or_(sa.and_(Checkin.occurred_at >= start, Checkin.occurred_at < end),
                       sa.and_(Checkin.received_at >= start, Checkin.received_at < end)))):
        made.setdefault(user_id, []).append((occurred, received))
    return {row_id for row_id, (user_id, day_start, day_end) in wanted.items()
            if any(day_start <= occurred < day_end or day_start <= received < day_end
                   for occurred, received in made.get(user_id, ()))}


# --- scales (app.scales.service) -----------------------------------------------------

def plan_scale_reminders(ctx: PlanContext) -> list[Desired]:
    """Once per due cycle of each scale the program asks, at the check-in time."""
    if not ctx.preferences.is_scale_on:
        return []
    from app.scales.service import scale_statuses

    desired = []
    for status in scale_statuses(ctx.user, ctx.now):
        if not status.is_due:
            continue
        day = max(status.due_on, ctx.today)
        due = local_to_utc(day, ctx.preferences.checkin_time, ctx.zone)
        last_id = status.last.id if status.last is not None else 0
        context = {"scale": status.scale.key, "last": last_id,
                   "path": app_path(("scales.index", {}))}  # not the scale: its name
        desired.append(Desired(
            key=f"scale:{ctx.user.id}:{status.scale.key}:{last_id}", kind="scale",
            user_id=ctx.user.id, due_at=due, stale_at=due + timedelta(hours=12),
            context=context, only_if_exists=_past(due, ctx.now)))
    return desired


def unwanted_scales(rows: list) -> set[int]:
    """Scale reminders for a scale the participant has completed since."""
    from app.scales.service import last_response

    unwanted = set()
    for row in rows:
        last = last_response(row.user_id, row.context.get("scale", ""))
        if (last.id if last is not None else 0) != row.context.get("last"):
            unwanted.add(row.id)
    return unwanted


# --- skills homework (app.skills.homework) ---------------------------------------------------

def plan_homework_reminders(ctx: PlanContext) -> list[Desired]:
    """At the chosen local time on days with homework still to do, when the participant turned
    homework reminders on (they are off by default)."""
    prefs = ctx.preferences
    if not prefs.is_homework_on:
        return []
    from app.skills.reminders import wants_reminder_on

    desired = []
    for day in (ctx.today, ctx.today + timedelta(days=1)):
        due = local_to_utc(day, prefs.homework_time, ctx.zone)
        stale = _day_bounds(day, ctx.zone)[1]
        if due > ctx.horizon_end or stale <= ctx.now:
            continue
        if not wants_reminder_on(ctx.user, day, ctx.zone):
            continue
        desired.append(Desired(
            key=f"homework:{ctx.user.id}:{day.isoformat()}", kind="homework",
            user_id=ctx.user.id, due_at=due, stale_at=stale,
            context={"day": day.isoformat(), "zone": ctx.zone,
                     "path": app_path(("skills.index", {}))},
            only_if_exists=_past(due, ctx.now)))
    return desired


def unwanted_homework(rows: list) -> set[int]:
    """Homework reminders for a day the participant has since practised (or finished, or the
    homework was ended)."""
    from app.skills.reminders import wants_reminder_on

    unwanted = set()
    for row in rows:
        user = db.session.get(User, row.user_id)
        if user is None or "day" not in row.context or not wants_reminder_on(
                user, date.fromisoformat(row.context["day"]), row.context.get("zone", "UTC")):
            unwanted.add(row.id)
    return unwanted


# --- messages from the care team (app.models.review) -----------------------------------------

#: Unread messages older than this are no longer announced (they wait on Today).
MESSAGE_LOOKBACK = timedelta(days=2)
MESSAGE_STALE_AFTER = timedelta(hours=24)


def plan_message_reminders(ctx: PlanContext) -> list[Desired]:
    """One discreet push for the newest unread message from the care team."""
    from app.models import CareMessage

    newest = db.session.execute(
        sa.select(CareMessage.id, CareMessage.created_at)
        .where(CareMessage.participant_id == ctx.user.id, CareMessage.read_at.is_(None),
               CareMessage.created_at >= ctx.now - MESSAGE_LOOKBACK)
        .order_by(CareMessage.created_at.desc(), CareMessage.id.desc()).limit(1)).first()
    if newest is None:
        return []
    message_id, created_at = newest
    return [Desired(
        key=f"message:{ctx.user.id}:{message_id}", kind="message", user_id=ctx.user.id,
        due_at=created_at, stale_at=created_at + MESSAGE_STALE_AFTER,
        context={"message_id": message_id, "path": app_path(("messages.index", {}))})]


def unwanted_messages(rows: list) -> set[int]:
    """Message pushes for a message the participant has read since."""
    from app.models import CareMessage

    ids = {row.context.get("message_id") for row in rows}
    unread = set(db.session.scalars(
        sa.select(CareMessage.id).where(CareMessage.id.in_(ids), CareMessage.read_at.is_(None))))
    return {row.id for row in rows if row.context.get("message_id") not in unread}


# --- safety alerts (app.models.safety) ---------------------------------------------------------

def _has_device(user_id: int) -> bool:
    return db.session.scalar(
        sa.select(PushSubscription.id).where(PushSubscription.user_id == user_id,
                                             PushSubscription.disabled_at.is_(None)).limit(1)
    ) is not None


def plan_safety_alerts(now: datetime) -> list[Desired]:
    """Open alerts: every device of the primary clinician at once; the program's other
    clinicians once the alert has been open for the program's escalation time.

    When there is no primary clinician, they no longer work in the alert's program, or they
    have no device that can receive a push, the program's clinicians are told at once: an
    alert must reach someone who can open it.
    """
    alerts = db.session.scalars(
        sa.select(SafetyAlert).where(SafetyAlert.acknowledged_at.is_(None),
                                     SafetyAlert.created_at >= now - ALERT_LOOKBACK)
        .order_by(SafetyAlert.id))
    default_minutes = current_app.config["ALERT_ESCALATION_MINUTES"]
    desired = []
    for alert in alerts:
        program = db.session.get(Program, alert.program_id) if alert.program_id else None
        minutes = getattr(program, "alert_escalation_minutes", None) or default_minutes
        primary = db.session.get(User, alert.primary_clinician_id) \
            if alert.primary_clinician_id else None
        # A primary clinician counts only while they are a clinician of the alert's program
        # (someone who left it gets a 404 on the alert): otherwise everyone there, at once.
        if primary is not None and not (primary.is_active and primary.is_staff
                                        and program is not None
                                        and primary in program.clinicians):
            primary = None
        path = app_path(("safety_staff.alert", {"alert_id": alert.id}))
        stale = alert.created_at + ALERT_STALE_AFTER

        def row(user: User, due: datetime, is_primary: bool, _alert=alert, _path=path,
                _stale=stale) -> Desired:
            return Desired(key=f"alert:{_alert.id}:{user.id}", kind="safety_alert",
                           user_id=user.id, due_at=due, stale_at=_stale,
                           context={"alert_id": _alert.id, "path": _path,
                                    "primary": is_primary})

        if primary is not None:
            desired.append(row(primary, alert.created_at, True))
        reach_primary = primary is not None and _has_device(primary.id)
        escalate_at = alert.created_at + timedelta(minutes=minutes) if reach_primary \
            else alert.created_at
        others = program.clinicians if program is not None else []
        for clinician in others:
            if primary is not None and clinician.id == primary.id:
                continue
            if clinician.is_active and clinician.role in (Role.CLINICIAN, Role.ADMIN):
                desired.append(row(clinician, escalate_at, primary is None))
    return desired


def unwanted_alerts(rows: list) -> set[int]:
    """Alert pushes for alerts a clinician has acknowledged since."""
    ids = {row.context.get("alert_id") for row in rows}
    open_ids = set(db.session.scalars(
        sa.select(SafetyAlert.id).where(SafetyAlert.id.in_(ids),
                                        SafetyAlert.acknowledged_at.is_(None))))
    return {row.id for row in rows if row.context.get("alert_id") not in open_ids}


# --- medications (app.medications.reminders) --------------------------------------------------

def plan_medication_reminders(ctx: PlanContext) -> list[Desired]:
    """At each unmarked dose time, and a follow-up after the participant's chosen delay."""
    from app.medications import reminders

    return reminders.plan(ctx)


def unwanted_medications(rows: list) -> set[int]:
    """Medication reminders whose doses have all been marked since planning."""
    from app.medications import reminders

    return reminders.unwanted(rows)


def medication_action_data(reminder_id: int, user_id: int, context: dict) -> dict:
    """The doses and the signed token the notification's "Taken" action posts."""
    from app.medications import reminders

    return reminders.action_data(reminder_id, user_id, context)
