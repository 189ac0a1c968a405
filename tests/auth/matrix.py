"""Access expectations for signing in, the second factor and invites."""

import sqlalchemy as sa

from app.auth import invites
from app.models import Enrolment
from app.security.access import Rule

EXPECTED = {
    "auth.login": (Rule.ANONYMOUS_OR_ANY, None),
    "auth.logout": (Rule.SIGNED_IN, None),
    "auth.accept_invite": (Rule.ANONYMOUS_OR_ANY, None),
    "auth.mfa_verify": (Rule.SIGNED_IN, None),
    "auth.mfa_enrol": (Rule.SIGNED_IN, None),
    "auth.mfa_cancel": (Rule.SIGNED_IN, None),
    "invites.index": (Rule.STAFF, None),
    "invites.new": (Rule.STAFF, None),
    "invites.revoke": (Rule.STAFF, "program_a_admin"),
    "account.index": (Rule.STAFF, None),
    "account.change_password": (Rule.STAFF, None),
}

#: These end the session mid-walk; their own tests cover them.
SKIPPED_IN_WALK = {"auth.logout", "auth.mfa_cancel"}

def url_values(app, world, db) -> dict:
    """A pending invite to program A (its id and its one-time token)."""
    enrolment_a = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.participant_id == world.participant_a.id))
    with app.test_request_context():
        invite, token = invites.invite_participant(
            "newcomer@example.org", "Newcomer", world.iop, enrolment_a.start_date, None,
            world.clinician_a)
        db.session.commit()
    return {"invite_id": invite.id, "token": token}
