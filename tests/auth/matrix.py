"""Access expectations for signing in, the second factor and invites."""

import sqlalchemy as sa

from app.auth import invites, reset
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
    "auth.forgot_password": (Rule.ANONYMOUS_OR_ANY, None),
    "auth.reset_password": (Rule.ANONYMOUS_OR_ANY, None),
    # a clinician gives a link to a participant of their program; an admin to anyone
    "password_resets.issue": (Rule.STAFF, "program_a_admin"),
}

#: These end the session mid-walk; their own tests cover them.
SKIPPED_IN_WALK = {"auth.logout", "auth.mfa_cancel"}

def url_values(app, world, db) -> dict:
    """A pending invite to program A (its id and its one-time token), a pending password reset
    link (its token) and participant A for staff-issued reset links."""
    enrolment_a = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.participant_id == world.participant_a.id))
    with app.test_request_context():
        invite, token = invites.invite_participant(
            "newcomer@example.org", "Newcomer", world.iop, enrolment_a.start_date, None,
            world.clinician_a)
        db.session.commit()
        _reset, reset_token = reset.issue(world.participant_b)
        db.session.commit()
    return {"invite_id": invite.id, "token": token, "reset_token": reset_token,
            "person_id": world.participant_a.id}
