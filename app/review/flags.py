"""Caseload flags: one small rule per flag, each with its threshold as a named constant.

A rule looks at every participant of a caseload at once (one SQL query per rule, whatever the
number of participants) and answers {participant id: detail text} for those it flags. Each flag
is shown as its label with an icon, never as a colour alone.

Capabilities add their own flags with `register(Flag(...))` from their package's `register(app)`
(medications: doses missed in a row; skills: homework signals).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, ngettext

from app.care.scope import latest_readable, records_for_staff
from app.database import utcnow
from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    Checkin,
    SafetyAlert,
    ScaleResponse,
    SessionOccurrence,
    SessionSeries,
    User,
)
from app.safety.alerts import alerts_for_staff, waiting_text

#: PHQ-9 total at or above this: the severe band.
PHQ9_SEVERE = 20
#: PHQ-9 up by at least this many points since the previous one: a clinically meaningful rise.
PHQ9_RISE = 5
#: GAD-7 total at or above this: the severe band.
GAD7_SEVERE = 15
#: A scale score older than this no longer flags (PHQ-9 and GAD-7 are asked weekly).
SCALE_CURRENT_DAYS = 28
#: How far back the previous score is looked for when measuring a rise.
SCALE_LOOKBACK_DAYS = 90
#: Mood (1-5) at or below this counts as low...
LOW_MOOD_MAX = 2
#: ...on this many check-ins in a row (the most recent ones)...
LOW_MOOD_RUN = 3
#: ...within this many days.
LOW_MOOD_LOOKBACK_DAYS = 14
#: Craving (0-10) at or above this...
CRAVING_HIGH = 8
#: ...or any reported use of alcohol or drugs, within this many days.
USE_LOOKBACK_DAYS = 3
#: No check-in for this long (counted from the enrolment's start for a newcomer).
NO_CHECKIN_DAYS = 2
#: This many recorded sessions in a row marked absent ("excused" is not missed)...
MISSED_RUN = 2
#: ...among the sessions of this many past days.
MISSED_LOOKBACK_DAYS = 28


@dataclass
class FlagContext:
    """The participants to look at and who is looking."""

    staff: User
    participant_ids: list[int]
    now: datetime = field(default_factory=utcnow)
    #: When each participant's current enrolment started (a newcomer is not "missing").
    enrolled_since: dict[int, datetime] = field(default_factory=dict)
    #: Each participant's IANA zone (their own, else their program's), for local days.
    zones: dict[int, str] = field(default_factory=dict)
    #: Results other rules or columns may share (filled by rules, e.g. last check-in times).
    cache: dict = field(default_factory=dict)
    #: Also count each participant's recorded sessions of this many past days by status (the
    #: caseload's attendance column), in the missed-sessions rule's query: both read the same
    #: rows. 0: not asked for.
    attendance_days: int = 0

    def records(self, participant_column, program_column, time_column):
        """SQL: records of these participants that the staff member may read."""
        return sa.and_(participant_column.in_(self.participant_ids),
                       records_for_staff(self.staff, participant_column, program_column,
                                         time_column))


@dataclass(frozen=True)
class Flag:
    """One kind of flag."""

    key: str
    label: object  #: short text shown with the icon ("Open safety alert")
    icon: str  #: an icon name of templates/review/_icons.html
    #: Lower is riskier: orders flags in a row and breaks ties between rows.
    rank: int
    #: What it means, with its threshold, for docs/review.md and the filter's hint.
    rule: object
    evaluate: Callable[[FlagContext], dict[int, str]]


@dataclass(frozen=True)
class Hit:
    """A flag raised for one participant, with what raised it ("PHQ-9 22")."""

    flag: Flag
    detail: str


FLAGS: dict[str, Flag] = {}


def register(flag: Flag) -> Flag:
    """Add a flag to the registry (a capability's own flags included)."""
    FLAGS[flag.key] = flag
    return flag


def ordered() -> list[Flag]:
    """Every flag, riskiest first."""
    return sorted(FLAGS.values(), key=lambda f: (f.rank, f.key))


def evaluate(ctx: FlagContext) -> dict[int, list[Hit]]:
    """Every flag for every participant of the context: one query per rule."""
    hits: dict[int, list[Hit]] = defaultdict(list)
    if not ctx.participant_ids:
        return hits
    for flag in ordered():
        for participant_id, detail in flag.evaluate(ctx).items():
            hits[participant_id].append(Hit(flag, detail))
    return hits


# --- the rules -------------------------------------------------------------------------------

def _hours(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 3600))


