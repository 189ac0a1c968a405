"""Demo reminder choices: Alex sees details for sessions, the demo clinician sees "Safety alert".

Devices cannot be seeded (a browser must subscribe); turn reminders on from Me → Reminders (or
Alerts on my devices) in a browser. Running it again changes nothing.
"""

from app.extensions import db
from app.models import ReminderPreference, User


def seed_push(participant: User, clinician: User) -> None:
    """Reminder preferences for a demo participant and the demo clinician (idempotent)."""
    for user, detailed in ((participant, ["session"]), (clinician, ["safety_alert"])):
        if db.session.get(ReminderPreference, user.id) is None:
            db.session.add(ReminderPreference(user_id=user.id, detailed_kinds=detailed))
