"""Access expectations for the review pages (caseload, alerts, queue, record, export) and the
participant's Messages."""

import uuid

from app.checkins import service as checkins
from app.security.access import Rule

EXPECTED = {
    "review.caseload": (Rule.STAFF, None),
    "review.alerts": (Rule.STAFF, None),
    "review.alert_history": (Rule.STAFF, None),
    "review.queue": (Rule.STAFF, None),
    # Marking a check-in reviewed names participant A's check-in.
    "review.mark_reviewed": (Rule.STAFF, "program_a"),
    "review.mark_shown_reviewed": (Rule.STAFF, None),
    "review.participant": (Rule.STAFF, "program_a"),
    "review.add_note": (Rule.STAFF, "program_a"),
    "review.send_message": (Rule.STAFF, "program_a"),
    "review.edit_contact": (Rule.STAFF, "program_a"),
    "review.export": (Rule.STAFF, None),
    "messages.index": (Rule.PARTICIPANT, None),
    "messages.mark_read": (Rule.PARTICIPANT, None),
}

SKIPPED_IN_WALK: set = set()


def url_values(app, world, db) -> dict:
    """A check-in of participant A's to review."""
    with app.test_request_context():
        result = checkins.save(world.participant_a, {
            "client_uuid": str(uuid.uuid4()), "mood": "3"})
    return {"checkin_id": result.checkin.id, "participant_id": world.participant_a.id}
