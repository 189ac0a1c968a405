"""Access expectations for push reminders: Me → Reminders, staff devices, the service worker."""

from app.push import subscriptions
from app.security.access import Rule

EXPECTED = {
    "push.reminders": (Rule.PARTICIPANT, None),
    "push.save": (Rule.PARTICIPANT, None),
    "push.subscribe": (Rule.PARTICIPANT, None),
    "push.remove_device": (Rule.PARTICIPANT, "program_a"),
    "push.send_test": (Rule.PARTICIPANT, None),
    "push.snooze": (Rule.PARTICIPANT, None),
    "push_staff.reminders": (Rule.STAFF, None),
    "push_staff.save": (Rule.STAFF, None),
    "push_staff.subscribe": (Rule.STAFF, None),
    # Clinician A's own device: nobody else's to remove.
    "push_staff.remove_device": (Rule.STAFF, "program_a"),
    "push_staff.send_test": (Rule.STAFF, None),
    "push_public.service_worker": (Rule.PUBLIC, None),
    # Token-authenticated for the service worker (no session): a bad token is a 400.
    "push_public.snooze_from_notification": (Rule.PUBLIC, None),
    "push_public.resubscribe": (Rule.PUBLIC, None),
}

SKIPPED_IN_WALK: set = set()


def _subscription(n: int) -> dict:
    # A point on P-256 (the generator) is a valid p256dh; nothing is sent in the walk.
    return {"endpoint": f"https://fcm.googleapis.com/fcm/send/matrix-{n}",
            "keys": {"p256dh": "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-"
                               "eFivOM1drMV7Oy7ZAaDe_UfU",
                     "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}


def url_values(app, world, db) -> dict:
    """A device of participant A and one of clinician A."""
    with app.test_request_context():
        device, _ = subscriptions.save(world.participant_a, _subscription(1), None, None)
        staff_device, _ = subscriptions.save(world.clinician_a, _subscription(2), None, None)
        db.session.commit()
    return {"push_device_id": device.id, "staff_push_device_id": staff_device.id}
