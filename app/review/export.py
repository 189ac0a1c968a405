"""Exports: CSV of check-ins, scale scores, attendance (and what capabilities add, such as
skill practices), for one participant or a program over a date range; streamed row by row.

Every text cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or
a carriage return) is written with a leading apostrophe. Times are local ISO 8601 with their
offset, in the participant's zone. Exports are audited by the routes before the first byte.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from app.care.scope import CareAccess
from app.extensions import db
from app.models import (
    Attendance,
    Checkin,
    CheckinReview,
    Program,
    ScaleResponse,
    SessionOccurrence,
    SessionSeries,
    User,
)

#: The longest range one export may cover.
MAX_RANGE = relativedelta(years=2)
#: Rows fetched from the database at a time while streaming.
BATCH = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class RangeError(ValueError):
    """A date range that cannot be exported; `field` names the form field to show it on."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def check_range(start: date, end: date) -> None:
    """Raise RangeError for an end before the start or a range over two years."""
    if end < start:
        raise RangeError("end", _l("The last day is before the first day."))
    if end > start + MAX_RANGE:
        raise RangeError("end", _l("Choose at most two years; export longer periods in parts."))


def neutralise(value) -> str:
    """A cell's text, made inert for spreadsheets (formula injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass
class Scope:
    """Whose records, which days, and what the staff member may read of them.

    Ids only: the rows are read while the response streams, after the request's own database
    session (and the objects loaded in it) is gone.
    """

    staff_id: int
    start: datetime
    end: datetime
    #: Times are written in the participant's own zone, else this one (the range's).
    zone: str
    participant_id: int | None = None
    access: CareAccess | None = None
    program_id: int | None = None

    def records(self, participant_column, program_column, time_column):
        """SQL: the records to export."""
        from app.care.scope import records_for_staff

        conditions = [time_column >= self.start, time_column < self.end]
        if self.participant_id is not None:
            conditions += [participant_column == self.participant_id,
                           self.access.records(program_column, time_column)]
        else:
            staff = db.session.get(User, self.staff_id)
            conditions += [program_column == self.program_id,
                           records_for_staff(staff, participant_column, program_column,
                                             time_column)]
        return sa.and_(*conditions)


def scope_for(staff: User, start: date, end: date, zone: str, participant: User | None = None,
              access: CareAccess | None = None, program: Program | None = None) -> Scope:
    """The instants from the first day's local midnight to the day after the last."""
    tz = ZoneInfo(zone)
    return Scope(staff.id, datetime.combine(start, time(), tzinfo=tz).astimezone(UTC),
                 datetime.combine(end + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC),
                 zone, participant.id if participant else None, access,
                 program.id if program else None)


@dataclass(frozen=True)
class Dataset:
    key: str
    label: object
    header: tuple[str, ...]
    #: Rows (lists of cell values) in time order; the participant ids it covers.
    rows: Callable[[Scope], Iterator[list]]
    participants: Callable[[Scope], list[int]]


DATASETS: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> Dataset:
    """Add an export (a capability's records, e.g. skill practices)."""
    DATASETS[dataset.key] = dataset
    return dataset


