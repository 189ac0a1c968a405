"""Trellis's catalogue of coping skills: a data file (`catalogue.json`) and its loading.

`sync()` makes the database match the file, and running it again changes nothing: a new skill
is added; a changed text becomes the skill's next catalogue version (the old version stays, so
practices logged with it keep their text); a skill taken out of the file is retired (kept for
the history, shown to nobody) and comes back if it returns. Programs' copies and hidden skills
are theirs and are never touched. Run by `flask skills sync` and by the demo seed.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Skill, SkillVersion
from app.skills.content import KEY, PROGRAM_KEY, RESERVED_KEYS, SkillText, check

CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")


class CatalogueError(ValueError):
    """The catalogue file is not valid; the message says where."""


@dataclass(frozen=True)
class Entry:
    key: str
    text: SkillText


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0


def parse(document: dict) -> list[Entry]:
    """The catalogue's entries, each checked; raises CatalogueError on the first problem."""
    skills = document.get("skills") if isinstance(document, dict) else None
    if not isinstance(skills, list) or not skills:
        raise CatalogueError('The catalogue needs a "skills" list.')
    entries, seen = [], set()
    for position, raw in enumerate(skills, start=1):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"skill {position} ({key!r})"
        if not isinstance(key, str) or not KEY.fullmatch(key) or len(key) > 80:
            raise CatalogueError(f"{where}: the key must be lower-case words joined by '-'.")
        if key in RESERVED_KEYS or PROGRAM_KEY.fullmatch(key):
            raise CatalogueError(f"{where}: this key is reserved.")
        if key in seen:
            raise CatalogueError(f"{where}: the key is used twice.")
        seen.add(key)
        text, errors = check(raw)
        if errors:
            details = "; ".join(f"{name}: {message}" for name, message in errors.items())
            raise CatalogueError(f"{where}: {details}")
        entries.append(Entry(key, text))
    return entries


def load(path: Path = CATALOGUE_FILE) -> list[Entry]:
    """Read and check a catalogue file."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CatalogueError(f"Cannot read {path}: {error}") from None
    return parse(document)


@cache
def shipped() -> dict[str, Entry]:
    """The catalogue that ships with Trellis, by key (read once per process)."""
    return {entry.key: entry for entry in load()}


def _new_version(skill: Skill, text: SkillText, number: int) -> SkillVersion:
    version = SkillVersion(skill=skill, program_id=None, number=number, is_current=True,
                           **text.as_columns())
    db.session.add(version)
    return version


def sync(entries: list[Entry] | None = None, now: datetime | None = None) -> SyncReport:
    """Make the catalogue skills in the database match `entries` (default: the shipped file);
    commits. Never changes a version that exists, a practice, or a program's choices."""
    entries = shipped().values() if entries is None else entries
    now = now or utcnow()
    report = SyncReport()
    skills = {s.key: s for s in db.session.scalars(sa.select(Skill))}
    versions = db.session.scalars(sa.select(SkillVersion).where(SkillVersion.program_id.is_(None)))
    current, numbers = {}, {}
    for version in versions:
        numbers[version.skill_id] = max(numbers.get(version.skill_id, 0), version.number)
        if version.is_current:
            current[version.skill_id] = version
    listed = set()
    for entry in entries:
        listed.add(entry.key)
        skill = skills.get(entry.key)
        if skill is not None and skill.program_id is not None:
            raise CatalogueError(f"{entry.key!r} is already a program's own skill.")
        if skill is None:
            skill = Skill(key=entry.key, program_id=None)
            db.session.add(skill)
            _new_version(skill, entry.text, 1)
            report.added.append(entry.key)
            continue
        if skill.retired_at is not None:
            skill.retired_at = None
            report.restored.append(entry.key)
        old = current.get(skill.id)
        if old is not None and SkillText.of(old) == entry.text:
            report.unchanged += 1
            continue
        if old is not None:
            old.is_current = False
        _new_version(skill, entry.text, numbers.get(skill.id, 0) + 1)
        report.updated.append(entry.key)
    for key, skill in skills.items():
        if skill.program_id is None and key not in listed and skill.retired_at is None:
            skill.retired_at = now
            report.retired.append(key)
    db.session.commit()
    return report
