"""Idempotent demo data: running it again updates, never duplicates."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.auth import accounts
from app.care import enrolments
from app.checkins.demo import seed_checkins
from app.database import utcnow
from app.extensions import db
from app.medications.demo import seed_medications
from app.models import Enrolment, LevelOfCare, Program, Role, User
from app.push.demo import seed_push
from app.review.demo import seed_review
from app.schedule.demo import seed_schedule
from app.security.passwords import hash_password
from app.skills.demo import seed_skills

DEMO_PASSWORD = "trellis-demo-password"  # noqa: S105 - documented demo credential
#: Demo staff share this TOTP secret so testers can use any authenticator app or pyotp.
DEMO_TOTP_SECRET = "TRELLISDEMOSTAFFSECONDSTEPKEYAAA"  # noqa: S105 - documented, demo only

PROGRAMS = [
    {
        "name": "Riverside IOP",
        "level_of_care": LevelOfCare.IOP,
        "time_zone": "America/New_York",
        "phone": "+1 555 010 0100",
    },
    {
        "name": "Riverside PHP",
        "level_of_care": LevelOfCare.PHP,
        "time_zone": "America/New_York",
        "phone": "+1 555 010 0200",
    },
]

PEOPLE = [
    ("admin@example.org", "Avery Admin", Role.ADMIN, []),
    ("clinician@example.org", "Casey Clinician", Role.CLINICIAN,
     ["Riverside IOP", "Riverside PHP"]),
    ("alex@example.org", "Alex", Role.PARTICIPANT, []),
    ("sam@example.org", "Sam", Role.PARTICIPANT, []),
]

ENROLMENTS = {"alex@example.org": "Riverside IOP", "sam@example.org": "Riverside PHP"}


def _program(spec: dict) -> Program:
    program = db.session.scalar(sa.select(Program).where(Program.name == spec["name"]))
    if program is None:
        program = Program(**spec)
        db.session.add(program)
    return program


def _person(email: str, name: str, role: Role, password_hash: str) -> User:
    user = accounts.find_by_email(email)
    if user is None:
        user = User(email=email, display_name=name, role=role)
        db.session.add(user)
    user.password_hash = password_hash
    user.is_active = True
    user.deactivated_at = None
    return user


def seed_demo_data() -> list[tuple[str, str]]:
    """Create or refresh the demo programs, accounts and enrolments; return (role, email)."""
    programs = {spec["name"]: _program(spec) for spec in PROGRAMS}
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for email, name, role, program_names in PEOPLE:
        user = _person(email, name, role, password_hash)
        if program_names:
            user.programs = [programs[n] for n in program_names]
        if role != Role.PARTICIPANT and user.totp_secret != DEMO_TOTP_SECRET:
            user.totp_secret = DEMO_TOTP_SECRET
            user.totp_last_step = None
            user.mfa_enrolled_at = utcnow()
        users[email] = user
    db.session.flush()
    clinician = users["clinician@example.org"]
    start = date.today() - timedelta(days=21)
    for email, program_name in ENROLMENTS.items():
        exists = db.session.scalar(
            sa.select(Enrolment.id).where(Enrolment.participant_id == users[email].id)
        )
        if exists is None:
            enrolments.enrol(users[email], programs[program_name], start, clinician)
    seed_checkins(users["alex@example.org"], users["sam@example.org"])
    seed_schedule(programs, users, start)
    seed_push(users["alex@example.org"], users["clinician@example.org"])
    seed_skills(users["alex@example.org"], users["sam@example.org"], clinician)
    seed_medications(list(programs.values()), users["alex@example.org"],
                     users["sam@example.org"], clinician)
    seed_review(programs, users, password_hash)
    db.session.commit()
    return [(role.value, email) for email, _name, role, _programs in PEOPLE]