def iso(instant: datetime | None, zone: str) -> str:
    """Local ISO 8601 with offset, seconds included."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


def zone_of(user: User, scope: Scope) -> str:
    return user.time_zone or scope.zone


def stream(dataset: Dataset, scope: Scope) -> Iterator[str]:
    """The CSV, one line at a time (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells) -> str:
        writer.writerow([neutralise(c) for c in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(dataset.header)
    for cells in dataset.rows(scope):
        yield line(cells)


def participants_of(participant_column, program_column, time_column):
    """Who a dataset covers (each gets an audit event of the export)."""

    def load(scope: Scope) -> list[int]:
        return list(db.session.scalars(
            sa.select(participant_column).distinct()
            .where(scope.records(participant_column, program_column, time_column))))
    return load


# --- the core datasets -------------------------------------------------------------------------

def _checkin_rows(scope: Scope) -> Iterator[list]:
    reviewer = sa.orm.aliased(User)
    query = (sa.select(Checkin, User, Program, CheckinReview.reviewed_at, reviewer.display_name)
             .join(User, User.id == Checkin.participant_id)
             .outerjoin(Program, Program.id == Checkin.program_id)
             .outerjoin(CheckinReview, CheckinReview.checkin_id == Checkin.id)
             .outerjoin(reviewer, reviewer.id == CheckinReview.reviewed_by_id)
             .where(Checkin.deleted_at.is_(None),
                    scope.records(Checkin.participant_id, Checkin.program_id,
                                  Checkin.occurred_at))
             .order_by(Checkin.occurred_at, Checkin.id)
             .execution_options(yield_per=BATCH))
    for c, person, program, reviewed_at, reviewed_by in db.session.execute(query).tuples():
        zone = zone_of(person, scope)
        yield [person.id, person.display_name, program.name if program else "",
               iso(c.occurred_at, zone), iso(c.received_at, zone), c.mood,
               " ".join(c.feelings or []), c.anxiety, c.craving, c.sleep_hours,
               c.used_substances, c.took_medications, c.self_harm_urge, c.safety_thoughts,
               c.note, iso(reviewed_at, zone), reviewed_by]


def _scale_rows(scope: Scope) -> Iterator[list]:
    query = (sa.select(ScaleResponse, User, Program)
             .join(User, User.id == ScaleResponse.participant_id)
             .outerjoin(Program, Program.id == ScaleResponse.program_id)
             .where(scope.records(ScaleResponse.participant_id, ScaleResponse.program_id,
                                  ScaleResponse.submitted_at))
             .order_by(ScaleResponse.submitted_at, ScaleResponse.id)
             .execution_options(yield_per=BATCH))
    for r, person, program in db.session.execute(query).tuples():
        answers = " ".join(f"{k}={v}" for k, v in sorted(
            r.answers.items(), key=lambda kv: (len(kv[0]), kv[0])))
        yield [person.id, person.display_name, program.name if program else "", r.scale,
               iso(r.submitted_at, zone_of(person, scope)), r.total, r.band, answers]


def _attendance_rows(scope: Scope) -> Iterator[list]:
    start = sa.func.coalesce(SessionOccurrence.moved_start_at,
                             SessionOccurrence.original_start_at)
    query = (sa.select(Attendance, SessionOccurrence, SessionSeries, User, Program)
             .join(SessionOccurrence, Attendance.occurrence_id == SessionOccurrence.id)
             .join(SessionSeries, SessionOccurrence.series_id == SessionSeries.id)
             .join(Program, Program.id == SessionSeries.program_id)
             .join(User, User.id == Attendance.participant_id)
             .where(scope.records(Attendance.participant_id, SessionSeries.program_id, start))
             .order_by(start, Attendance.id)
             .execution_options(yield_per=BATCH))
    for row, occurrence, series, person, program in db.session.execute(query).tuples():
        zone = zone_of(person, scope)
        yield [person.id, person.display_name, program.name, series.title, series.kind.value,
               iso(occurrence.moved_start_at or occurrence.original_start_at, zone),
               occurrence.cancelled_at is not None,
               row.status.value if row.status else "", row.notice.value if row.notice else "",
               row.notice_reason]


_attendance_start = sa.func.coalesce(SessionOccurrence.moved_start_at,
                                     SessionOccurrence.original_start_at)


def _attendance_participants(scope: Scope) -> list[int]:
    return list(db.session.scalars(
        sa.select(Attendance.participant_id).distinct()
        .join(SessionOccurrence, Attendance.occurrence_id == SessionOccurrence.id)
        .join(SessionSeries, SessionOccurrence.series_id == SessionSeries.id)
        .where(scope.records(Attendance.participant_id, SessionSeries.program_id,
                             _attendance_start))))


register_dataset(Dataset(
    "checkins", _l("Check-ins"),
    ("participant_id", "participant", "program", "occurred_at", "received_at", "mood",
     "feelings", "anxiety", "craving", "sleep_hours", "used_substances", "took_medications",
     "self_harm_urge", "safety_thoughts", "note", "reviewed_at", "reviewed_by"),
    _checkin_rows,
    participants_of(Checkin.participant_id, Checkin.program_id, Checkin.occurred_at)))
register_dataset(Dataset(
    "scales", _l("Questionnaire scores"),
    ("participant_id", "participant", "program", "scale", "submitted_at", "total", "band",
     "answers"),
    _scale_rows,
    participants_of(ScaleResponse.participant_id, ScaleResponse.program_id,
                  ScaleResponse.submitted_at)))
register_dataset(Dataset(
    "attendance", _l("Attendance"),
    ("participant_id", "participant", "program", "session", "kind", "starts_at", "cancelled",
     "status", "notice", "notice_reason"),
    _attendance_rows, _attendance_participants))
