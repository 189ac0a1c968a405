"""Staff give a person a password reset link and QR code, shown once (like an invite).

A clinician may do it for a participant they may write for; an admin for anyone else. The
person is loaded through `reset.get_person_for_reset` (404 otherwise)."""

from flask import render_template
from flask_login import current_user

from app.auth import password_resets_bp as bp
from app.auth import reset
from app.auth.forms import IssueResetForm
from app.auth.invites import qr_code_svg
from app.care.team import participant_zone, staff_zone
from app.extensions import db
from app.security import audit
from app.security.audit import Action


@bp.route("/<int:person_id>", methods=["GET", "POST"])
def issue(person_id: int):
    """Confirm, then show the one-time link and its QR code."""
    person = reset.get_person_for_reset(current_user, person_id)
    form = IssueResetForm()
    if form.validate_on_submit():
        link, token = reset.issue(person, created_by=current_user._get_current_object())
        db.session.flush()
        audit.record(Action.PASSWORD_RESET_ISSUE,
                     subject=person if person.is_participant else None,
                     target=f"password_reset:{link.id}")
        db.session.commit()
        url = reset.reset_url(token)
        zone = participant_zone(person) if person.is_participant else staff_zone(current_user)
        return render_template("auth/staff/reset_created.html", person=person, link=link,
                               url=url, qr=qr_code_svg(url), zone=zone)
    return render_template("auth/staff/reset_new.html", person=person, form=form,
                           hours=int(reset.staff_lifetime().total_seconds() // 3600)), (
        400 if form.errors else 200)
