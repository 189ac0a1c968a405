"""The review queue: check-ins nobody has reviewed yet, riskiest first, and marking them.

A check-in is in the queue while it has no `CheckinReview` row, is not deleted, was made in the
last REVIEW_WINDOW_DAYS, and belongs to someone on the staff member's caseload. Marking it
reviewed inserts that row once: the first review stands and a second is harmless.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app.care.scope import caseload_enrolments, records_for_staff
from app.checkins.items import SELF_HARM_MAX
from app.database import utcnow
from app.extensions import db
from app.models import Checkin, CheckinReview, Enrolment, Program, ScaleResponse, User

#: Older unreviewed check-ins leave the queue (they stay on the participant's record).
REVIEW_WINDOW_DAYS = 30
#: Check-ins shown at once.
PAGE_SIZE = 25

#: What makes a check-in risky, with its weight (higher first in the queue). Thresholds are
#: the caseload flags' where they overlap (app.review.flags).
SELF_HARM_HIGH = 3
#: A check-in at or above this risk is a danger sign (the safety question, self-harm at top).
URGENT_RISK = 90
CRAVING_HIGH = 8
ANXIETY_HIGH = 8
RISK_RULES = (
    ("safety", 100, _l("Yes to the safety question"),
     lambda c: c.safety_thoughts is True),
    ("self_harm_top", 90, _l("Urge to self-harm at the top"),
     lambda c: (c.self_harm_urge or 0) >= SELF_HARM_MAX),
    ("self_harm", 40, _l("Urge to self-harm"),
     lambda c: SELF_HARM_HIGH <= (c.self_harm_urge or 0) < SELF_HARM_MAX),
    ("use", 30, _l("Reported use"), lambda c: c.used_substances is True),
    ("craving", 30, _l("Strong craving"), lambda c: (c.craving or 0) >= CRAVING_HIGH),
    ("mood_very_low", 25, _l("Mood very low"), lambda c: c.mood == 1),
    ("mood_low", 15, _l("Mood low"), lambda c: c.mood == 2),
    ("anxiety", 10, _l("High anxiety"), lambda c: (c.anxiety or 0) >= ANXIETY_HIGH),
)


@dataclass
class QueueItem:
    checkin: Checkin
    zone: str
    risk: int
    reasons: list[str]
    #: Scale responses the participant gave on the same local day.
    scores: list[ScaleResponse] = field(default_factory=list)


def risk_of(checkin: Checkin) -> tuple[int, list[str]]:
    """How risky a check-in's answers are, and why (in words)."""
    matched = [(weight, str(text)) for _key, weight, text, test in RISK_RULES if test(checkin)]
    return sum(w for w, _t in matched), [t for _w, t in matched]


def _caseload_participants(staff: User) -> sa.Select:
    return caseload_enrolments(staff).with_only_columns(Enrolment.participant_id)


def unreviewed(staff: User, now: datetime | None = None) -> sa.Select:
    """Check-ins in the queue of this staff member, as a query."""
    now = now or utcnow()
    reviewed = sa.select(CheckinReview.id).where(CheckinReview.checkin_id == Checkin.id)
    return sa.select(Checkin).where(
        Checkin.deleted_at.is_(None),
        Checkin.occurred_at >= now - timedelta(days=REVIEW_WINDOW_DAYS),
        ~reviewed.exists(),
        Checkin.participant_id.in_(_caseload_participants(staff)),
        records_for_staff(staff, Checkin.participant_id, Checkin.program_id,
                          Checkin.occurred_at),
    )


def _counts(staff: User, now: datetime | None = None) -> dict[int, int]:
    """Unreviewed check-ins per participant of the whole caseload (one query, kept for the
    request: the navigation's badge and the caseload's column share it)."""
    key = ("unreviewed_counts", staff.id)
    cache = g.setdefault("review_queue", {}) if has_request_context() else {}
    if key not in cache:
        query = unreviewed(staff, now) \
            .with_only_columns(Checkin.participant_id, sa.func.count(Checkin.id)) \
            .group_by(Checkin.participant_id)
        cache[key] = dict(db.session.execute(query).tuples().all())
    return cache[key]


def count(staff: User, now: datetime | None = None) -> int:
    """How many check-ins wait for review."""
    return sum(_counts(staff, now).values())


def counts_by_participant(staff: User, participant_ids: list[int],
                          now: datetime | None = None) -> dict[int, int]:
    """Unreviewed check-ins per participant (those with any)."""
    counts = _counts(staff, now)
    return {pid: counts[pid] for pid in participant_ids if pid in counts}


