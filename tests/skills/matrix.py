"""Access expectations for coping skills: the Skills tab, the practice log and its API, the two
public guided exercises, and the staff pages (programs' lists, what helps, homework)."""

import uuid
from datetime import timedelta

from app.database import utcnow
from app.security.access import Rule
from app.skills import catalogue, homework, practices

EXPECTED = {
    "skills.index": (Rule.PARTICIPANT, None),
    "skills.skill": (Rule.PARTICIPANT, None),
    "skills.guided_mode": (Rule.PARTICIPANT, None),
    "skills.favourite": (Rule.PARTICIPANT, None),
    "skills.log": (Rule.PARTICIPANT, None),
    "skills.log_save": (Rule.PARTICIPANT, None),
    "skills.history": (Rule.PARTICIPANT, None),
    "skills.what_helps": (Rule.PARTICIPANT, None),
    # Participant A's practice: participant B gets a 404.
    "skills.edit": (Rule.PARTICIPANT, "program_a"),
    "skills.delete": (Rule.PARTICIPANT, "program_a"),
    "skills_public.exercise": (Rule.PUBLIC, None),
    "skills_api.create_practice": (Rule.PARTICIPANT, None),
    "skills_staff.index": (Rule.STAFF, None),
    # Program A's list: its clinicians and admins manage it; clinician B gets a 404.
    "skills_staff.program": (Rule.STAFF, "program_a_admin"),
    "skills_staff.new_skill": (Rule.STAFF, "program_a_admin"),
    "skills_staff.edit_skill": (Rule.STAFF, "program_a_admin"),
    "skills_staff.visibility": (Rule.STAFF, "program_a_admin"),
    "skills_staff.trellis_text": (Rule.STAFF, "program_a_admin"),
    "skills_staff.program_what_helps": (Rule.STAFF, "program_a_admin"),
    # Participant A's homework: only staff who may write for participant A.
    "skills_staff.assign_homework": (Rule.STAFF, "program_a"),
    "skills_staff.end_homework": (Rule.STAFF, "program_a"),
}

#: The API answers anonymous callers 401 JSON rather than a sign-in redirect; its access is
#: covered by tests/skills/test_api.py.
SKIPPED_IN_WALK = {"skills_api.create_practice"}


def url_values(app, world, db) -> dict:
    """The catalogue, a practice and a homework of participant A."""
    with app.test_request_context():
        catalogue.sync()
        practice = practices.save(world.participant_a, {
            "client_uuid": str(uuid.uuid4()), "skill": "paced-breathing",
            "distress_before": "6", "distress_after": "3"}).practice
        assigned = homework.assign(world.clinician_a, world.participant_a, {
            "skills": ["paced-breathing"], "target": "3",
            "due_on": (utcnow() + timedelta(days=7)).date().isoformat()})
    return {"skill_key": "paced-breathing", "practice_id": practice.id,
            "homework_id": assigned[0].id, "exercise": "breathing"}
