"""Homework: a clinician asks a participant to practise skills "3 times by Friday".

Progress is the participant's practices of the skill from the start of the day it was assigned
to the end of its due day, both local days in the participant's zone (computed when read, so a
practice at 23:30 on the due day counts, and a daylight-saving day is 23 or 25 hours long).
There is no separate "done" step; a clinician may end homework early. Whether a reminder is
worth sending on a day: app.skills.reminders.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort
from flask_babel import format_number, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.care import scope
from app.care.team import care_enrolment, participant_zone
from app.database import utcnow
from app.extensions import db
from app.formatting import format_day
from app.models import SkillHomework, SkillPractice, SkillVersion, User
from app.security import audit
from app.security.audit import Action
from app.skills import library
from app.skills.validation import WHOLE_NUMBER, clean_text

TARGET_MAX = 50
#: How far ahead a due date may be.
DUE_WITHIN = timedelta(days=92)
NOTE_MAX = 1000
#: Ended or past-due homework the clinician still sees on the participant's page.
RECENT_DAYS = 28


class Invalid(ValueError):
    """Field errors and the values as typed, to show again."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid homework")
        self.errors = errors


def local_today(participant: User, now: datetime | None = None) -> date:
    """The participant's calendar day now."""
    return (now or utcnow()).astimezone(ZoneInfo(participant_zone(participant))).date()


