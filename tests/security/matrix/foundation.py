"""Access expectations for the foundation's routes."""

import sqlalchemy as sa

from app.auth import invites
from app.models import Enrolment
from app.security.access import Rule

#: endpoint -> (rule, whose object the URL names). "program_a" objects belong to clinician A's
#: program, so clinician B must get a 404 for them even though B may use the page in general.
EXPECTED = {
    "public.index": (Rule.PUBLIC, None),
    "public.crisis": (Rule.PUBLIC, None),
    "public.health": (Rule.PUBLIC, None),
    "public.manifest": (Rule.PUBLIC, None),
    "auth.login": (Rule.ANONYMOUS_OR_ANY, None),
    "auth.logout": (Rule.SIGNED_IN, None),
    "auth.accept_invite": (Rule.ANONYMOUS_OR_ANY, None),
    "auth.mfa_verify": (Rule.SIGNED_IN, None),
    "auth.mfa_enrol": (Rule.SIGNED_IN, None),
    "auth.mfa_cancel": (Rule.SIGNED_IN, None),
    "participant.today": (Rule.PARTICIPANT, None),
    "participant.schedule": (Rule.PARTICIPANT, None),
    "participant.skills": (Rule.PARTICIPANT, None),
    "participant.me": (Rule.PARTICIPANT, None),
    "participant.update_profile": (Rule.PARTICIPANT, None),
    "participant.change_password": (Rule.PARTICIPANT, None),
    "participant.consent": (Rule.PARTICIPANT, None),
    "participant.unlock": (Rule.PARTICIPANT, None),
    "participant.app_lock": (Rule.PARTICIPANT, None),
    "participant.app_lock_remove": (Rule.PARTICIPANT, None),
    "participant.quick_exit": (Rule.PARTICIPANT, None),
    "clinician.home": (Rule.STAFF, None),
    "clinician.participant": (Rule.STAFF, "program_a"),
    "invites.index": (Rule.STAFF, None),
    "invites.new": (Rule.STAFF, None),
    "invites.revoke": (Rule.STAFF, "program_a_admin"),
    "admin.home": (Rule.ADMIN, None),
    "care_admin.programs": (Rule.ADMIN, None),
    "care_admin.program_new": (Rule.ADMIN, None),
    "care_admin.program_edit": (Rule.ADMIN, None),
    "care_admin.clinicians": (Rule.ADMIN, None),
    "care_admin.clinician_new": (Rule.ADMIN, None),
    "care_admin.clinician_programs": (Rule.ADMIN, None),
    "care_admin.clinician_deactivate": (Rule.ADMIN, None),
    "care_admin.enrolment_list": (Rule.ADMIN, None),
    "care_admin.enrolment_new": (Rule.ADMIN, None),
    "care_admin.enrolment_transition": (Rule.ADMIN, None),
    "audit.log": (Rule.ADMIN, None),
    "care_admin.break_glass_grant": (Rule.ADMIN, None),
    "care_admin.clinician_reset_mfa": (Rule.ADMIN, None),
    "audit.export": (Rule.ADMIN, None),
}

#: Routes the walk must not call (covered by their own tests).
#: These end the session mid-walk; their own tests cover them.
SKIPPED_IN_WALK = {"auth.logout", "auth.mfa_cancel", "participant.quick_exit"}


def url_values(app, world, db) -> dict:
    """Values for the URL arguments of the foundation's routes, owned by program A."""
    enrolment_a = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.participant_id == world.participant_a.id))
    with app.test_request_context():
        invite, token = invites.invite_participant(
            "newcomer@example.org", "Newcomer", world.iop, enrolment_a.start_date, None,
            world.clinician_a)
        db.session.commit()
    return {
        "participant_id": world.participant_a.id, "program_id": world.iop.id,
        "user_id": world.clinician_a.id, "enrolment_id": enrolment_a.id,
        "invite_id": invite.id, "token": token,
    }
