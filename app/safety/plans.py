"""The participant's safety plan: its sections (in Trellis's own words), loading and saving."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.checkins.validation import clean_text
from app.database import utcnow
from app.extensions import db
from app.models import SafetyPlan, User

SECTION_MAX = 2000


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str


#: The standard structure of evidence-based safety planning, worded for Trellis.
SECTIONS = (
    Section("warning_signs", _l("Signs that a hard time is starting"),
            _l("Thoughts, feelings, places or situations that tell you things are getting "
               "harder.")),
    Section("coping_on_my_own", _l("Things I can do on my own"),
            _l("Small things that help you get through a rough moment, like a walk, music, a "
               "shower or slow breathing.")),
    Section("people_and_places", _l("People and places that take my mind off things"),
            _l("Someone to be around, or somewhere to go, when you need a change of scene.")),
    Section("people_to_ask", _l("People I can ask for help"),
            _l("Friends or family you can tell that you are struggling, with their numbers.")),
    Section("professionals", _l("Professionals and crisis lines"),
            _l("Your therapist, doctor or others, with their numbers. 988 and your program are "
               "always listed here.")),
    Section("safer_surroundings", _l("Making my surroundings safer"),
            _l("Ways to put time and distance between you and anything you could use to hurt "
               "yourself.")),
    Section("reasons_for_living", _l("My reasons for living"),
            _l("The people, plans and things that matter to you.")),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)


class StaleEdit(ValueError):
    """Someone saved the plan after this editor opened it."""


def plan_for(participant: User) -> SafetyPlan | None:
    """The participant's plan, if they (or their clinicians) have started one."""
    return db.session.scalar(
        sa.select(SafetyPlan).where(SafetyPlan.participant_id == participant.id))


def is_empty(plan: SafetyPlan | None) -> bool:
    """True when no section has any text."""
    return plan is None or not any(getattr(plan, key) for key in SECTION_KEYS)


def save(participant: User, sections: dict[str, str | None], editor: User,
         seen_version: int) -> SafetyPlan:
    """Save the sections (the caller commits). Refuses when someone saved in between.

    `seen_version` is the plan's version when the editor opened it (0 for a new plan). The
    mapper's version counter also guards the UPDATE itself: a save that races another raises
    StaleDataError at commit, and a first save that races another raises IntegrityError.
    """
    plan = plan_for(participant)
    if plan is None:
        if seen_version != 0:
            raise StaleEdit()
        plan = SafetyPlan(participant_id=participant.id)
        db.session.add(plan)
    elif plan.version != seen_version:
        raise StaleEdit()
    for key in SECTION_KEYS:
        text = clean_text(sections.get(key) or "")
        setattr(plan, key, text or None)
    plan.updated_at = utcnow()
    plan.updated_by_id = editor.id
    return plan