def window(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in `zone`, as UTC instants."""
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)

    return midnight(first), midnight(last + timedelta(days=1))


@dataclass(frozen=True)
class Progress:
    """One homework and how far the participant has got."""

    homework: SkillHomework
    done: int
    name: str  #: the skill's name as the participant's list shows it
    key: str | None  #: its key while the participant can open it, else None

    @property
    def target(self) -> int:
        return self.homework.target_count

    @property
    def is_complete(self) -> bool:
        return self.done >= self.target


def counts(items: list[SkillHomework], zone: str) -> dict[int, int]:
    """Practices of each homework's skill within its window (one query for all of them)."""
    if not items:
        return {}
    bounds = {h.id: window(h.starts_on, h.due_on, zone) for h in items}
    earliest = min(b[0] for b in bounds.values())
    latest = max(b[1] for b in bounds.values())
    rows = db.session.execute(sa.select(
        SkillPractice.participant_id, SkillPractice.skill_id, SkillPractice.practised_at).where(
        SkillPractice.participant_id.in_({h.participant_id for h in items}),
        SkillPractice.skill_id.in_({h.skill_id for h in items}),
        SkillPractice.deleted_at.is_(None),
        SkillPractice.practised_at >= earliest, SkillPractice.practised_at < latest)).all()
    return {h.id: sum(1 for who, skill_id, at in rows
                      if who == h.participant_id and skill_id == h.skill_id
                      and bounds[h.id][0] <= at < bounds[h.id][1])
            for h in items}


def progress_of(participant: User, items: list[SkillHomework]) -> list[Progress]:
    """Progress of the participant's homework, counted in their own zone."""
    done = counts(items, participant_zone(participant))
    if not items:
        return []
    shown = {s.skill.id: s for s in library.visible_skills(
        participant, only={h.skill_id for h in items})}
    result = []
    for h in items:
        visible = shown.get(h.skill_id)
        name = visible.name if visible is not None else _last_name(h)
        result.append(Progress(h, done[h.id], name, visible.key if visible else None))
    return result


def _last_name(homework: SkillHomework) -> str:
    version = db.session.scalar(sa.select(SkillVersion).where(
        SkillVersion.skill_id == homework.skill_id).order_by(SkillVersion.id.desc()).limit(1))
    return version.local_name if version is not None else ""


def homework_of(participant_id: int, *conditions) -> list[SkillHomework]:
    return list(db.session.scalars(
        sa.select(SkillHomework).where(SkillHomework.participant_id == participant_id,
                                       *conditions)
        .options(joinedload(SkillHomework.assigned_by))
        .order_by(SkillHomework.due_on, SkillHomework.id)))


def current(participant: User, today: date | None = None, *where) -> list[Progress]:
    """Homework the participant is working on: not ended, due today or later."""
    today = today or local_today(participant)
    items = homework_of(participant.id, SkillHomework.ended_at.is_(None),
                      SkillHomework.starts_on <= today, SkillHomework.due_on >= today, *where)
    return progress_of(participant, items)


def recent_past(participant: User, today: date | None = None, *where) -> list[Progress]:
    """Homework whose due day passed in the last four weeks, newest first (ended ones left
    out)."""
    today = today or local_today(participant)
    items = homework_of(participant.id, SkillHomework.ended_at.is_(None),
                      SkillHomework.due_on < today,
                      SkillHomework.due_on >= today - timedelta(days=RECENT_DAYS), *where)
    return list(reversed(progress_of(participant, items)))


# --- assigning --------------------------------------------------------------------------------

def clean_assignment(raw: Mapping, participant: User, today: date) -> dict:
    """Typed values of the assignment form (skills, target, due_on, note); raises Invalid."""
    errors: dict[str, str] = {}
    allowed = {s.key: s for s in library.visible_skills(participant)}
    keys = [k for k in raw.get("skills", []) if isinstance(k, str)]
    if not keys:
        errors["skills"] = str(_l("Choose at least one skill."))
    elif any(k not in allowed for k in keys):
        errors["skills"] = str(_l("Choose skills from the list: one of them is hidden or "
                                  "no longer there."))
    target = raw.get("target") or ""
    if not WHOLE_NUMBER.fullmatch(str(target).strip()):
        errors["target"] = str(_l("Enter how many times, as a whole number."))
    elif not 1 <= int(target) <= TARGET_MAX:
        errors["target"] = ngettext("Set a target from 1 to %(num)s time.",
                                       "Set a target from 1 to %(num)s times.", TARGET_MAX)
    due_on = None
    try:
        due_on = date.fromisoformat(str(raw.get("due_on") or "").strip())
    except ValueError:
        errors["due_on"] = str(_l("Enter the due date, e.g. %(example)s.",
                                  example=(today + timedelta(days=7)).isoformat()))
    if due_on is not None and due_on < today:
        errors["due_on"] = str(_l("The due date has passed: choose %(today)s or later.",
                                  today=format_day(today)))
    elif due_on is not None and due_on > today + DUE_WITHIN:
        errors["due_on"] = str(_l("Choose a due date within the next three months."))
    note = clean_text(raw.get("note") or "")
    if len(note) > NOTE_MAX:
        errors["note"] = ngettext("Keep the note to %(max)s character or fewer.",
                                  "Keep the note to %(max)s characters or fewer.", NOTE_MAX,
                                  max=format_number(NOTE_MAX))
    if errors:
        raise Invalid(errors)
    return {"skills": [allowed[k] for k in dict.fromkeys(keys)], "target": int(target),
            "due_on": due_on, "note": note or None}


def assign(staff: User, participant: User, raw: Mapping,
           now: datetime | None = None) -> list[SkillHomework]:
    """Give the participant homework, one per chosen skill, starting today (their local day);
    commits with one audit event per homework. Raises Invalid, saving nothing."""
    today = local_today(participant, now)
    values = clean_assignment(raw, participant, today)
    enrolment = care_enrolment(participant)
    created = []
    for chosen in values["skills"]:
        homework = SkillHomework(
            participant_id=participant.id, program_id=enrolment.program_id if enrolment else None,
            skill_id=chosen.skill.id, assigned_by_id=staff.id,
            target_count=values["target"], starts_on=today, due_on=values["due_on"],
            note=values["note"])
        db.session.add(homework)
        created.append(homework)
    db.session.flush()
    for homework in created:
        audit.record(Action.PARTICIPANT_EDIT, subject=participant,
                     target=f"skill_homework:{homework.id}", actor=staff)
    db.session.commit()
    return created


def end(staff: User, homework: SkillHomework, now: datetime | None = None) -> None:
    """End homework early (it disappears from Today and counts for nothing); commits."""
    if homework.ended_at is None:
        homework.ended_at = now or utcnow()
        homework.ended_by_id = staff.id
        audit.record(Action.PARTICIPANT_EDIT, subject=homework.participant_id,
                     target=f"skill_homework:{homework.id}:end", actor=staff)
        db.session.commit()


def get_homework_for_staff(staff: User, homework_id: int) -> SkillHomework:
    """Homework of a participant the staff member may write for, or 404."""
    homework = db.session.get(SkillHomework, homework_id)
    if homework is None:
        abort(404)
    scope.get_participant_for_staff(staff, homework.participant_id, for_writing=True)
    return homework
