"""Demo data that makes the caseload meaningful: participants with each kind of flag,
unreviewed check-ins, a private note and a message. Idempotent: people are found by email,
check-ins and scores by fixed client UUIDs, notes and messages by their text.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.auth import accounts
from app.care import enrolments
from app.database import utcnow
from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    CareMessage,
    Checkin,
    CheckinReview,
    ClinicalNote,
    Program,
    Role,
    ScaleResponse,
    SessionSeries,
    User,
)
from app.scales.registry import SCALES, score
from app.schedule import service as schedule

_NAMESPACE = uuid.UUID("d5b0f3e2-0a51-4c4e-9a43-7f2b6f1e9c10")

#: (email, name, program, days enrolled, phone, emergency contact name and phone)
PEOPLE = [
    ("jordan@example.org", "Jordan Reyes-Park", "Riverside IOP", 30, "+1 555 010 0301",
     "Ana Reyes", "+1 555 010 0302"),
    ("riley@example.org", "Riley Chen", "Riverside IOP", 25, "+1 555 010 0311", None, None),
    ("morgan@example.org", "Morgan Ellis", "Riverside PHP", 18, None, None, None),
    ("taylor@example.org", "Taylor Brooks", "Riverside PHP", 12, "+1 555 010 0331",
     "Chris Brooks", "+1 555 010 0332"),
    ("quinn@example.org", "Quinn Adebayo", "Riverside IOP", 9, None, None, None),
]
#: Check-ins: email -> [(days ago, hour, mood, anxiety, craving, used, note)].
CHECKINS = {
    "jordan@example.org": [(6, 9, 3, 5, 2, False, None), (4, 9, 2, 7, 3, False, None),
                           (2, 20, 2, 7, 2, False, "Hard to get out of bed."),
                           (1, 9, 1, 8, 2, False, "Didn't sleep. Everything feels heavy."),
                           (0, 8, 2, 7, 2, False, None)],
    "riley@example.org": [(5, 9, 3, 4, 5, False, None), (3, 19, 3, 5, 7, False, None),
                          (1, 22, 2, 6, 9, True, "Had a few drinks after work. Not proud.")],
    "morgan@example.org": [(9, 10, 3, 5, 1, False, None), (6, 10, 3, 4, 1, False, None),
                           (4, 10, 4, 3, 0, False, "Good weekend with my sister.")],
    "taylor@example.org": [(3, 9, 3, 8, 0, False, None), (2, 9, 3, 9, 0, False,
                                                          "Panic on the bus again."),
                           (0, 7, 3, 8, 0, False, None)],
    "quinn@example.org": [(4, 9, 4, 3, 1, False, None), (2, 9, 4, 2, 0, False, None),
                          (0, 9, 5, 2, 0, False, "Used the breathing before my interview.")],
}
#: Scale scores: email -> [(scale, days ago, answers)].
SCORES = {
    "jordan@example.org": [("phq9", 8, [2, 1, 2, 2, 1, 2, 1, 1, 0]),
                           ("phq9", 1, [3, 2, 3, 3, 2, 3, 2, 2, 1])],
    "taylor@example.org": [("gad7", 2, [3, 3, 2, 3, 2, 2, 2])],
}
NOTE = "Discussed sleep routine; review again Thursday. Consider med consult if no change."
MESSAGE = ("Great work using the breathing exercise this week. Bring your diary card on "
           "Monday and we'll look at it together.")


def _uuid(*parts) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(map(str, parts))))


def _at(days_ago: int, hour: int, zone: str) -> datetime:
    day = datetime.now(ZoneInfo(zone)).date() - timedelta(days=days_ago)
    moment = datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return min(moment, utcnow() - timedelta(minutes=30))


def _person(email, name, password_hash, phone, contact_name, contact_phone) -> User:
    user = accounts.find_by_email(email)
    if user is None:
        user = User(email=email, display_name=name, role=Role.PARTICIPANT)
        db.session.add(user)
    user.password_hash = password_hash
    user.phone, user.emergency_contact_name = phone, contact_name
    user.emergency_contact_phone = contact_phone
    return user


def _checkins(user: User, program: Program) -> None:
    zone = program.time_zone
    for days_ago, hour, mood, anxiety, craving, used, note in CHECKINS[user.email]:
        client_uuid = _uuid(user.email, "checkin", days_ago, hour)
        if db.session.scalar(sa.select(Checkin.id).where(
                Checkin.participant_id == user.id, Checkin.client_uuid == client_uuid)):
            continue
        moment = _at(days_ago, hour, zone)
        db.session.add(Checkin(
            participant_id=user.id, program_id=program.id, client_uuid=client_uuid,
            content_hash="demo", source="form", occurred_at=moment, received_at=moment,
            mood=mood, anxiety=anxiety, craving=craving, used_substances=used, feelings=[],
            safety_thoughts=False, self_harm_urge=0, note=note))
    for scale_key, days_ago, values in SCORES.get(user.email, []):
        client_uuid = _uuid(user.email, scale_key, days_ago)
        if db.session.scalar(sa.select(ScaleResponse.id).where(
                ScaleResponse.participant_id == user.id,
                ScaleResponse.client_uuid == client_uuid)):
            continue
        scale = SCALES[scale_key]
        answers = {item.key: v for item, v in zip(scale.scored_items, values, strict=True)}
        scored = score(scale, answers)
        db.session.add(ScaleResponse(
            participant_id=user.id, program_id=program.id, scale=scale_key,
            client_uuid=client_uuid, content_hash="demo", answers=answers, total=scored.total,
            band=scored.band.key, subscores=scored.subscores, submitted_at=_at(days_ago, 10,
                                                                               zone)))


def _absences(riley: User, program: Program, clinician: User) -> None:
    """Riley missed the last two morning groups."""
    series = db.session.scalar(sa.select(SessionSeries).where(
        SessionSeries.program_id == program.id, SessionSeries.title == "Morning process group",
        SessionSeries.participant_id.is_(None)))
    if series is None:
        return
    now = utcnow()
    today = date.today()
    starts = [s for n in range(14, -1, -1) for s in schedule.local_starts(
        series, today - timedelta(days=n), today - timedelta(days=n))]
    past = [s for s in starts if schedule.find_occurrence(series, s).end_at < now][-2:]
    for local in past:
        occurrence = schedule.find_occurrence(series, local)
        record = schedule.ensure_record(occurrence)
        if db.session.scalar(sa.select(Attendance.id).where(
                Attendance.occurrence_id == record.id, Attendance.participant_id == riley.id)):
            continue
        db.session.add(Attendance(occurrence_id=record.id, participant_id=riley.id,
                                  status=AttendanceStatus.ABSENT,
                                  status_recorded_at=occurrence.end_at,
                                  status_recorded_by_id=clinician.id))


def _reviewed_older(participant: User, clinician: User, days: int = 3) -> None:
    """Alex's older check-ins were reviewed: the queue holds what is new."""
    reviewed = sa.select(CheckinReview.checkin_id)
    for checkin_id in db.session.scalars(sa.select(Checkin.id).where(
            Checkin.participant_id == participant.id, Checkin.id.not_in(reviewed),
            Checkin.occurred_at < utcnow() - timedelta(days=days))):
        db.session.add(CheckinReview(checkin_id=checkin_id, reviewed_by_id=clinician.id))


