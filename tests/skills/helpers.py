"""Logging practices as a browser or the offline queue would, and saving them directly."""

import uuid
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import SkillPractice, SkillVersion, User
from app.skills import library
from tests.conftest import csrf_token, post_form


def practice_form(client, data: dict | None = None, **kwargs):
    """Post the practice form (paced breathing unless given) with a fresh UUID and CSRF token."""
    payload = {"client_uuid": str(uuid.uuid4()), "skill": "paced-breathing", **(data or {})}
    return post_form(client, "/skills/log", payload, **kwargs)


def api_post(client, body, csrf: str | None = "auto", **kwargs):
    """POST JSON to /api/v1/skill-practices with the session's CSRF token in X-CSRFToken."""
    headers = kwargs.pop("headers", {})
    if csrf == "auto":
        csrf = csrf_token(client)
    if csrf:
        headers["X-CSRFToken"] = csrf
    return client.post("/api/v1/skill-practices", json=body, headers=headers, **kwargs)


def add_practice(participant: User, key: str, at: datetime, before: int | None = None,
                 after: int | None = None, helpful: int | None = None,
                 received_at: datetime | None = None, **fields) -> SkillPractice:
    """A practice saved directly at any time (bypassing the 7-day rule), with the text the
    participant's list shows now."""
    chosen = next(s for s in library.program_library(library.program_id_of(participant))
                  if s.key == key)
    practice = SkillPractice(
        participant_id=participant.id, program_id=library.program_id_of(participant),
        skill_id=chosen.skill.id, skill_version_id=chosen.version.id,
        client_uuid=str(uuid.uuid4()), content_hash="0" * 64, practised_at=at,
        received_at=received_at or at, distress_before=before, distress_after=after,
        helpful=helpful, **fields)
    db.session.add(practice)
    db.session.commit()
    return practice


def count(model=SkillPractice) -> int:
    """Rows of a table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def current_text(key: str, program_id: int | None = None) -> SkillVersion:
    """The text a program's participants see of a skill now."""
    return next(s.version for s in library.program_library(program_id) if s.key == key)
