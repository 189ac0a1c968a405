"""Which skills a program's participants see, and how a participant's list is arranged.

A program's list is every catalogue skill that is not retired plus the program's own skills;
each shows the program's current copy if it has one, else Trellis's current text. A hidden
skill stays in the staff list and leaves the participants' list (a 404 for its pages).
"""

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort

from app.care.team import care_enrolment
from app.database import utcnow
from app.extensions import db
from app.models import (
    Program,
    ProgramSkillSetting,
    Skill,
    SkillFavourite,
    SkillPractice,
    SkillVersion,
    User,
)
from app.skills.categories import CATEGORIES, Category, order

#: "Recently used": practised in this many days, at most RECENT_LIMIT skills.
RECENT_DAYS = 14
RECENT_LIMIT = 5

TRELLIS, COPY, OWN = "trellis", "copy", "own"


@dataclass(frozen=True)
class LibrarySkill:
    """A skill as one program's list has it."""

    skill: Skill
    version: SkillVersion  #: the text its participants see
    source: str  #: TRELLIS (catalogue text), COPY (the program's edit) or OWN (its own skill)
    is_hidden: bool = False
    #: Trellis's current text, for a program's copy (staff compare the two).
    trellis_version: SkillVersion | None = None

    @property
    def key(self) -> str:
        return self.skill.key

    @property
    def name(self) -> str:
        """The name participants read, in their language where Trellis's catalogue has it."""
        return self.version.local_name

    @property
    def category(self) -> Category | None:
        return CATEGORIES.get(self.version.category)


def program_library(program_id: int | None,
                    only: Collection[int] | None = None) -> list[LibrarySkill]:
    """A program's whole list, hidden skills included, by category and name (no program:
    Trellis's catalogue). `only`: just these skill ids (a card showing two skills need not
    load the other forty, with their steps)."""
    owner = Skill.program_id.is_(None) if program_id is None else \
        sa.or_(Skill.program_id.is_(None), Skill.program_id == program_id)
    text_owner = SkillVersion.program_id.is_(None) if program_id is None else \
        sa.or_(SkillVersion.program_id.is_(None), SkillVersion.program_id == program_id)
    hidden_query = sa.select(ProgramSkillSetting.skill_id).where(
        ProgramSkillSetting.program_id == program_id, ProgramSkillSetting.is_hidden.is_(True))
    if only is not None:
        owner = sa.and_(owner, Skill.id.in_(list(only)))
        text_owner = sa.and_(text_owner, SkillVersion.skill_id.in_(list(only)))
        hidden_query = hidden_query.where(ProgramSkillSetting.skill_id.in_(list(only)))
    skills = {s.id: s for s in db.session.scalars(
        sa.select(Skill).where(Skill.retired_at.is_(None), owner))}
    trellis, program = {}, {}
    for version in db.session.scalars(sa.select(SkillVersion).where(
            SkillVersion.is_current.is_(True), text_owner)):
        (trellis if version.program_id is None else program)[version.skill_id] = version
    hidden = set() if program_id is None else set(db.session.scalars(hidden_query))
    entries = []
    for skill_id, skill in skills.items():
        own = program.get(skill_id)
        base = trellis.get(skill_id)
        if own is None and base is None:
            continue
        source = OWN if skill.program_id is not None else COPY if own is not None else TRELLIS
        entries.append(LibrarySkill(skill=skill, version=own or base, source=source,
                                    is_hidden=skill_id in hidden, trellis_version=base))
    return sorted(entries, key=lambda e: (order(e.version.category), _fold(e.name)))


def program_id_of(participant: User) -> int | None:
    """The program whose list the participant sees (their current, else latest, program)."""
    enrolment = care_enrolment(participant)
    return enrolment.program_id if enrolment is not None else None


def visible_skills(participant: User,
                   only: Collection[int] | None = None) -> list[LibrarySkill]:
    """The skills the participant's program shows them (`only`: of these skill ids)."""
    return [s for s in program_library(program_id_of(participant), only) if not s.is_hidden]


