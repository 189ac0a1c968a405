"""Demo check-ins, scale scores, a safety plan and one open safety alert. Idempotent: every row
has a fixed client UUID, so running the seed again adds nothing."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.care.team import care_enrolment, participant_zone
from app.checkins.validation import content_hash
from app.extensions import db
from app.models import Checkin, SafetyPlan, ScaleResponse, User
from app.safety import alerts as safety
from app.scales.registry import SCALES, score

_NAMESPACE = uuid.UUID("0c4f7a52-6f0e-4a39-9a0b-5be0a0d1e5c1")
#: Alex's last three weeks: (days ago, hour, mood, anxiety, craving, sleep, feelings).
ALEX_DAYS = [
    (20, 9, 2, 8, 7, 5.0, ["anxious", "tired"]), (19, 20, 2, 7, 6, 5.5, ["sad"]),
    (18, 9, 3, 7, 6, 6.0, ["anxious"]), (16, 9, 2, 6, 5, 6.5, ["overwhelmed"]),
    (15, 19, 3, 6, 5, 6.0, ["tired"]), (14, 9, 3, 5, 4, 7.0, ["hopeful"]),
    (12, 9, 3, 5, 4, 7.0, ["calm"]), (11, 21, 4, 4, 3, 7.5, ["grateful"]),
    (9, 9, 3, 5, 5, 6.5, ["irritable"]), (8, 9, 4, 4, 3, 7.0, ["calm", "hopeful"]),
    (6, 9, 4, 3, 2, 7.5, ["hopeful"]), (5, 20, 4, 3, 2, 8.0, ["grateful"]),
    (3, 9, 3, 4, 3, 7.0, ["tired"]), (2, 9, 4, 3, 2, 7.5, ["calm"]),
    (1, 9, 4, 2, 1, 8.0, ["happy", "calm"]),
]
#: (scale, days ago, answers to the scored items in order).
ALEX_SCALES = [
    ("phq9", 20, [2, 2, 2, 2, 1, 2, 1, 1, 0]), ("phq9", 13, [1, 2, 1, 2, 1, 1, 1, 0, 0]),
    ("phq9", 6, [1, 1, 1, 1, 0, 1, 0, 0, 0]),
    ("gad7", 20, [2, 2, 2, 2, 1, 2, 1]), ("gad7", 13, [1, 2, 1, 1, 1, 1, 1]),
    ("gad7", 6, [1, 1, 1, 1, 0, 1, 0]),
]


def _uuid(*parts) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(map(str, parts))))


def _at(days_ago: int, hour: int, zone: str) -> datetime:
    day = datetime.now(ZoneInfo(zone)).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _exists(model, participant: User, client_uuid: str) -> bool:
    return db.session.scalar(sa.select(model.id).where(
        model.participant_id == participant.id, model.client_uuid == client_uuid)) is not None


def _checkin(participant: User, key: str, moment: datetime, **answers) -> Checkin | None:
    client_uuid = _uuid(participant.email, "checkin", key)
    if _exists(Checkin, participant, client_uuid):
        return None
    enrolment = care_enrolment(participant)
    values = {"feelings": [], **answers}
    row = Checkin(participant_id=participant.id, client_uuid=client_uuid,
                  program_id=enrolment.program_id if enrolment else None,
                  content_hash=content_hash(values), source="form",
                  occurred_at=moment, received_at=moment, **values)
    db.session.add(row)
    return row


def seed_checkins(alex: User, sam: User) -> None:
    """Alex: three weeks of check-ins and weekly PHQ-9/GAD-7 trending down, and a safety plan.
    Sam: yesterday's check-in with a yes to the safety question, its alert still open."""
    zone = participant_zone(alex)
    for days_ago, hour, mood, anxiety, craving, sleep, feelings in ALEX_DAYS:
        _checkin(alex, f"{days_ago}", _at(days_ago, hour, zone), mood=mood, anxiety=anxiety,
                 craving=craving, sleep_hours=sleep, feelings=feelings,
                 used_substances=craving >= 7, safety_thoughts=False, self_harm_urge=0)
    for scale_key, days_ago, values in ALEX_SCALES:
        scale = SCALES[scale_key]
        client_uuid = _uuid(alex.email, scale_key, days_ago)
        if _exists(ScaleResponse, alex, client_uuid):
            continue
        answers = {item.key: v for item, v in zip(scale.scored_items, values, strict=True)}
        scored = score(scale, answers)
        db.session.add(ScaleResponse(
            participant_id=alex.id, scale=scale_key, client_uuid=client_uuid,
            content_hash="demo", answers=answers, total=scored.total, band=scored.band.key,
            subscores=scored.subscores, submitted_at=_at(days_ago, 10, zone)))
    if db.session.scalar(sa.select(SafetyPlan.id).where(SafetyPlan.participant_id == alex.id)) \
            is None:
        db.session.add(SafetyPlan(
            participant_id=alex.id, updated_by_id=alex.id,
            warning_signs="Not sleeping\nSkipping group\nThinking nobody would notice",
            coping_on_my_own="Walk round the block\nShower, then tea\nBox breathing for 4 minutes",
            people_and_places="The library\nMy sister's kitchen",
            people_to_ask="Jordan (sister)\nMy sponsor, Pat",
            reasons_for_living="My niece\nFinishing my course\nMy dog, Biscuit"))

    flagged = _checkin(sam, "safety-demo", _at(1, 21, participant_zone(sam)), mood=1,
                       anxiety=8, safety_thoughts=True, note="Rough night.")
    if flagged is not None:
        found = safety.triggers(safety.CHECKIN, {"safety_thoughts": True})
        db.session.flush()
        alert = safety.raise_alert(sam, found, checkin=flagged)
        alert.created_at = flagged.received_at
    db.session.flush()
