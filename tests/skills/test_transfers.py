"""Skills follow the care rule: after a transfer, the former program's staff see only the
practices and homework recorded while the participant was with them, read-only."""

import uuid

import sqlalchemy as sa

from app.models import Skill, SkillPractice
from tests.care.test_access_across_transfers import moved_factory  # noqa: F401 - fixture


def _practice(db, person, program, at, note: str) -> SkillPractice:
    skill = db.session.scalar(sa.select(Skill).where(Skill.key == "paced-breathing"))
    row = SkillPractice(participant_id=person.id, program_id=program.id, skill_id=skill.id,
                        skill_version_id=_version_id(db, skill), client_uuid=str(uuid.uuid4()),
                        content_hash="0" * 64, practised_at=at, received_at=at, note=note)
    db.session.add(row)
    db.session.commit()
    return row


def _version_id(db, skill) -> int:
    from app.models import SkillVersion

    return db.session.scalar(sa.select(SkillVersion.id).where(SkillVersion.skill_id == skill.id)
                             .order_by(SkillVersion.id).limit(1))


def test_each_program_sees_only_the_practices_recorded_with_it(moved_factory, db):  # noqa: F811
    w = moved_factory(moved_days_ago=5)
    _practice(db, w.person, w.riverside, w.in_riverside, "breathing-with-riverside")
    _practice(db, w.person, w.summit, w.in_summit, "breathing-with-summit")
    riverside = w.riverside_client.get(f"/clinician/participants/{w.person.id}")
    summit = w.summit_client.get(f"/clinician/participants/{w.person.id}")
    assert riverside.status_code == summit.status_code == 200
    riverside_html, summit_html = riverside.get_data(as_text=True), summit.get_data(as_text=True)
    assert "breathing-with-riverside" in riverside_html
    assert "breathing-with-summit" not in riverside_html
    assert "breathing-with-summit" in summit_html
    assert "breathing-with-riverside" not in summit_html
    # read-only: the former program cannot assign homework any more
    assert "Assign homework" not in riverside_html and "Assign homework" in summit_html