def visible_skill(participant: User, key: str) -> LibrarySkill | None:
    """One skill the participant may see, or None (unknown, hidden, retired, another
    program's own)."""
    return next((s for s in visible_skills(participant) if s.key == key), None)


def get_skill_for_participant(participant: User, key: str) -> LibrarySkill:
    """One skill the participant may see, or 404."""
    found = visible_skill(participant, key)
    if found is None:
        abort(404)
    return found


def get_skill_for_program(program: Program, key: str) -> LibrarySkill:
    """One skill of a program's list (hidden ones too), or 404."""
    found = next((s for s in program_library(program.id) if s.key == key), None)
    if found is None:
        abort(404)
    return found


# --- a participant's own arrangement ----------------------------------------------------------

def favourite_ids(participant: User) -> set[int]:
    """Ids of the skills the participant starred."""
    return set(db.session.scalars(sa.select(SkillFavourite.skill_id).where(
        SkillFavourite.participant_id == participant.id)))


def set_favourite(participant: User, skill: Skill, starred: bool) -> None:
    """Star or unstar a skill (saying the same twice changes nothing); commits."""
    row = db.session.get(SkillFavourite, (participant.id, skill.id))
    if starred and row is None:
        db.session.add(SkillFavourite(participant_id=participant.id, skill_id=skill.id))
    elif not starred and row is not None:
        db.session.delete(row)
    db.session.commit()


def last_used(participant: User, since: datetime) -> dict[int, datetime]:
    """When the participant last practised each skill, for practices since `since`."""
    rows = db.session.execute(
        sa.select(SkillPractice.skill_id, sa.func.max(SkillPractice.practised_at))
        .where(SkillPractice.participant_id == participant.id,
               SkillPractice.deleted_at.is_(None), SkillPractice.practised_at >= since)
        .group_by(SkillPractice.skill_id))
    return {skill_id: latest for skill_id, latest in rows}  # max() keeps the UTC type


def _fold(text: str) -> str:
    """Lower-case without accents, so "cafe" finds "Café"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(c))


@dataclass
class Arrangement:
    """A participant's list: favourites, then recently used, then every category."""

    favourites: list[LibrarySkill] = field(default_factory=list)
    recent: list[LibrarySkill] = field(default_factory=list)
    groups: list[tuple[Category, list[LibrarySkill]]] = field(default_factory=list)
    #: When searching or filtering: one list, favourites and recently used first.
    results: list[LibrarySkill] | None = None
    starred: set[int] = field(default_factory=set)


def arrange(participant: User, query: str = "", category: str | None = None,
            now: datetime | None = None) -> Arrangement:
    """The participant's skills: favourites and recently used first; filtered by a search on
    the name (and "use it when") or by category when asked."""
    skills = visible_skills(participant)
    starred = favourite_ids(participant)
    used = last_used(participant, (now or utcnow()) - timedelta(days=RECENT_DAYS))
    recent_ids = sorted((i for i in used if i not in starred), key=lambda i: used[i],
                        reverse=True)[:RECENT_LIMIT]
    ranked = {skill_id: rank for rank, skill_id in enumerate(recent_ids)}
    result = Arrangement(starred=starred)
    if query.strip() or category in CATEGORIES:
        words = _fold(query).split()
        matches = [s for s in skills
                   if (category not in CATEGORIES or s.version.category == category)
                   and all(w in _fold(f"{s.name} {s.version.local_use_when}") for w in words)]

        def rank(s: LibrarySkill) -> tuple:
            in_name = all(w in _fold(s.name) for w in words)
            return (s.skill.id not in starred, s.skill.id not in ranked,
                    ranked.get(s.skill.id, 0), not in_name)

        result.results = sorted(matches, key=rank)  # stable: category and name order kept
        return result
    by_id = {s.skill.id: s for s in skills}
    result.favourites = [s for s in skills if s.skill.id in starred]
    result.recent = [by_id[i] for i in recent_ids if i in by_id]
    for key, category_ in CATEGORIES.items():
        members = [s for s in skills if s.version.category == key]
        if members:
            result.groups.append((category_, members))
    return result