def _zone(checkin: Checkin, zones: dict[int, str]) -> str:
    return zones.get(checkin.participant_id) or "UTC"


def items(staff: User, participant_id: int | None = None, program_id: int | None = None,
          now: datetime | None = None, limit: int = PAGE_SIZE) -> tuple[list[QueueItem], int]:
    """The riskiest unreviewed check-ins (oldest first among equals), and how many wait.

    Risk is computed from the answers, so the whole window is read (at most a month of
    check-ins of one caseload) and the top `limit` kept.
    """
    now = now or utcnow()
    query = unreviewed(staff, now)
    if participant_id is not None:
        query = query.where(Checkin.participant_id == participant_id)
    if program_id is not None:
        query = query.where(Checkin.program_id == program_id)
    checkins = list(db.session.scalars(query.options(
        joinedload(Checkin.participant), joinedload(Checkin.program))))
    zones = _zones(staff, {c.participant_id for c in checkins})
    ranked = []
    for checkin in checkins:
        risk, reasons = risk_of(checkin)
        ranked.append(QueueItem(checkin, _zone(checkin, zones), risk, reasons))
    ranked.sort(key=lambda i: (-i.risk, i.checkin.occurred_at, i.checkin.id))
    shown = ranked[:limit]
    _attach_scores(staff, shown)
    return shown, len(ranked)


def _zones(staff: User, participant_ids: set[int]) -> dict[int, str]:
    """Each participant's zone: their own, else their caseload program's (one query)."""
    if not participant_ids:
        return {}
    rows = db.session.execute(
        caseload_enrolments(staff).where(Enrolment.participant_id.in_(participant_ids))
        .join(User, User.id == Enrolment.participant_id)
        .join(Program, Program.id == Enrolment.program_id)
        .with_only_columns(Enrolment.participant_id, User.time_zone, Program.time_zone)).all()
    return {pid: own or program_zone for pid, own, program_zone in rows}


def _attach_scores(staff: User, shown: list[QueueItem]) -> None:
    """Scale responses of the same local day as each shown check-in (one query)."""
    if not shown:
        return
    ids = {i.checkin.participant_id for i in shown}
    first = min(i.checkin.occurred_at for i in shown) - timedelta(days=1)
    last = max(i.checkin.occurred_at for i in shown) + timedelta(days=1)
    responses: dict[int, list[ScaleResponse]] = defaultdict(list)
    for response in db.session.scalars(
            sa.select(ScaleResponse).where(
                ScaleResponse.participant_id.in_(ids),
                ScaleResponse.submitted_at.between(first, last),
                records_for_staff(staff, ScaleResponse.participant_id, ScaleResponse.program_id,
                                  ScaleResponse.submitted_at))
            .order_by(ScaleResponse.submitted_at)):
        responses[response.participant_id].append(response)
    for item in shown:
        zone = ZoneInfo(item.zone)
        day = item.checkin.occurred_at.astimezone(zone).date()
        item.scores = [r for r in responses.get(item.checkin.participant_id, ())
                       if r.submitted_at.astimezone(zone).date() == day]


def mark_reviewed(staff: User, checkin_ids: list[int], now: datetime | None = None) -> list[int]:
    """Mark check-ins reviewed by this staff member; the caller commits.

    Ids the staff member may not review (not theirs, deleted) are ignored. Returns the ids that
    were visible; a check-in someone already reviewed keeps its first review.
    """
    if not checkin_ids:
        return []
    now = now or utcnow()
    visible = list(db.session.scalars(
        sa.select(Checkin.id).where(
            Checkin.id.in_(checkin_ids), Checkin.deleted_at.is_(None),
            Checkin.participant_id.in_(_caseload_participants(staff)),
            records_for_staff(staff, Checkin.participant_id, Checkin.program_id,
                              Checkin.occurred_at))))
    if visible:
        if has_request_context():
            g.pop("review_queue", None)  # the counts change
        insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
        db.session.execute(
            insert(CheckinReview).values([
                {"checkin_id": checkin_id, "reviewed_by_id": staff.id,
                 "reviewed_at": now} for checkin_id in visible])
            .on_conflict_do_nothing(index_elements=["checkin_id"]))
    return visible


def reviews_of(checkin_ids: list[int]) -> dict[int, CheckinReview]:
    """The review of each of these check-ins that has one."""
    if not checkin_ids:
        return {}
    return {r.checkin_id: r for r in db.session.scalars(
        sa.select(CheckinReview).options(joinedload(CheckinReview.reviewed_by))
        .where(CheckinReview.checkin_id.in_(checkin_ids)))}
