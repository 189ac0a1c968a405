"""The care team adds, changes and stops a participant's medications ("from your care team").

Only staff who may edit the participant (a current enrolment in one of their programs:
`scope.get_participant_for_staff(..., for_writing=True)`) reach these pages; anyone else gets
a 404. The record's medication section itself is drawn by the participant record (app/review).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care import scope
from app.care.team import participant_zone
from app.database import utcnow
from app.medications import listing, staff_bp
from app.medications.forms import MedicationForm, StopForm
from app.medications.schedule import local_today
from app.push import planner


def _participant(participant_id: int):
    return scope.get_participant_for_staff(current_user, participant_id, for_writing=True)


def _today(person):
    return local_today(participant_zone(person), utcnow())


def _back(person):
    return redirect(url_for("review.participant", participant_id=person.id) + "#medications")


def _page(person, form, medication=None, stop_form=None, status=200):
    values = {"participant_id": person.id}
    if medication is not None:
        values["medication_id"] = medication.id
    return render_template(
        "medications/staff/form.html", person=person, form=form, medication=medication,
        stop_form=stop_form, suggestions=listing.name_suggestions(person),
        action=url_for("medications_staff.edit" if medication else "medications_staff.new",
                       **values),
        stop_action=url_for("medications_staff.stop", **values) if medication else None,
    ), status


@staff_bp.route("/<int:participant_id>/medications/new", methods=["GET", "POST"])
def new(participant_id: int):
    """Add a medication to the participant's list."""
    person = _participant(participant_id)
    form = MedicationForm()
    if request.method == "GET":
        form.start_on.data = _today(person)
    elif form.validate_on_submit():
        listing.add(person, form.details(), form.start_on.data or _today(person),
                    current_user._get_current_object(), _today(person))
        planner.plan_person(person, utcnow())
        flash(_("Medication added."), "success")
        return _back(person)
    return _page(person, form, status=400 if request.method == "POST" else 200)


@staff_bp.route("/<int:participant_id>/medications/<int:medication_id>/edit",
                methods=["GET", "POST"])
def edit(participant_id: int, medication_id: int):
    """Change a medication: a new dose from a date, or a correction."""
    person = _participant(participant_id)
    medication = listing.get_medication_of(person, medication_id)
    form = MedicationForm()
    if request.method == "GET":
        form.fill(listing.Details.of(medication.current))
        form.effective_on.data = _today(person)
    elif form.validate_on_submit():
        try:
            action = listing.change(medication, form.details(),
                                    form.effective_on.data or _today(person),
                                    current_user._get_current_object(), _today(person))
        except listing.Refused as refused:
            for name, message in refused.errors.items():
                getattr(form, name, form.effective_on).errors = [message]
            return _page(person, form, medication, StopForm(stop_on=_today(person)), 400)
        planner.plan_person(person, utcnow())
        flash(_("Saved.") if action else _("Nothing changed."), "success")
        return _back(person)
    return _page(person, form, medication, StopForm(stop_on=_today(person)),
                 400 if request.method == "POST" else 200)


@staff_bp.route("/<int:participant_id>/medications/<int:medication_id>/stop",
                methods=["POST"])
def stop(participant_id: int, medication_id: int):
    """Stop a medication (its history stays)."""
    person = _participant(participant_id)
    medication = listing.get_medication_of(person, medication_id)
    stop_form = StopForm()
    if stop_form.validate_on_submit():
        try:
            listing.stop(medication, stop_form.stop_on.data,
                         current_user._get_current_object(), _today(person))
        except listing.Refused as refused:
            stop_form.stop_on.errors = list(refused.errors.values())
        else:
            planner.plan_person(person, utcnow())
            flash(_("Medication stopped. Its history stays on the record."), "success")
            return _back(person)
    form = MedicationForm()
    form.fill(listing.Details.of(medication.current))
    form.effective_on.data = _today(person)
    return _page(person, form, medication, stop_form, 400)
