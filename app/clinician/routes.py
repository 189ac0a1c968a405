"""Clinician pages. Every participant is loaded through the staff scope (404 otherwise)."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from app.care import break_glass, scope
from app.checkins import review as checkin_review
from app.clinician import bp
from app.extensions import db
from app.medications import review as medication_review
from app.models import Enrolment, EnrolmentStatus, EnrolmentTransition, User
from app.safety import alerts as safety
from app.security import audit


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
    grants = break_glass.grants_in_programs(program_ids)
    return render_template("clinician/home.html", programs=programs, enrolments=enrolments,
                           grants=grants, open_alerts=safety.open_alerts_for_staff(current_user))


@bp.route("/participants/<int:participant_id>")
def participant(participant_id: int):
    """One participant: enrolments and level-of-care history."""
    person = scope.get_participant_for_staff(current_user, participant_id)
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.participant_id == person.id)
        .order_by(Enrolment.start_date.desc())
    ).all()
    transitions = db.session.scalars(
        sa.select(EnrolmentTransition).where(EnrolmentTransition.participant_id == person.id)
        .order_by(EnrolmentTransition.effective_date.desc())
    ).all()
    audit.record_view(person)
    return render_template(
        "clinician/participant.html", person=person, enrolments=enrolments,
        grants=break_glass.grants_for_participant(person.id),
        transitions=transitions,
        checkin_summary=checkin_review.summary_for(current_user, person),
        medications=medication_review.record_for(current_user, person),
    )
