"""Changing the schedule: create and edit series, cancel or move one occurrence.

Every change is checked whole before anything is written, and the caller commits once, so a
refused change leaves nothing half-saved. Changes participants should hear about stay visible
for a reminder planner: `SessionSeries.updated_at` and `SessionOccurrence.changed_at`.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.database import utcnow
from app.extensions import db
from app.formatting import format_day
from app.models import (
    Attendance,
    Enrolment,
    Program,
    SessionKind,
    SessionOccurrence,
    SessionSeries,
    User,
)
from app.schedule.recurrence import ScheduleError, normalise_recurrence, split_rule
from app.schedule.service import MAX_DURATION, Occurrence, ensure_record, local_starts, to_utc

MAX_MINUTES = int(MAX_DURATION.total_seconds() // 60)


@dataclass
class SeriesDetails:
    """What a form says about a series; `recurrence` None means it happens once."""

    kind: SessionKind
    title: str
    time_zone: str
    start_time: time
    duration_minutes: int
    start_date: date
    end_date: date | None = None
    recurrence: str | None = None
    facilitator: str | None = None
    location: str | None = None
    telehealth_url: str | None = None
    what_to_bring: str | None = None


def telehealth_problem(url: str | None):
    """Why a telehealth link is refused (only https links to a host), or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username or any(
        c.isspace() for c in url
    ):
        return _l("Enter a secure link that starts with https://, e.g. "
                  "https://video.example.org/room.")
    return None


def duration_problem(minutes: int | None):
    """Why a duration is refused, or None."""
    if minutes is None or minutes < 1:
        return _l("A session must last at least 1 minute.")
    if minutes > MAX_MINUTES:
        return _l("A session can last at most 12 hours (720 minutes).")
    return None


def _checked(details: SeriesDetails, anchor_date: date) -> SeriesDetails:
    """The details with the rule in its stored form and the end date it implies; or raise."""
    for field, problem in (("duration_minutes", duration_problem(details.duration_minutes)),
                           ("telehealth_url", telehealth_problem(details.telehealth_url))):
        if problem:
            raise ScheduleError(field, problem)
    if details.time_zone not in available_timezones():
        raise ScheduleError("time_zone", _l(
            "Enter a time zone name such as America/New_York (IANA format)."))
    if details.end_date is not None and details.end_date < details.start_date:
        raise ScheduleError("end_date", _l("The end date must be on or after the start date."))
    if details.recurrence is None:
        return replace(details, end_date=details.start_date)
    rule, end_date = normalise_recurrence(
        details.recurrence, anchor_date, details.start_date, details.start_time,
        details.time_zone, details.end_date)
    return replace(details, recurrence=rule, end_date=end_date)


def _apply(series: SessionSeries, details: SeriesDetails) -> None:
    for name in ("kind", "title", "time_zone", "start_time", "duration_minutes", "start_date",
                 "end_date", "recurrence", "facilitator", "location", "telehealth_url",
                 "what_to_bring"):
        setattr(series, name, getattr(details, name))


def create_series(
    program: Program, details: SeriesDetails, created_by: User | None,
    participant: User | None = None,
) -> SessionSeries:
    """A new series for the program, or an appointment for one participant in it."""
    if participant is not None and not _ever_enrolled(participant.id, program.id):
        raise ScheduleError("participant_id", _l(
            "This participant is not enrolled in the chosen program."))
    details = _checked(details, details.start_date)
    series = SessionSeries(program=program, participant=participant,
                           anchor_date=details.start_date,
                           created_by_id=created_by.id if created_by else None)
    _apply(series, details)
    db.session.add(series)
    db.session.flush()
    return series


def _ever_enrolled(participant_id: int, program_id: int) -> bool:
    return db.session.scalar(sa.select(Enrolment.id).where(
        Enrolment.participant_id == participant_id, Enrolment.program_id == program_id).limit(1)
    ) is not None


def local_today(zone: str) -> date:
    """Today's date in an IANA zone."""
    return utcnow().astimezone(ZoneInfo(zone)).date()


def _same_rhythm(old: str | None, new: str | None) -> bool:
    """Whether two rules repeat on the same cycle (FREQ, INTERVAL, WKST), so phase carries."""
    if old is None or new is None:
        return False

    def rhythm(rule: str) -> tuple:
        parts = split_rule(rule)
        return parts.get("FREQ"), parts.get("INTERVAL", "1"), parts.get("WKST", "MO")

    return rhythm(old) == rhythm(new)


