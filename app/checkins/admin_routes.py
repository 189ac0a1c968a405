"""Admin: which check-in items a program's participants see, which scales and how often."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.checkins import admin_bp
from app.checkins import settings as checkin_settings
from app.checkins.forms import CheckinSettingsForm
from app.checkins.items import ITEMS_BY_KEY, OPTIONAL_KEYS
from app.extensions import db
from app.forms import options
from app.models import Program
from app.scales.registry import SCALES
from app.security import audit
from app.security.audit import Action


@admin_bp.route("/programs/<int:program_id>/checkin-items", methods=["GET", "POST"])
def program_checkin_items(program_id: int):
    """Choose the program's check-in items and scales (default: every item, PHQ-9 and GAD-7
    weekly). Mood and the safety question are always asked."""
    program = db.get_or_404(Program, program_id)
    current = checkin_settings.for_program(program)
    form = CheckinSettingsForm()
    form.items.choices = options([(k, ITEMS_BY_KEY[k].label) for k in OPTIONAL_KEYS])
    if not form.is_submitted():
        form.items.data = [k for k in OPTIONAL_KEYS if current.shows(k)]
        for key, setting in current.scales.items():
            getattr(form, f"{key}_enabled").data = setting.enabled
            getattr(form, f"{key}_cadence").data = setting.cadence_days
    elif form.validate_on_submit():
        scales = {key: (getattr(form, f"{key}_enabled").data,
                        getattr(form, f"{key}_cadence").data) for key in SCALES}
        checkin_settings.save(program, set(form.items.data), scales,
                              current_user._get_current_object())
        audit.record(Action.PROGRAM_EDIT, target=f"program:{program.id}")
        db.session.commit()
        flash(_("Check-in settings saved."), "success")
        return redirect(url_for("care_admin.programs"))
    status = 400 if form.errors else 200
    return render_template("checkins/admin/settings.html", form=form, program=program), status
