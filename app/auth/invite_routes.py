"""Staff pages for inviting participants: the list, a new invite (link and QR code shown
once) and withdrawing one. Every invite is loaded through `invites.get_invite_for_staff`."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import invites
from app.auth import invites_bp as bp
from app.auth.accounts import AccountError
from app.auth.invite_forms import InviteParticipantForm
from app.care import scope
from app.database import utcnow
from app.extensions import db
from app.forms import options
from app.models import Invite, Role, User
from app.security import audit
from app.security.audit import Action


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


@bp.route("")
def index():
    """Invites to the clinician's programs, newest first, with their state."""
    program_ids = [p.id for p in scope.programs_for_staff(current_user)]
    rows = db.session.scalars(
        sa.select(Invite).where(Invite.role == Role.PARTICIPANT)
        .where(Invite.program_id.in_(program_ids))
        .order_by(Invite.created_at.desc()).limit(200)
    ).all()
    return render_template("auth/staff/invites.html", invites=rows, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
def new():
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
                "auth/staff/invite_created.html", invite=invite, url=url,
                qr=invites.qr_code_svg(url),
            )
    status = 400 if form.errors else 200
    return render_template("auth/staff/invite_new.html", form=form), status


@bp.route("/<int:invite_id>/revoke", methods=["POST"])
def revoke(invite_id: int):
    """Withdraw an unused invite so its link stops working."""
    invite = invites.get_invite_for_staff(current_user, invite_id)
    if invite.status() == "pending":
        invite.revoked_at = utcnow()
        audit.record(Action.INVITE_REVOKE, target=f"invite:{invite.id}")
        db.session.commit()
        flash(_("The invite was withdrawn; its link no longer works."), "success")
    return redirect(url_for("invites.index"))
