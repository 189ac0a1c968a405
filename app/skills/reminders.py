"""Whether the homework reminder (app.push.kinds "homework") is worth sending on a day."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import SkillHomework, SkillPractice, User
from app.skills.homework import counts, homework_of, window


def wants_reminder_on(participant: User, day: date, zone: str) -> bool:
    """Some homework is open on that local day and not yet complete, and the participant has
    not practised one of those skills that day."""
    items = homework_of(participant.id, SkillHomework.ended_at.is_(None),
                        SkillHomework.starts_on <= day, SkillHomework.due_on >= day)
    if not items:
        return False
    done = counts(items, zone)
    open_items = [h for h in items if done[h.id] < h.target_count]
    if not open_items:
        return False
    start, end = window(day, day, zone)
    practised = db.session.scalar(sa.select(SkillPractice.id).where(
        SkillPractice.participant_id == participant.id,
        SkillPractice.skill_id.in_({h.skill_id for h in open_items}),
        SkillPractice.deleted_at.is_(None),
        SkillPractice.practised_at >= start, SkillPractice.practised_at < end).limit(1))
    return practised is None