def open_alerts(ctx: FlagContext) -> dict[int, str]:
    """An unacknowledged safety alert the staff member can see."""
    visible = alerts_for_staff(ctx.staff).where(
        SafetyAlert.acknowledged_at.is_(None),
        SafetyAlert.participant_id.in_(ctx.participant_ids)).subquery()
    rows = db.session.execute(
        sa.select(visible.c.participant_id, sa.func.count(), sa.func.min(visible.c.created_at))
        .group_by(visible.c.participant_id)).all()
    found = {}
    for participant_id, count, oldest in rows:
        oldest = _aware(oldest)
        ctx.cache.setdefault("oldest_alert", {})[participant_id] = oldest
        found[participant_id] = ngettext("%(num)s open, %(waiting)s", "%(num)s open, %(waiting)s",
                                         count, waiting=waiting_text(oldest, ctx.now))
    return found


def _latest_scores(ctx: FlagContext, scale: str) -> dict[int, list[ScaleResponse]]:
    """The two latest responses to a scale per participant (newest first), one query."""
    ranked = sa.select(
        ScaleResponse.participant_id, ScaleResponse.total, ScaleResponse.submitted_at,
        sa.func.row_number().over(
            partition_by=ScaleResponse.participant_id,
            order_by=(ScaleResponse.submitted_at.desc(), ScaleResponse.id.desc())).label("rn"),
    ).where(
        ScaleResponse.scale == scale,
        ScaleResponse.submitted_at >= ctx.now - timedelta(days=SCALE_LOOKBACK_DAYS),
        ctx.records(ScaleResponse.participant_id, ScaleResponse.program_id,
                    ScaleResponse.submitted_at),
    ).subquery()
    rows = db.session.execute(
        sa.select(ranked.c.participant_id, ranked.c.total, ranked.c.submitted_at)
        .where(ranked.c.rn <= 2).order_by(ranked.c.participant_id, ranked.c.rn)).all()
    found: dict[int, list] = defaultdict(list)
    for participant_id, total, submitted_at in rows:
        found[participant_id].append((total, _aware(submitted_at)))
    return found


