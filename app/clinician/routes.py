"""Clinician pages. Every participant is loaded through the staff scope (404 otherwise)."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from app.auth import reset
from app.care import break_glass, memberships, scope
from app.care.staff_view import care_history
from app.care.team import participant_zone, staff_zone
from app.checkins import review as checkin_review
from app.clinician import bp
from app.extensions import db
from app.medications import review as medication_review
from app.models import Enrolment, EnrolmentStatus, User
from app.safety import alerts as safety
from app.security import audit
from app.skills import pages as skills_pages


@bp.route("/")
def home():
    """The caseload: active participants in the programs this person works in."""
    programs = list(current_user.programs)
    program_ids = [p.id for p in programs]
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(User, Enrolment.participant_id == User.id)
        .where(Enrolment.program_id.in_(program_ids))
        .where(Enrolment.status == EnrolmentStatus.ACTIVE)
        .options(sa.orm.joinedload(Enrolment.participant), sa.orm.joinedload(Enrolment.program),
                 sa.orm.joinedload(Enrolment.primary_clinician))
        .order_by(User.display_name)
    ).all()
    current = {e.participant_id for e in enrolments}
    handover = scope.handover_enrolments(current_user, exclude=current)
    visible = current | {e.participant_id for e, _until in handover}
    grants = [g for g in break_glass.grants_in_programs(program_ids)
              if g.participant_id in visible]
    return render_template("clinician/home.html", programs=programs, enrolments=enrolments,
                           handover=handover, handover_days=scope.handover_days(),
                           grants=grants, team_changes=memberships.recent_changes(program_ids),
                           open_alerts=safety.open_alerts_for_staff(current_user),
                           zone=staff_zone(current_user))


@bp.route("/participants/<int:participant_id>")
def participant(participant_id: int):
    """One participant: enrolments and level-of-care history, alerts, check-ins and scores.

    A former program's staff see their own program's enrolment read-only, during the handover.
    """
    person = scope.get_participant_for_staff(current_user, participant_id)
    history = care_history(current_user, person)
    audit.record_view(person)
    return render_template(
        "clinician/participant.html", person=person, access=history.access,
        enrolments=history.enrolments, transitions=history.transitions, grants=history.grants,
        checkin_summary=checkin_review.summary_for(current_user, person),
        **skills_pages.staff_participant_context(current_user, person),
        zone=participant_zone(person),
        can_reset_password=reset.may_reset(current_user, person),
        medications=medication_review.record_for(current_user, person),
    )