def seed_review(programs: dict[str, Program], users: dict[str, User], password_hash: str) -> None:
    """More demo participants, each showing one kind of caseload flag; a note and a message."""
    clinician = users["clinician@example.org"]
    people = {}
    for email, name, program_name, days, phone, contact, contact_phone in PEOPLE:
        person = _person(email, name, password_hash, phone, contact, contact_phone)
        db.session.flush()
        program = programs[program_name]
        if enrolments.current_enrolment(person) is None:
            enrolments.enrol(person, program, date.today() - timedelta(days=days), clinician)
            db.session.flush()
        _checkins(person, program)
        people[email] = person
    db.session.flush()
    _absences(people["riley@example.org"], programs["Riverside IOP"], clinician)
    alex = users["alex@example.org"]
    _reviewed_older(alex, clinician)
    jordan = people["jordan@example.org"]
    if not db.session.scalar(sa.select(ClinicalNote.id).where(
            ClinicalNote.participant_id == jordan.id, ClinicalNote.body == NOTE)):
        db.session.add(ClinicalNote(participant_id=jordan.id, author_id=clinician.id,
                                    program_id=programs["Riverside IOP"].id, body=NOTE))
    if not db.session.scalar(sa.select(CareMessage.id).where(
            CareMessage.participant_id == alex.id, CareMessage.body == MESSAGE)):
        db.session.add(CareMessage(participant_id=alex.id, author_id=clinician.id,
                                   program_id=programs["Riverside IOP"].id, body=MESSAGE))
    db.session.flush()
