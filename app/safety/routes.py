"""The participant's safety plan: a printable page at a stable URL, and its edit form.

/safety-plan holds nothing per request but the layout's CSRF token, so a service worker can
cache it for offline use later (the offline capability is its own issue).
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.care.team import participant_zone
from app.extensions import db
from app.models import User
from app.safety import bp
from app.safety import plans as safety_plans
from app.safety.forms import SafetyPlanForm
from app.safety.plans import SECTIONS, StaleEdit


def plan_form(participant: User, editor: User):
    """The edit form for a participant's plan; on a valid POST, save it (flushed; the caller
    commits, with its audit event if any).

    Returns (form, saved plan or None). When someone else saved meanwhile, the form keeps what
    this editor typed, says so, and the next save (deliberately) replaces the other version.
    """
    plan = safety_plans.plan_for(participant)
    form = SafetyPlanForm(obj=plan) if plan else SafetyPlanForm()
    if not form.is_submitted():
        form.version.data = str(plan.version if plan else 0)
        return form, None
    if not form.validate_on_submit():
        return form, None
    sections = {s.key: getattr(form, s.key).data for s in SECTIONS}
    try:
        saved = safety_plans.save(participant, sections, editor, form.seen_version())
        db.session.flush()
    except (StaleEdit, StaleDataError, IntegrityError):
        db.session.rollback()
        latest = safety_plans.plan_for(participant)
        form.version.data = str(latest.version if latest else 0)
        form.form_errors.append(_(
            "Someone else saved this safety plan while you were editing. What you typed is "
            "still here: check it against the plan, then save again to replace it."))
        return form, None
    return form, saved


@bp.route("/safety-plan")
def plan():
    """The participant's safety plan, ready to read in a hard moment or to print."""
    return render_template("safety/plan.html", sections=SECTIONS,
                           plan=safety_plans.plan_for(current_user),
                           zone=participant_zone(current_user))


@bp.route("/safety-plan/edit", methods=["GET", "POST"])
def plan_edit():
    """Write or change the safety plan."""
    me = current_user._get_current_object()
    form, saved = plan_form(me, me)
    if saved:
        db.session.commit()
        flash(_("Your safety plan is saved."), "success")
        return redirect(url_for("safety.plan"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("safety/plan_edit.html", form=form), status
