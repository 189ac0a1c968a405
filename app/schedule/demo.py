"""Demo schedule: a realistic IOP week (three mornings) and PHP days (every weekday, 9 to 3),
two personal appointments, and a fortnight of attendance for the IOP participant.

Idempotent: series are found by program, title and participant; attendance by its unique key.
"""

from datetime import date, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Attendance, AttendanceStatus, Program, SessionKind, SessionSeries, User
from app.schedule import series as session_series
from app.schedule import service as schedule
from app.schedule.series import SeriesDetails

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

#: (program, title, kind, start, minutes, rule, facilitator, place, link, what to bring)
GROUPS = [
    ("Riverside IOP", "Morning process group", SessionKind.GROUP_THERAPY, time(9, 0), 90,
     "FREQ=WEEKLY;BYDAY=MO,WE,TH", "Jordan Reyes, LCSW", "Riverside Center, Room 2", None,
     None),
    ("Riverside IOP", "DBT skills group", SessionKind.SKILLS_GROUP, time(10, 45), 75,
     "FREQ=WEEKLY;BYDAY=MO,WE,TH", "Priya Shah, PhD", "Riverside Center, Room 2", None,
     "Your diary card and skills binder"),
    ("Riverside IOP", "Family group", SessionKind.FAMILY_THERAPY, time(18, 0), 90,
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Jordan Reyes, LCSW", None,
     "https://telehealth.example.org/riverside-family", None),
    ("Riverside PHP", "Morning check-in group", SessionKind.GROUP_THERAPY, time(9, 0), 45,
     WEEKDAYS, "Sam Okafor, RN", "Riverside Center, Room 5", None, None),
    ("Riverside PHP", "CBT skills", SessionKind.SKILLS_GROUP, time(10, 0), 90, WEEKDAYS,
     "Priya Shah, PhD", "Riverside Center, Room 5", None, "A notebook and pen"),
    ("Riverside PHP", "Understanding recovery", SessionKind.PSYCHOEDUCATION, time(12, 30), 60,
     WEEKDAYS, "Lee Martin, MSW", "Riverside Center, Room 5", None, None),
    ("Riverside PHP", "Process group", SessionKind.GROUP_THERAPY, time(13, 45), 75, WEEKDAYS,
     "Jordan Reyes, LCSW", "Riverside Center, Room 5", None, None),
]


def _find(program: Program, title: str, participant: User | None) -> SessionSeries | None:
    query = sa.select(SessionSeries).where(SessionSeries.program_id == program.id,
                                           SessionSeries.title == title)
    if participant is None:
        query = query.where(SessionSeries.participant_id.is_(None))
    else:
        query = query.where(SessionSeries.participant_id == participant.id)
    return db.session.scalar(query)


def _series(program: Program, details: SeriesDetails, by: User,
            participant: User | None = None) -> SessionSeries:
    return _find(program, details.title, participant) or session_series.create_series(
        program, details, by, participant)


def seed_schedule(programs: dict[str, Program], users: dict[str, User], start: date) -> None:
    """The demo programs' sessions from `start`, appointments and some past attendance."""
    clinician = users["clinician@example.org"]
    for name, title, kind, at, minutes, rule, facilitator, place, link, bring in GROUPS:
        program = programs[name]
        _series(program, SeriesDetails(
            kind=kind, title=title, time_zone=program.time_zone, start_time=at,
            duration_minutes=minutes, start_date=start, recurrence=rule, facilitator=facilitator,
            location=place, telehealth_url=link, what_to_bring=bring), clinician)
    iop, php = programs["Riverside IOP"], programs["Riverside PHP"]
    alex, sam = users["alex@example.org"], users["sam@example.org"]
    _series(iop, SeriesDetails(
        kind=SessionKind.INDIVIDUAL_THERAPY, title="Individual session", time_zone=iop.time_zone,
        start_time=time(14, 0), duration_minutes=50, start_date=start,
        recurrence="FREQ=WEEKLY;BYDAY=TU", facilitator="Casey Clinician",
        location="Riverside Center, Office 3"), clinician, alex)
    _series(php, SeriesDetails(
        kind=SessionKind.PSYCHIATRY, title="Medication review", time_zone=php.time_zone,
        start_time=time(11, 40), duration_minutes=30, start_date=date.today() + timedelta(days=3),
        telehealth_url="https://telehealth.example.org/dr-nguyen",
        facilitator="Dr. Nguyen"), clinician, sam)
    db.session.flush()
    _past_attendance(_find(iop, "Morning process group", None), alex, clinician)


def _past_attendance(series: SessionSeries, participant: User, clinician: User) -> None:
    """Two weeks of marks for one participant: mostly present, once late, once excused."""
    today = date.today()
    pattern = [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.LATE,
               AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.PRESENT]
    days = [today - timedelta(days=n) for n in range(14, 0, -1)]
    starts = [s for d in days for s in schedule.local_starts(series, d, d)]
    for local, status in zip(starts, pattern, strict=False):
        occurrence = schedule.find_occurrence(series, local)
        record = schedule.ensure_record(occurrence)
        exists = db.session.scalar(sa.select(Attendance.id).where(
            Attendance.occurrence_id == record.id, Attendance.participant_id == participant.id))
        if exists is None:
            db.session.add(Attendance(
                occurrence_id=record.id, participant_id=participant.id, status=status,
                status_recorded_at=occurrence.end_at,
                status_recorded_by_id=clinician.id))
