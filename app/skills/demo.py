"""Demo skills data: the catalogue, three weeks of practices for Alex and Sam, a favourite or
two, and one homework each. Idempotent: practices have fixed client UUIDs and homework is
added only when the participant has none open for that skill."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.care.team import care_enrolment, participant_zone
from app.extensions import db
from app.models import SkillFavourite, SkillHomework, SkillPractice, User
from app.skills import catalogue, library
from app.skills.homework import local_today
from app.skills.validation import content_hash

_NAMESPACE = uuid.UUID("5d8a4c1e-2b7f-4e3a-9c60-8f1b2d3e4a5b")
#: (days ago, hour, skill, distress before, after, helpful, minutes).
ALEX = [
    (20, 21, "paced-breathing", 8, 5, 4, 5), (19, 8, "grounding-54321", 7, 4, 4, 5),
    (17, 22, "paced-breathing", 7, 5, 3, 4), (16, 19, "check-the-facts", 6, 4, 4, 10),
    (14, 21, "paced-breathing", 8, 4, 5, 5), (13, 12, "urge-surfing", 7, 3, 5, 15),
    (11, 20, "halt", None, None, None, 3), (10, 21, "paced-breathing", 6, 3, 4, 5),
    (8, 18, "urge-surfing", 6, 3, 4, 20), (7, 22, "grounding-54321", 5, 4, 3, None),
    (5, 21, "paced-breathing", 7, 3, 5, 6), (4, 9, "one-small-thing", 5, 3, 4, 15),
    (2, 21, "paced-breathing", 6, 3, 4, 5), (1, 19, "reach-out", 7, 4, 5, 10),
    (0, 8, "paced-breathing", 5, 2, 5, 4),
]
SAM = [
    (18, 10, "wise-mind", 6, 5, 3, 5), (15, 16, "urge-surfing", 8, 5, 4, 15),
    (12, 20, "stop", 7, 5, 4, 1), (9, 17, "urge-surfing", 7, 4, 4, 20),
    (6, 21, "tense-and-relax", 6, 3, 5, 10), (3, 16, "urge-surfing", 6, 4, 4, 15),
    (1, 20, "play-the-tape-forward", 7, 4, 4, 5),
]
NOTES = {("alex", 13): "Craving after work. Rode it out on the bus.",
         ("sam", 6): "Couldn't sleep; this helped me settle."}


def _practices(person: User, label: str, rows: list) -> None:
    zone = participant_zone(person)
    enrolment = care_enrolment(person)
    listed = {s.key: s for s in library.visible_skills(person)}
    today = datetime.now(ZoneInfo(zone)).date()
    for days_ago, hour, key, before, after, helpful, minutes in rows:
        client_uuid = str(uuid.uuid5(_NAMESPACE, f"{person.email}:{days_ago}:{key}"))
        exists = db.session.scalar(sa.select(SkillPractice.id).where(
            SkillPractice.participant_id == person.id, SkillPractice.client_uuid == client_uuid))
        if exists is not None or key not in listed:
            continue
        moment = datetime.combine(today - timedelta(days=days_ago), time(hour),
                                  tzinfo=ZoneInfo(zone)).astimezone(UTC)
        moment = min(moment, datetime.now(UTC))  # today's early-morning row is never ahead
        values = {"skill": key, "distress_before": before, "distress_after": after,
                  "helpful": helpful, "minutes": minutes,
                  "note": NOTES.get((label, days_ago))}
        db.session.add(SkillPractice(
            participant_id=person.id, program_id=enrolment.program_id if enrolment else None,
            skill_id=listed[key].skill.id, skill_version_id=listed[key].version.id,
            client_uuid=client_uuid, content_hash=content_hash(values), source="form",
            practised_at=moment, received_at=moment,
            **{k: v for k, v in values.items() if k != "skill"}))


def _homework(person: User, clinician: User, key: str, target: int, note: str) -> None:
    chosen = library.visible_skill(person, key)
    if chosen is None:
        return
    open_one = db.session.scalar(sa.select(SkillHomework.id).where(
        SkillHomework.participant_id == person.id, SkillHomework.skill_id == chosen.skill.id,
        SkillHomework.ended_at.is_(None), SkillHomework.due_on >= local_today(person)))
    if open_one is None:
        today = local_today(person)
        enrolment = care_enrolment(person)
        db.session.add(SkillHomework(
            participant_id=person.id, program_id=enrolment.program_id if enrolment else None,
            skill_id=chosen.skill.id, assigned_by_id=clinician.id, target_count=target,
            starts_on=today, due_on=today + timedelta(days=5), note=note))


def _favourite(person: User, key: str) -> None:
    chosen = library.visible_skill(person, key)
    if chosen is not None and db.session.get(SkillFavourite, (person.id, chosen.skill.id)) is None:
        db.session.add(SkillFavourite(participant_id=person.id, skill_id=chosen.skill.id))


def seed_skills(alex: User, sam: User, clinician: User) -> None:
    """Load the catalogue, then Alex's and Sam's practices, favourites and homework."""
    catalogue.sync()
    _practices(alex, "alex", ALEX)
    _practices(sam, "sam", SAM)
    _favourite(alex, "paced-breathing")
    _favourite(sam, "urge-surfing")
    _homework(alex, clinician, "paced-breathing", 3, "Try it before bed, when evenings get hard.")
    _homework(sam, clinician, "urge-surfing", 4, "Any time a craving shows up.")
    db.session.flush()
