"""Access expectations for the admin's programs, staff, enrolments and break-glass pages."""

import sqlalchemy as sa

from app.models import Enrolment
from app.security.access import Rule

EXPECTED = {
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
    "care_admin.break_glass_grant": (Rule.ADMIN, None),
    "care_admin.clinician_reset_mfa": (Rule.ADMIN, None),
}

SKIPPED_IN_WALK: set = set()

def url_values(app, world, db) -> dict:
    """Program A, clinician A and participant A's enrolment."""
    enrolment_a = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.participant_id == world.participant_a.id))
    return {"program_id": world.iop.id, "user_id": world.clinician_a.id,
            "enrolment_id": enrolment_a.id}