def edit_series_from(
    series: SessionSeries, from_date: date, details: SeriesDetails, edited_by: User
) -> SessionSeries:
    """Change a series from `from_date` onwards; earlier sessions keep what they were.

    A series that has not started by then is changed in place; otherwise it ends the day
    before and a new series carries on (keeping the old rule's phase when its cycle is the
    same). Records of changed occurrences follow them to the same day, or go when that day has
    no session any more; a day with attendance already taken blocks the change.
    """
    if from_date < local_today(series.time_zone):
        raise ScheduleError("effective_from", _l(
            "Changes can start today at the earliest; past sessions keep their record."))
    if series.recurrence is not None and series.end_date and from_date > series.end_date:
        raise ScheduleError("effective_from", _l(
            "This series ends on %(date)s; choose a date on or before it.",
            date=format_day(series.end_date)))
    records = list(db.session.scalars(
        sa.select(SessionOccurrence).where(SessionOccurrence.series_id == series.id)
        .where(SessionOccurrence.original_start_local >= datetime.combine(
            min(from_date, series.start_date), time.min))))
    _refuse_if_taken(series, records)
    in_place = series.recurrence is None or from_date <= series.start_date
    target = series if in_place else SessionSeries(
        program_id=series.program_id, participant_id=series.participant_id,
        split_from_id=series.id, created_by_id=edited_by.id)
    keeps_phase = (_same_rhythm(series.recurrence, details.recurrence)
                   and series.anchor_date <= from_date)
    anchor = series.anchor_date if keeps_phase else from_date
    checked = _checked(replace(details, start_date=from_date), anchor)
    if not in_place:
        series.end_date = from_date - timedelta(days=1)
        db.session.add(target)
    target.anchor_date = anchor
    _apply(target, checked)
    db.session.flush()
    _follow(records, target)
    return target


def _refuse_if_taken(series: SessionSeries, records: list[SessionOccurrence]) -> None:
    if not records:
        return
    cancelled = [r for r in records if r.cancelled_at is not None]
    if series.recurrence is None and cancelled:
        raise ScheduleError("effective_from", _l(
            "This session was cancelled, so it cannot be changed."))
    taken = db.session.scalar(
        sa.select(SessionOccurrence.original_start_local)
        .join(Attendance, Attendance.occurrence_id == SessionOccurrence.id)
        .where(SessionOccurrence.id.in_([r.id for r in records]))
        .where(Attendance.status.is_not(None))
        .order_by(SessionOccurrence.original_start_local.desc()).limit(1))
    if taken is not None:
        raise ScheduleError("effective_from", _l(
            "Attendance is already recorded for the session on %(date)s. Apply the changes "
            "from the day after.", date=format_day(taken.date())))


def _follow(records: list[SessionOccurrence], target: SessionSeries) -> None:
    """Move records to the target series' session on the same day, or delete them."""
    for record in records:
        day = record.original_start_local.date()
        starts = local_starts(target, day, day)
        if not starts:
            db.session.delete(record)
            continue
        record.series_id = target.id
        record.original_start_local = starts[0]
        record.original_start_at = to_utc(starts[0], target.time_zone)
    db.session.flush()


def cancel_occurrence(occurrence: Occurrence, cancelled_by: User, note: str | None) -> None:
    """Cancel one occurrence; participants see it as cancelled."""
    now = utcnow()
    if occurrence.is_cancelled:
        raise ScheduleError("form", _l("This session is already cancelled."))
    if occurrence.has_ended(now):
        raise ScheduleError("form", _l("This session has already ended."))
    record = ensure_record(occurrence)
    record.cancelled_at = now
    _changed(record, cancelled_by, note, now)


def move_occurrence(
    occurrence: Occurrence, new_start_local: datetime, duration_minutes: int, moved_by: User,
    note: str | None,
) -> None:
    """Move one occurrence to a new local time (in the series' zone), or back to its own."""
    now = utcnow()
    if occurrence.is_cancelled:
        raise ScheduleError("form", _l("This session was cancelled, so it cannot be changed."))
    if occurrence.has_ended(now):
        raise ScheduleError("form", _l("This session has already ended."))
    problem = duration_problem(duration_minutes)
    if problem:
        raise ScheduleError("duration_minutes", problem)
    series = occurrence.series
    new_start = to_utc(new_start_local, series.time_zone)
    record = ensure_record(occurrence)
    at_own_time = new_start == occurrence.original_start_at
    record.moved_start_at = None if at_own_time else new_start
    record.moved_duration_minutes = (
        None if duration_minutes == series.duration_minutes else duration_minutes)
    if at_own_time and record.moved_duration_minutes is not None:
        record.moved_start_at = new_start  # same start, new length: still a change to show
    _changed(record, moved_by, note, now)


def _changed(record: SessionOccurrence, by: User, note: str | None, now: datetime) -> None:
    record.changed_at = now
    record.changed_by_id = by.id
    record.change_note = (note or "").strip() or None
