"""Admin: break-glass access to one participant outside the admin's programs."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care import admin_bp as bp
from app.care import break_glass
from app.care.forms import BreakGlassForm
from app.care.team import participant_zone
from app.extensions import db
from app.formatting import format_instant
from app.models import User


@bp.route("/participants/<int:participant_id>/emergency-access", methods=["GET", "POST"])
def break_glass_grant(participant_id: int):
    """Grant yourself up to 4 hours of access, with a written reason, audited."""
    participant = db.get_or_404(User, participant_id)
    if not participant.is_participant:
        return redirect(url_for("care_admin.enrolment_list"))
    form = BreakGlassForm()
    if form.validate_on_submit():
        try:
            grant = break_glass.grant(current_user._get_current_object(), participant,
                                      form.reason.data, form.hours.data)
            db.session.commit()
        except break_glass.BreakGlassError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("Emergency access until %(time)s. It is recorded and shown to the "
                    "participant's clinicians.",
                    time=format_instant(grant.expires_at, participant_zone(participant), "time",
                                        with_zone=True)),
                  "info")
            return redirect(url_for("clinician.participant", participant_id=participant.id))
    return render_template("care/admin/break_glass.html", form=form, participant=participant), (
        400 if form.errors else 200)
