"""Clinician pages. Every participant is loaded through the staff scope (404 otherwise)."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care import break_glass
from app.clinician import bp
from app.clinician.forms import InviteParticipantForm
from app.database import utcnow
from app.extensions import db
from app.forms import options
from app.models import Enrolment, EnrolmentStatus, EnrolmentTransition, Invite, Role, User
from app.security import audit
from app.security.audit import Action
from app.services import checkin_review, invites, safety, scope
from app.services.accounts import AccountError


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
    )


def _invite_form() -> InviteParticipantForm:
    form = InviteParticipantForm()
    programs = scope.programs_for_staff(current_user)
    form.program_id.choices = options([(p.id, p.name) for p in programs])
    clinicians = {c for p in programs for c in p.clinicians if c.is_active}
    form.primary_clinician_id.choices = options([(0, _("None yet"))] + [
        (c.id, c.display_name) for c in sorted(clinicians, key=lambda c: c.display_name)
    ])
    if not form.is_submitted() and current_user.role == Role.CLINICIAN:
        form.primary_clinician_id.data = current_user.id
    return form


@bp.route("/invites")
def invite_list():
    """Invites to the clinician's programs, newest first, with their state."""
    program_ids = [p.id for p in scope.programs_for_staff(current_user)]
    rows = db.session.scalars(
        sa.select(Invite).where(Invite.role == Role.PARTICIPANT)
        .where(Invite.program_id.in_(program_ids))
        .order_by(Invite.created_at.desc()).limit(200)
    ).all()
    return render_template("clinician/invites.html", invites=rows, now=utcnow())


@bp.route("/invites/new", methods=["GET", "POST"])
def invite_new():
    """Invite a participant: shows the one-time link and its QR code once."""
    form = _invite_form()
    if form.validate_on_submit():
        program = scope.get_program_for_staff(current_user, form.program_id.data)
        clinician = None
        if form.primary_clinician_id.data:
            clinician = db.session.get(User, form.primary_clinician_id.data)
        try:
            invite, token = invites.invite_participant(
                form.email.data, form.display_name.data, program, form.start_date.data,
                clinician, current_user._get_current_object(),
            )
            db.session.flush()
            audit.record(Action.INVITE_CREATE, target=f"invite:{invite.id}")
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            url = invites.invite_url(token)
            return render_template(
                "clinician/invite_created.html", invite=invite, url=url,
                qr=invites.qr_code_svg(url),
            )
    status = 400 if form.errors else 200
    return render_template("clinician/invite_new.html", form=form), status


@bp.route("/invites/<int:invite_id>/revoke", methods=["POST"])
def invite_revoke(invite_id: int):
    """Withdraw an unused invite so its link stops working."""
    invite = scope.get_invite_for_staff(current_user, invite_id)
    if invite.status() == "pending":
        invite.revoked_at = utcnow()
        audit.record(Action.INVITE_REVOKE, target=f"invite:{invite.id}")
        db.session.commit()
        flash(_("The invite was withdrawn; its link no longer works."), "success")
    return redirect(url_for("clinician.invite_list"))
