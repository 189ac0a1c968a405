"""Access expectations for medications: the participant's pages, the care team's, the admin's
name lists, the API and the notification's "Taken"."""

from datetime import date, timedelta

from app.medications import listing
from app.security.access import Rule

EXPECTED = {
    "medications.index": (Rule.PARTICIPANT, None),
    "medications.new": (Rule.PARTICIPANT, None),
    "medications.edit": (Rule.PARTICIPANT, "program_a"),
    "medications.stop": (Rule.PARTICIPANT, "program_a"),
    "medications.mark_dose": (Rule.PARTICIPANT, None),
    "medications.side_effect": (Rule.PARTICIPANT, None),
    "medications.reminder_settings": (Rule.PARTICIPANT, None),
    # Participant A's record: only clinician A (a current enrolment in their program).
    "medications_staff.new": (Rule.STAFF, "program_a"),
    "medications_staff.edit": (Rule.STAFF, "program_a"),
    "medications_staff.stop": (Rule.STAFF, "program_a"),
    "medications_admin.program_names": (Rule.ADMIN, None),
    "medications_api.create_dose": (Rule.PARTICIPANT, None),
    # Token-authenticated for the service worker (no session): JSON only, a bad token is 400.
    "medications_public.taken_from_notification": (Rule.PUBLIC, None),
}

#: The API answers anonymous callers 401 JSON; covered by tests/medications/test_doses.py.
SKIPPED_IN_WALK = {"medications_api.create_dose"}


def url_values(app, world, db) -> dict:
    """A medication on participant A's list (from their care team)."""
    today = date.today()
    with app.test_request_context():
        medication = listing.add(
            world.participant_a,
            listing.Details(name="sertraline", strength="50 mg", times=["08:00"]),
            today - timedelta(days=3), world.clinician_a, today)
    return {"medication_id": medication.id}
