"""Access expectations for check-ins, scales, safety alerts, safety plans, progress and the API."""

import uuid

from app.checkins import service as checkins
from app.security.access import Rule

EXPECTED = {
    "checkins.checkin": (Rule.PARTICIPANT, None),
    "checkins.history": (Rule.PARTICIPANT, None),
    "checkins.edit": (Rule.PARTICIPANT, "program_a"),
    "checkins.delete": (Rule.PARTICIPANT, "program_a"),
    "scales.index": (Rule.PARTICIPANT, None),
    "scales.form": (Rule.PARTICIPANT, None),
    "scales.history": (Rule.PARTICIPANT, None),
    "safety.plan": (Rule.PARTICIPANT, None),
    "safety.plan_edit": (Rule.PARTICIPANT, None),
    "progress.index": (Rule.PARTICIPANT, None),
    "safety_staff.alert": (Rule.STAFF, "program_a"),
    "safety_staff.participant_plan": (Rule.STAFF, "program_a"),
    "checkins_admin.program_checkin_items": (Rule.ADMIN, None),
    "checkins_api.create_checkin": (Rule.PARTICIPANT, None),
}

#: The API answers anonymous callers 401 JSON rather than a sign-in redirect; its access is
#: covered by tests/checkins/test_api.py.
SKIPPED_IN_WALK = {"checkins_api.create_checkin"}


def url_values(app, world, db) -> dict:
    """A check-in of participant A (today, with a safety answer that raised an alert)."""
    with app.test_request_context():
        result = checkins.save(world.participant_a, {
            "client_uuid": str(uuid.uuid4()), "mood": "2", "safety_thoughts": "yes"})
    return {"checkin_id": result.checkin.id, "alert_id": result.alert.id, "scale_key": "phq9"}
