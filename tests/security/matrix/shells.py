"""Access expectations for the audience shells (public, participant, clinician, admin) and the
audit log."""

from app.security.access import Rule

EXPECTED = {
    "public.index": (Rule.PUBLIC, None),
    "public.crisis": (Rule.PUBLIC, None),
    "public.health": (Rule.PUBLIC, None),
    "public.ready": (Rule.PUBLIC, None),
    "public.manifest": (Rule.PUBLIC, None),
    "participant.today": (Rule.PARTICIPANT, None),
    "participant.schedule": (Rule.PARTICIPANT, None),
    "participant.me": (Rule.PARTICIPANT, None),
    "participant.update_profile": (Rule.PARTICIPANT, None),
    "participant.update_contact": (Rule.PARTICIPANT, None),
    "participant.change_password": (Rule.PARTICIPANT, None),
    "participant.consent": (Rule.PARTICIPANT, None),
    "participant.unlock": (Rule.PARTICIPANT, None),
    "participant.app_lock": (Rule.PARTICIPANT, None),
    "participant.app_lock_remove": (Rule.PARTICIPANT, None),
    "participant.quick_exit": (Rule.PARTICIPANT, None),
    "admin.home": (Rule.ADMIN, None),
    "audit.log": (Rule.ADMIN, None),
    "audit.export": (Rule.ADMIN, None),
}

#: Quick exit ends the session mid-walk; its own tests cover it.
SKIPPED_IN_WALK = {"participant.quick_exit"}

def url_values(app, world, db) -> dict:
    """Participant A, whose record clinician A may open."""
    return {"participant_id": world.participant_a.id}
