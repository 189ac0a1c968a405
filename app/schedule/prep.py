"""Before a group: each attendee since their last session, and sessions whose attendance was
never taken.

The pre-group summary reads every attendee at once (one query each for their last sessions,
their check-ins and each caseload flag), so a facilitator sees in a minute who to check on.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.care.scope import caseload_enrolments, readable_periods, records_for_staff
from app.database import utcnow
from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    Checkin,
    Enrolment,
    SessionOccurrence,
    User,
)
from app.schedule.service import Occurrence, program_occurrences

#: Without an earlier attended session, the summary covers this many days.
DEFAULT_SINCE = timedelta(days=7)
#: Past sessions looked at for "attendance not taken".
UNTAKEN_DAYS = 14


@dataclass
class Prep:
    """One attendee, since their last session."""

    since: datetime
    had_session: bool  #: False: no earlier session, so the last DEFAULT_SINCE days
    checkins: int = 0
    lowest_mood: int | None = None
    hits: list = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)


def _start():
    return sa.func.coalesce(SessionOccurrence.moved_start_at, SessionOccurrence.original_start_at)


def prep_for(staff: User, occurrence: Occurrence, participant_ids: list[int],
             now: datetime | None = None) -> dict[int, Prep]:
    """The summary of each attendee since the last session they attended before this one."""
    from app.review import caseload, flags

    now = now or utcnow()
    if not participant_ids:
        return {}
    until = min(now, occurrence.start_at)
    last = dict(db.session.execute(
        sa.select(Attendance.participant_id, sa.func.max(_start()))
        .join(SessionOccurrence, Attendance.occurrence_id == SessionOccurrence.id)
        .where(Attendance.participant_id.in_(participant_ids),
               Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.LATE]),
               _start() < occurrence.start_at)
        .group_by(Attendance.participant_id)).tuples().all())
    summaries = {}
    for pid in participant_ids:
        since = last.get(pid)
        summaries[pid] = Prep(flags._aware(since) if since else until - DEFAULT_SINCE,
                              since is not None)
    earliest = min(p.since for p in summaries.values())
    for pid, occurred_at, mood in db.session.execute(
            sa.select(Checkin.participant_id, Checkin.occurred_at, Checkin.mood)
            .where(Checkin.participant_id.in_(participant_ids), Checkin.deleted_at.is_(None),
                   Checkin.occurred_at >= earliest, Checkin.occurred_at < until,
                   records_for_staff(staff, Checkin.participant_id, Checkin.program_id,
                                     Checkin.occurred_at))):
        summary = summaries[pid]
        if occurred_at >= summary.since:
            summary.checkins += 1
            if mood is not None and (summary.lowest_mood is None or mood < summary.lowest_mood):
                summary.lowest_mood = mood
    enrolments = list(db.session.scalars(
        caseload_enrolments(staff).where(Enrolment.participant_id.in_(participant_ids))
        .options(sa.orm.joinedload(Enrolment.participant), sa.orm.joinedload(Enrolment.program))))
    ctx = caseload.context_for(staff, enrolments, now)
    hits = flags.evaluate(ctx)
    extras = {c.key: c.load(ctx) for c in caseload.COLUMNS.values()} if enrolments else {}
    for pid, summary in summaries.items():
        summary.hits = hits.get(pid, [])
        summary.extras = {key: values.get(pid, "") for key, values in extras.items()}
    return summaries


def untaken(staff: User, program_ids: list[int], now: datetime | None = None,
            days: int = UNTAKEN_DAYS) -> list[Occurrence]:
    """Past sessions (not cancelled) of these programs with no attendance recorded, newest
    first; an appointment only while the staff member may read its participant's enrolment."""
    now = now or utcnow()
    readable = {(pid, period.program_id) for pid, period in readable_periods(staff)}
    past = [o for o in program_occurrences(program_ids, now - timedelta(days=days), now)
            if o.has_ended(now) and not o.is_cancelled
            and (o.series.participant_id is None
                 or (o.series.participant_id, o.series.program_id) in readable)]
    record_ids = [o.record.id for o in past if o.record is not None]
    taken = set()
    if record_ids:
        taken = set(db.session.scalars(
            sa.select(Attendance.occurrence_id).distinct()
            .where(Attendance.occurrence_id.in_(record_ids), Attendance.status.is_not(None))))
    missing = [o for o in past if o.record is None or o.record.id not in taken]
    return sorted(missing, key=lambda o: o.start_at, reverse=True)
