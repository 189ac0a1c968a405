"""Clinician pages: acknowledging a safety alert, and editing a participant's safety plan."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care import scope
from app.care.team import participant_zone
from app.database import utcnow
from app.extensions import db
from app.safety import alerts as safety
from app.safety import plans as safety_plans
from app.safety import staff_bp
from app.safety.forms import AcknowledgeForm
from app.safety.plans import SECTIONS
from app.safety.routes import plan_form
from app.security import audit
from app.security.audit import Action
from app.templating import wants_fragment


def _alert_page(card, form, status=200, fragment=True):
    zone = card.program.time_zone if card.program else "UTC"
    context = {"card": card, "zone": zone, "form": form if card.is_open else None,
               "now": utcnow()}
    if fragment and wants_fragment():
        # The card, and the open-alert counts elsewhere on the page (htmx out-of-band swaps).
        context["open_alert_count"] = safety.count_open_alerts_for_staff(current_user)
        return render_template("safety/staff/_alert_ack_response.html", **context), status
    return render_template("safety/staff/alert.html", **context), status


@staff_bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id: int):
    """One safety alert (with any other alert the same answer raised); acknowledging records
    who, when and what was done, for all of them."""
    record = safety.get_alert_for_staff(current_user, alert_id)
    card = safety.group_of(current_user, record)
    form = AcknowledgeForm(prefix=f"alert-{card.id}")
    if request.method == "GET":
        audit.record_view(record.participant, target=f"safety_alert:{record.id}")
        return _alert_page(card, form, fragment=False)
    if not card.is_open:
        flash(_("This alert was already acknowledged; the note is shown below."), "info")
        return _alert_page(card, None)
    if not form.validate_on_submit():
        return _alert_page(card, form, 400)
    won = safety.acknowledge_group(card, current_user, form.action_taken.data,
                                   form.chosen_actions())
    if won:
        for item in card.alerts:
            audit.record(Action.PARTICIPANT_EDIT, subject=item.participant_id,
                         target=f"safety_alert:{item.id}")
    db.session.commit()  # the acknowledgement and its audit events together
    card = safety.group_of(current_user, record)
    if wants_fragment():
        return _alert_page(card, None)  # the card, now showing who acknowledged it
    if won:
        flash(_("Alert acknowledged."), "success")
    else:
        flash(_("Someone else acknowledged this alert first; their note is on the alert."),
              "info")
    return redirect(url_for("review.alerts"))


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