def _aware(value: datetime) -> datetime:
    """A UTC instant from an aggregate or subquery column (SQLite may return it naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def phq9(ctx: FlagContext) -> dict[int, str]:
    """Latest PHQ-9 at PHQ9_SEVERE or more, or up PHQ9_RISE or more since the one before."""
    found = {}
    current = ctx.now - timedelta(days=SCALE_CURRENT_DAYS)
    for participant_id, scores in _latest_scores(ctx, "phq9").items():
        total, at = scores[0]
        if at < current:
            continue
        rise = total - scores[1][0] if len(scores) > 1 else None
        if total >= PHQ9_SEVERE and rise is not None and rise >= PHQ9_RISE:
            found[participant_id] = str(_l("PHQ-9 %(total)s, up %(rise)s", total=total,
                                           rise=rise))
        elif total >= PHQ9_SEVERE:
            found[participant_id] = str(_l("PHQ-9 %(total)s", total=total))
        elif rise is not None and rise >= PHQ9_RISE:
            found[participant_id] = str(_l("PHQ-9 up %(rise)s to %(total)s", rise=rise,
                                           total=total))
    return found


def gad7(ctx: FlagContext) -> dict[int, str]:
    """Latest GAD-7 at GAD7_SEVERE or more."""
    current = ctx.now - timedelta(days=SCALE_CURRENT_DAYS)
    return {participant_id: str(_l("GAD-7 %(total)s", total=scores[0][0]))
            for participant_id, scores in _latest_scores(ctx, "gad7").items()
            if scores[0][0] >= GAD7_SEVERE and scores[0][1] >= current}


def low_mood(ctx: FlagContext) -> dict[int, str]:
    """Mood LOW_MOOD_MAX or lower on the last LOW_MOOD_RUN check-ins in a row."""
    ranked = sa.select(
        Checkin.participant_id, Checkin.mood,
        sa.func.row_number().over(
            partition_by=Checkin.participant_id,
            order_by=(Checkin.occurred_at.desc(), Checkin.id.desc())).label("rn"),
    ).where(
        Checkin.deleted_at.is_(None), Checkin.mood.is_not(None),
        Checkin.occurred_at >= ctx.now - timedelta(days=LOW_MOOD_LOOKBACK_DAYS),
        ctx.records(Checkin.participant_id, Checkin.program_id, Checkin.occurred_at),
    ).subquery()
    moods: dict[int, list[int]] = defaultdict(list)
    for participant_id, mood in db.session.execute(
            sa.select(ranked.c.participant_id, ranked.c.mood)
            .where(ranked.c.rn <= LOW_MOOD_RUN)):
        moods[participant_id].append(mood)
    return {participant_id: ngettext("Mood %(moods)s on the last %(num)s check-in",
                                     "Mood %(moods)s on the last %(num)s check-ins",
                                     LOW_MOOD_RUN, moods=", ".join(map(str, values)))
            for participant_id, values in moods.items()
            if len(values) == LOW_MOOD_RUN and max(values) <= LOW_MOOD_MAX}


def craving_or_use(ctx: FlagContext) -> dict[int, str]:
    """Craving CRAVING_HIGH or more, or reported use, in the last USE_LOOKBACK_DAYS days."""
    rows = db.session.execute(
        sa.select(Checkin.participant_id, sa.func.max(Checkin.craving),
                  sa.func.max(sa.case((Checkin.used_substances.is_(True), 1), else_=0)))
        .where(Checkin.deleted_at.is_(None),
               Checkin.occurred_at >= ctx.now - timedelta(days=USE_LOOKBACK_DAYS),
               sa.or_(Checkin.craving >= CRAVING_HIGH, Checkin.used_substances.is_(True)),
               ctx.records(Checkin.participant_id, Checkin.program_id, Checkin.occurred_at))
        .group_by(Checkin.participant_id)).all()
    found = {}
    for participant_id, craving, used in rows:
        parts = []
        if used:
            parts.append(str(_l("reported use")))
        if craving is not None and craving >= CRAVING_HIGH:
            parts.append(str(_l("craving %(value)s of 10", value=craving)))
        found[participant_id] = ", ".join(parts).capitalize()
    return found


def last_checkins(ctx: FlagContext) -> dict[int, datetime]:
    """Each participant's latest check-in time (one query, shared through the context)."""
    if "last_checkin" not in ctx.cache:
        # The newest readable check-in of each participant on its own (newest first, one
        # row, through the check-in index), where max() ... GROUP BY would aggregate
        # everyone's whole history.
        found: dict[int, datetime] = {}
        for pid, at in db.session.execute(latest_readable(
                ctx.staff, ctx.participant_ids, Checkin, Checkin.occurred_at,
                Checkin.deleted_at.is_(None))):
            if at is not None and (pid not in found or _aware(at) > found[pid]):
                found[pid] = _aware(at)
        ctx.cache["last_checkin"] = found
    return ctx.cache["last_checkin"]


def no_checkin(ctx: FlagContext) -> dict[int, str]:
    """No check-in for NO_CHECKIN_DAYS days (counted from the enrolment for a newcomer)."""
    last = last_checkins(ctx)
    limit = timedelta(days=NO_CHECKIN_DAYS)
    found = {}
    for participant_id in ctx.participant_ids:
        at = last.get(participant_id)
        since = at or ctx.enrolled_since.get(participant_id)
        if since is None or ctx.now - since < limit:
            continue
        days = (ctx.now - since).days
        found[participant_id] = (
            ngettext("None for %(num)s day", "None for %(num)s days", days) if at
            else ngettext("None since starting %(num)s day ago",
                          "None since starting %(num)s days ago", days))
    return found


@dataclass
class AttendanceMarks:
    """One participant's recorded attendance, as the missed-sessions rule and the caseload's
    attendance column read it."""

    #: Among their last MISSED_RUN recorded sessions of the last MISSED_LOOKBACK_DAYS days,
    #: how many are marked with each status.
    latest: dict[str, int] = field(default_factory=dict)
    #: Their recorded sessions of the last `FlagContext.attendance_days` days, per status.
    counts: dict[str, int] = field(default_factory=dict)


