"""Access expectations for check-ins, scales, safety alerts, safety plans, progress and the API."""

import uuid

from app.security.access import Rule
from app.services import checkins

EXPECTED = {
    "checkins.checkin": (Rule.PARTICIPANT, None),
    "checkins.history": (Rule.PARTICIPANT, None),
    "checkins.edit": (Rule.PARTICIPANT, "program_a"),
    "checkins.delete": (Rule.PARTICIPANT, "program_a"),
    "checkins.scales": (Rule.PARTICIPANT, None),
    "checkins.scale_form": (Rule.PARTICIPANT, None),
    "checkins.scale_history": (Rule.PARTICIPANT, None),
    "checkins.safety_plan": (Rule.PARTICIPANT, None),
    "checkins.safety_plan_edit": (Rule.PARTICIPANT, None),
    "checkins.progress_page": (Rule.PARTICIPANT, None),
    "checkins_staff.alert": (Rule.STAFF, "program_a"),
    "checkins_staff.participant_safety_plan": (Rule.STAFF, "program_a"),
    "checkins_admin.program_checkin_items": (Rule.ADMIN, None),
    "api.create_checkin": (Rule.PARTICIPANT, None),
}

#: The API answers anonymous callers 401 JSON rather than a sign-in redirect; its access is
#: covered by tests/checkins/test_api.py.
SKIPPED_IN_WALK = {"api.create_checkin"}


def url_values(app, world, db) -> dict:
    """A check-in of participant A (today, with a safety answer that raised an alert)."""
    with app.test_request_context():
        result = checkins.save(world.participant_a, {
            "client_uuid": str(uuid.uuid4()), "mood": "2", "safety_thoughts": "yes"})
    return {"checkin_id": result.checkin.id, "alert_id": result.alert.id, "scale_key": "phq9"}
