"""Access expectations for check-ins, their API and each program's check-in settings."""

import uuid

from app.checkins import service as checkins
from app.security.access import Rule

EXPECTED = {
    "checkins.checkin": (Rule.PARTICIPANT, None),
    "checkins.history": (Rule.PARTICIPANT, None),
    "checkins.edit": (Rule.PARTICIPANT, "program_a"),
    "checkins.delete": (Rule.PARTICIPANT, "program_a"),
    "checkins_admin.program_checkin_items": (Rule.ADMIN, None),
    "checkins_api.create_checkin": (Rule.PARTICIPANT, None),
}

#: The API answers anonymous callers 401 JSON rather than a sign-in redirect; its access is
#: covered by tests/checkins/test_api.py.
SKIPPED_IN_WALK = {"checkins_api.create_checkin"}

def url_values(app, world, db) -> dict:
    """A check-in of participant A (today)."""
    with app.test_request_context():
        result = checkins.save(world.participant_a, {
            "client_uuid": str(uuid.uuid4()), "mood": "3"})
    return {"checkin_id": result.checkin.id}