def attendance_marks(ctx: FlagContext) -> dict[int, AttendanceMarks]:
    """Each participant's AttendanceMarks (statuses as their values), from one query shared
    through the context."""
    if "attendance" in ctx.cache:
        return ctx.cache["attendance"]
    start = sa.func.coalesce(SessionOccurrence.moved_start_at,
                             SessionOccurrence.original_start_at)
    days = max(MISSED_LOOKBACK_DAYS, ctx.attendance_days)
    ranked = sa.select(
        Attendance.participant_id, Attendance.status, start.label("start"),
        sa.func.row_number().over(partition_by=Attendance.participant_id,
                                  order_by=(start.desc(), Attendance.id.desc())).label("rn"),
    ).join(SessionOccurrence, Attendance.occurrence_id == SessionOccurrence.id).join(
        SessionSeries, SessionOccurrence.series_id == SessionSeries.id).where(
        Attendance.status.is_not(None), SessionOccurrence.cancelled_at.is_(None),
        start >= ctx.now - timedelta(days=days), start <= ctx.now,
        ctx.records(Attendance.participant_id, SessionSeries.program_id, start),
    ).subquery()
    # Numbered over the wider of the two windows, newest first: the last MISSED_RUN sessions
    # of the rule's own window are those numbered up to MISSED_RUN that fall inside it.
    latest = sa.and_(ranked.c.rn <= MISSED_RUN,
                     ranked.c.start >= ctx.now - timedelta(days=MISSED_LOOKBACK_DAYS))
    counted = ranked.c.start >= ctx.now - timedelta(days=ctx.attendance_days)
    statuses = list(AttendanceStatus)
    # One row per participant (in the window's own order, so no second sort): per status,
    # how many of the latest and how many counted.
    sums = [sa.func.sum(sa.case((sa.and_(window, ranked.c.status == status), 1), else_=0))
            for window in (latest, counted) for status in statuses]
    found: dict[int, AttendanceMarks] = {}
    for participant_id, *numbers in db.session.execute(
            sa.select(ranked.c.participant_id, *sums).group_by(ranked.c.participant_id)):
        marks = found[participant_id] = AttendanceMarks()
        for index, status in enumerate(statuses):
            if numbers[index]:
                marks.latest[status.value] = numbers[index]
            if numbers[len(statuses) + index] and ctx.attendance_days:
                marks.counts[status.value] = numbers[len(statuses) + index]
    ctx.cache["attendance"] = dict(found)
    return ctx.cache["attendance"]


def missed_sessions(ctx: FlagContext) -> dict[int, str]:
    """The last MISSED_RUN recorded sessions all marked absent."""
    return {participant_id: ngettext("Absent from the last %(num)s session",
                                     "Absent from the last %(num)s sessions", MISSED_RUN)
            for participant_id, marks in attendance_marks(ctx).items()
            if marks.latest.get(AttendanceStatus.ABSENT.value, 0) == MISSED_RUN}


register(Flag("open_alert", _l("Open safety alert"), "alert", 0,
              _l("An unacknowledged safety alert."), open_alerts))
register(Flag("phq9", _l("PHQ-9 high or rising"), "trend-up", 10,
              lazy_ngettext("Latest PHQ-9 at %(severe)s or more, or up by %(rise)s or more "
                            "since the one before (scores of the last %(num)s day).",
                            "Latest PHQ-9 at %(severe)s or more, or up by %(rise)s or more "
                            "since the one before (scores of the last %(num)s days).",
                            SCALE_CURRENT_DAYS, severe=PHQ9_SEVERE, rise=PHQ9_RISE), phq9))
register(Flag("low_mood", _l("Low mood"), "mood-low", 20,
              lazy_ngettext("Mood %(max)s or lower on the last %(num)s check-in in a row.",
                            "Mood %(max)s or lower on the last %(num)s check-ins in a row.",
                            LOW_MOOD_RUN, max=LOW_MOOD_MAX), low_mood))
register(Flag("craving_use", _l("Craving or use"), "flame", 30,
              lazy_ngettext("Craving %(craving)s or more, or reported use, in the last "
                            "%(num)s day.",
                            "Craving %(craving)s or more, or reported use, in the last "
                            "%(num)s days.", USE_LOOKBACK_DAYS, craving=CRAVING_HIGH),
              craving_or_use))
register(Flag("gad7", _l("GAD-7 severe"), "trend-up", 40,
              lazy_ngettext("Latest GAD-7 at %(severe)s or more (scores of the last %(num)s "
                            "day).",
                            "Latest GAD-7 at %(severe)s or more (scores of the last %(num)s "
                            "days).", SCALE_CURRENT_DAYS, severe=GAD7_SEVERE), gad7))
register(Flag("no_checkin", _l("No recent check-in"), "clock", 50,
              lazy_ngettext("No check-in for %(num)s day or more.",
                            "No check-in for %(num)s days or more.", NO_CHECKIN_DAYS),
              no_checkin))
register(Flag("missed_sessions", _l("Missed sessions"), "calendar-x", 60,
              lazy_ngettext("Absent from the last %(num)s recorded session in a row.",
                            "Absent from the last %(num)s recorded sessions in a row.",
                            MISSED_RUN), missed_sessions))
