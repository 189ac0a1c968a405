"""Attendance: the roster of an occurrence, staff marks, participants' notices, history."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.database import utcnow
from app.extensions import db
from app.formatting import format_day
from app.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    NoticeKind,
    SessionSeries,
    User,
)
from app.schedule.recurrence import ScheduleError
from app.schedule.service import (
    Occurrence,
    belongs_to,
    ensure_record,
    participant_occurrences,
)

#: Statuses that need the session to have started; "excused" can be given in advance.
NEEDS_START = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT}


@dataclass
class RosterRow:
    """One person on a roster and what is known about them for this occurrence."""

    participant: User
    attendance: Attendance | None


def roster(occurrence: Occurrence, readable: sa.ColumnElement[bool] | None = None
           ) -> list[RosterRow]:
    """Who is expected at an occurrence, with marks and notices: two queries at most.

    A program session expects everyone whose enrolment in the program covers the day; an
    appointment expects its participant. Anyone already marked stays listed. `readable` limits
    a program session's roster to enrolments the reader may still see (app.care.scope: a
    participant who left the program drops off its rosters after the handover).
    """
    series = occurrence.series
    marks: dict[int, Attendance] = {}
    if series.participant_id is not None:
        people = {series.participant.id: series.participant}
        marked = series.participant_id
    else:
        day = occurrence.original_start_local.date()
        enrolled = sa.and_(Enrolment.program_id == series.program_id, Enrolment.start_date <= day,
                           sa.or_(Enrolment.end_date.is_(None), Enrolment.end_date >= day),
                           *([readable] if readable is not None else []))
        people = {u.id: u for u in db.session.scalars(
            sa.select(User).join(Enrolment, Enrolment.participant_id == User.id).where(enrolled))}
        marked = None
        if readable is not None:  # marks only of people the reader may still see
            marked = sa.select(Enrolment.participant_id).where(
                Enrolment.program_id == series.program_id, readable)
    if occurrence.record is not None:
        query = (sa.select(Attendance).options(joinedload(Attendance.participant))
                 .where(Attendance.occurrence_id == occurrence.record.id))
        if isinstance(marked, int):
            query = query.where(Attendance.participant_id == marked)
        elif marked is not None:
            query = query.where(Attendance.participant_id.in_(marked))
        for row in db.session.scalars(query):
            marks[row.participant_id] = row
            people.setdefault(row.participant_id, row.participant)
    rows = [RosterRow(person, marks.get(person.id)) for person in people.values()]
    return sorted(rows, key=lambda r: (r.participant.display_name.casefold(), r.participant.id))


def own_row(occurrence: Occurrence, participant_id: int) -> Attendance | None:
    """The participant's attendance row for the occurrence, if anything was recorded."""
    if occurrence.record is None:
        return None
    return db.session.scalar(sa.select(Attendance).where(
        Attendance.occurrence_id == occurrence.record.id,
        Attendance.participant_id == participant_id))


def _row(occurrence: Occurrence, participant_id: int) -> Attendance:
    record = ensure_record(occurrence)
    row = own_row(occurrence, participant_id)
    if row is None:
        row = Attendance(occurrence_id=record.id, participant_id=participant_id)
        db.session.add(row)
    return row


def mark(
    occurrence: Occurrence, participant: User, status: AttendanceStatus, recorded_by: User
) -> Attendance:
    """Record present, late, absent or excused for one participant."""
    now = utcnow()
    if occurrence.is_cancelled:
        raise ScheduleError("status", _l(
            "This session was cancelled, so attendance cannot be taken."))
    if status in NEEDS_START and not occurrence.has_started(now):
        raise ScheduleError("status", _l(
            "Attendance can be taken once the session has started; only “excused” can be "
            "given before."))
    if not belongs_to(occurrence, participant.id):
        raise ScheduleError("participant", _l(
            "%(name)s is not enrolled in this program on %(date)s, so attendance was not saved.",
            name=participant.display_name,
            date=format_day(occurrence.original_start_local.date())))
    row = _row(occurrence, participant.id)
    row.status = status
    row.status_recorded_at = now
    row.status_recorded_by_id = recorded_by.id
    db.session.flush()
    return row


def set_notice(
    occurrence: Occurrence, participant: User, notice: NoticeKind | None, reason: str | None
) -> Attendance | None:
    """A participant says they are running late or cannot come; None takes it back.

    Allowed until the session starts, so the facilitator's roster is settled by then.
    """
    now = utcnow()
    if occurrence.is_cancelled:
        raise ScheduleError("notice", _l("This session is cancelled, so there is nothing to "
                                         "tell us."))
    if occurrence.has_started(now):
        raise ScheduleError("notice", _l(
            "This session has started, so your answer can no longer change. If something "
            "came up, call your program."))
    if notice is None and occurrence.record is None:
        return None
    row = _row(occurrence, participant.id)
    row.notice = notice
    row.notice_reason = ((reason or "").strip() or None) if notice else None
    row.notice_at = now
    db.session.flush()
    return row


#: How far back the participant's attendance history looks.
HISTORY_WEEKS = 26
#: The history's key for sessions whose attendance was not taken.
NOT_RECORDED = "not_recorded"


@dataclass
class HistoryEntry:
    """A past session the participant was expected at, with what staff recorded (or None)."""

    series: SessionSeries
    start_at: datetime
    status: AttendanceStatus | None


def history(participant: User, now: datetime | None = None,
            limit: int = 100) -> tuple[list[HistoryEntry], dict[str, int]]:
    """The participant's past sessions, newest first, and counts by status.

    Every session they were expected at (as on their schedule) that has ended in the last
    HISTORY_WEEKS is listed, including those whose attendance was not taken ("not recorded"),
    so a missing mark is never counted as nothing at all. Cancelled sessions are left out.
    """
    now = now or utcnow()
    occurrences = participant_occurrences(participant, now - timedelta(weeks=HISTORY_WEEKS),
                                          now)
    past = [o for o in occurrences if o.has_ended(now) and not o.is_cancelled]
    entries = [HistoryEntry(o.series, o.start_at, o.attendance.status if o.attendance else None)
               for o in reversed(past)]
    counts = {s.value: 0 for s in AttendanceStatus} | {NOT_RECORDED: 0}
    for entry in entries:
        counts[entry.status.value if entry.status else NOT_RECORDED] += 1
    return entries[:limit], counts
