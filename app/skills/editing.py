"""A program's own list: its copies of Trellis's skills, its own skills, and hidden skills.

Every change of text is a new version for that program (older versions stay, so practices keep
the text they were logged with). Staff working in the program and admins make these changes
(app.care.scope.get_program_for_staff); each one is audited.
"""

import re
import unicodedata
from collections.abc import Mapping

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Program, ProgramSkillSetting, Skill, SkillVersion, User
from app.security import audit
from app.security.audit import Action
from app.skills.content import BREATHING_LIMITS, SkillText, check
from app.skills.library import COPY, LibrarySkill

STEPS_SPLIT = re.compile(r"\s*\n\s*")


class Invalid(ValueError):
    """Field errors of the skill editor."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid skill")
        self.errors = errors


def form_values(form: Mapping) -> dict:
    """The editor's fields as `content.check` reads them (steps one per line, whole numbers)."""
    def number(name: str):
        value = (form.get(name) or "").strip()
        return int(value) if re.fullmatch(r"[0-9]{1,4}", value) else value or None

    mode = form.get("guided_mode") or ""
    guided = None
    if mode == "steps":
        guided = {"mode": "steps"}
    elif mode == "breathing":
        guided = {"mode": "breathing", **{p: number(f"breathing_{p}") for p in BREATHING_LIMITS}}
    elif mode:
        guided = {"mode": mode}
    return {"category": form.get("category"), "name": form.get("name"),
            "use_when": form.get("use_when"),
            "steps": STEPS_SPLIT.split((form.get("steps") or "").strip()),
            "minutes": number("minutes"), "guided": guided}


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))[:50] or "skill"


def _free_key(program: Program, name: str) -> str:
    base = f"p{program.id}-{_slug(name)}"
    taken = set(db.session.scalars(sa.select(Skill.key).where(Skill.key.like(f"{base}%"))))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _add_version(skill: Skill, program: Program, text: SkillText, staff: User) -> SkillVersion:
    versions = list(db.session.scalars(sa.select(SkillVersion).where(
        SkillVersion.skill_id == skill.id, SkillVersion.program_id == program.id)))
    for old in versions:
        old.is_current = False
    version = SkillVersion(skill=skill, program_id=program.id,
                           number=max((v.number for v in versions), default=0) + 1,
                           is_current=True, created_by_id=staff.id, **text.as_columns())
    db.session.add(version)
    return version


def _checked(raw: dict) -> SkillText:
    text, errors = check(raw)
    if errors:
        raise Invalid(errors)
    return text


def add_own(staff: User, program: Program, raw: dict) -> Skill:
    """A new skill of the program's own; commits. Raises Invalid, saving nothing."""
    text = _checked(raw)
    skill = Skill(key=_free_key(program, text.name), program_id=program.id)
    db.session.add(skill)
    db.session.flush()
    _add_version(skill, program, text, staff)
    audit.record(Action.PROGRAM_EDIT, target=f"skill:{skill.key}"[:64], actor=staff)
    db.session.commit()
    return skill


def edit(staff: User, program: Program, entry: LibrarySkill, raw: dict) -> bool:
    """Save the program's version of a skill (a copy of Trellis's text, or its own skill's next
    version); commits. False when nothing changed. Raises Invalid, saving nothing."""
    text = _checked(raw)
    if text == SkillText.of(entry.version):
        return False
    _add_version(entry.skill, program, text, staff)
    audit.record(Action.PROGRAM_EDIT, target=f"skill:{entry.key}"[:64], actor=staff)
    db.session.commit()
    return True


def use_trellis_text(staff: User, program: Program, entry: LibrarySkill) -> None:
    """Drop the program's copy of a catalogue skill: its participants see Trellis's current
    text again (the copy's versions stay, for practices logged with them); commits."""
    if entry.source != COPY:
        return
    for version in db.session.scalars(sa.select(SkillVersion).where(
            SkillVersion.skill_id == entry.skill.id, SkillVersion.program_id == program.id,
            SkillVersion.is_current.is_(True))):
        version.is_current = False
    audit.record(Action.PROGRAM_EDIT, target=f"skill:{entry.key}:trellis"[:64], actor=staff)
    db.session.commit()


def set_hidden(staff: User, program: Program, entry: LibrarySkill, hidden: bool) -> None:
    """Hide a skill from the program's participants, or show it again; commits."""
    setting = db.session.get(ProgramSkillSetting, (program.id, entry.skill.id))
    if setting is None:
        setting = ProgramSkillSetting(program_id=program.id, skill_id=entry.skill.id)
        db.session.add(setting)
    setting.is_hidden = hidden
    setting.updated_at = utcnow()
    setting.updated_by_id = staff.id
    audit.record(Action.PROGRAM_EDIT,
                 target=f"skill:{entry.key}:{'hide' if hidden else 'show'}"[:64], actor=staff)
    db.session.commit()

