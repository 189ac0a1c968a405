"""Clinician pages: acknowledging a safety alert, and editing a participant's safety plan."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care import scope
from app.care.team import participant_zone
from app.extensions import db
from app.safety import alerts as safety
from app.safety import plans as safety_plans
from app.safety import staff_bp
from app.safety.forms import AcknowledgeForm
from app.safety.plans import SECTIONS
from app.safety.routes import plan_form
from app.security import audit
from app.security.audit import Action
from app.templating import render, wants_fragment


def _alert_page(record, form, status=200, fragment=True):
    zone = record.program.time_zone if record.program else "UTC"
    return render("safety/staff/alert.html", "safety/staff/_alert.html" if fragment else None,
                  alert=record, zone=zone, form=form if record.is_open else None), status


@staff_bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id: int):
    """One safety alert; acknowledging records who, when and what was done."""
    record = safety.get_alert_for_staff(current_user, alert_id)
    form = AcknowledgeForm(prefix=f"alert-{record.id}")
    if request.method == "GET":
        audit.record_view(record.participant, target=f"safety_alert:{record.id}")
        return _alert_page(record, form, fragment=False)
    if not record.is_open:
        flash(_("This alert was already acknowledged; the note is shown below."), "info")
        return _alert_page(record, None)
    if not form.validate_on_submit():
        return _alert_page(record, form, 400)
    won = safety.acknowledge(record, current_user, form.action_taken.data)
    if won:
        audit.record(Action.PARTICIPANT_EDIT, subject=record.participant_id,
                     target=f"safety_alert:{record.id}")
    db.session.commit()  # the acknowledgement and its audit event together
    if wants_fragment():
        return _alert_page(record, None)  # the card, now showing who acknowledged it
    if won:
        flash(_("Alert acknowledged."), "success")
    else:
        flash(_("Someone else acknowledged this alert first; their note is on the alert."),
              "info")
    return redirect(url_for("clinician.home"))


@staff_bp.route("/participants/<int:participant_id>/safety-plan", methods=["GET", "POST"])
def participant_plan(participant_id: int):
    """A participant's safety plan, which their clinicians can write with them.

    A former program's staff read it during the handover; changing it needs a current enrolment.
    """
    person = scope.get_participant_for_staff(current_user, participant_id,
                                             for_writing=request.method == "POST")
    access = scope.care_access(current_user, person.id)
    if not access.can_write:
        audit.record_view(person, target="safety_plan")
        return render_template("safety/staff/plan.html", person=person, form=None,
                               access=access, sections=SECTIONS,
                               plan=safety_plans.plan_for(person))
    form, saved = plan_form(person, current_user._get_current_object())
    if saved:
        audit.record(Action.PARTICIPANT_EDIT, subject=person, target=f"safety_plan:{saved.id}")
        db.session.commit()
        flash(_("Safety plan saved."), "success")
        return redirect(url_for("safety_staff.participant_plan",
                                participant_id=person.id))
    if request.method == "GET":
        audit.record_view(person, target="safety_plan")  # commits the view event
    status = 400 if form.errors or form.form_errors else 200
    return render_template("safety/staff/plan.html", person=person, form=form, access=access,
                           sections=SECTIONS, plan=safety_plans.plan_for(person),
                           zone=participant_zone(person)), status
