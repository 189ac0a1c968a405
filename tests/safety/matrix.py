"""Access expectations for safety plans and safety alerts."""

import uuid

from app.checkins import service as checkins
from app.security.access import Rule

EXPECTED = {
    "safety.plan": (Rule.PARTICIPANT, None),
    "safety.plan_edit": (Rule.PARTICIPANT, None),
    "safety_staff.alert": (Rule.STAFF, "program_a"),
    "safety_staff.participant_plan": (Rule.STAFF, "program_a"),
}

SKIPPED_IN_WALK: set = set()

def url_values(app, world, db) -> dict:
    """An alert raised by participant A's check-in (program A's)."""
    with app.test_request_context():
        result = checkins.save(world.participant_a, {
            "client_uuid": str(uuid.uuid4()), "mood": "2", "safety_thoughts": "yes"})
    return {"alert_id": result.alert.id}
