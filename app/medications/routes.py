"""The participant's pages: their list, adding and changing what they added, marking doses,
the side-effect question and reminder choices. Everything is the signed-in participant's own."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.database import utcnow
from app.extensions import db
from app.medications import bp, doses, listing, side_effects
from app.medications import reminders as med_reminders
from app.medications.forms import MedicationForm, ReminderSettingsForm, StopForm, TimesForm
from app.medications.schedule import Dose, local_to_utc, local_today, parse_dose_key
from app.medications.today import as_needed_row, dose_row
from app.models import Medication, MedicationSource
from app.push import planner
from app.security.redirects import safe_next
from app.templating import wants_fragment


def _me():
    return current_user._get_current_object()


def _today():
    from app.care.team import participant_zone

    return local_today(participant_zone(_me()), utcnow())


def _replan() -> None:
    """Pending reminders follow the list at once (the worker would catch up on its next pass)."""
    planner.plan_person(_me(), utcnow())


def _list_page(settings_form=None, status=200):
    today = _today()
    medications = listing.medications_of(_me().id)
    current, stopped = listing.split(medications, today)
    if settings_form is None:
        saved = med_reminders.settings_for(_me())
        settings_form = ReminderSettingsForm(is_on=saved.is_on,
                                             follow_up_minutes=saved.follow_up_minutes)
    from app.care.team import participant_zone

    return render_template("medications/index.html", current=current, stopped=stopped,
                           changes=listing.changes_of(_me().id), today=today,
                           zone=participant_zone(_me()), settings_form=settings_form), status


@bp.route("")
def index():
    """My medications: what I take, what stopped, what changed, and reminder choices."""
    return _list_page()


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a medication ("added by me")."""
    form = MedicationForm()
    if request.method == "GET":
        form.start_on.data = _today()
    elif form.validate_on_submit():
        listing.add(_me(), form.details(), form.start_on.data or _today(), _me(), _today())
        _replan()
        flash(_("Added to your list."), "success")
        return redirect(url_for("medications.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("medications/form.html", form=form, medication=None,
                           suggestions=listing.name_suggestions(_me()),
                           action=url_for("medications.new")), status


def _edit_page(medication: Medication, form, stop_form, status=200):
    only_times = listing.may_change(_me(), medication) != listing.FIELDS
    return render_template("medications/form.html", form=form, medication=medication,
                           stop_form=stop_form, only_times=only_times,
                           suggestions=listing.name_suggestions(_me()),
                           action=url_for("medications.edit", medication_id=medication.id),
                           stop_action=url_for("medications.stop",
                                               medication_id=medication.id)), status


@bp.route("/<int:medication_id>/edit", methods=["GET", "POST"])
def edit(medication_id: int):
    """Change a medication I added, or the times of one from my care team."""
    medication = listing.get_own_medication(_me(), medication_id)
    current = listing.Details.of(medication.current)
    only_times = medication.source == MedicationSource.CARE_TEAM
    form = TimesForm() if only_times else MedicationForm()
    if request.method == "GET":
        form.fill(current)
        form.effective_on.data = _today()
    elif form.validate_on_submit():
        details = (listing.Details(**{**current.__dict__, "times": form.times()})
                   if only_times else form.details())
        try:
            action = listing.change(medication, details, form.effective_on.data or _today(),
                                    _me(), _today())
        except listing.Refused as refused:
            for name, message in refused.errors.items():
                getattr(form, name, form.effective_on).errors = [message]
            return _edit_page(medication, form, StopForm(stop_on=_today()), 400)
        _replan()
        flash(_("Saved.") if action else _("Nothing changed."), "success")
        return redirect(url_for("medications.index"))
    status = 400 if request.method == "POST" else 200
    return _edit_page(medication, form, StopForm(stop_on=_today()), status)


@bp.route("/<int:medication_id>/stop", methods=["POST"])
def stop(medication_id: int):
    """Stop a medication I added (its history stays)."""
    medication = listing.get_own_medication(_me(), medication_id)
    stop_form = StopForm()
    if stop_form.validate_on_submit():
        try:
            listing.stop(medication, stop_form.stop_on.data, _me(), _today())
        except listing.Refused as refused:
            stop_form.stop_on.errors = list(refused.errors.values())
        else:
            _replan()
            flash(_("Stopped. It stays in your history."), "success")
            return redirect(url_for("medications.index"))
    form = MedicationForm()
    form.fill(listing.Details.of(medication.current))
    form.effective_on.data = _today()
    return _edit_page(medication, form, stop_form, 400)


# --- marking doses ---------------------------------------------------------------------------

def _row_for(raw, error: str | None = None):
    """The dose row (or as-needed card) a mark was about, for the swap; None if unknown."""
    from app.care.team import participant_zone

    parsed = parse_dose_key(raw.get("dose"))
    if parsed is not None:
        entry = doses.own_entry(_me(), parsed[0])
        if entry is not None:
            _id, day, at = parsed
            dose = Dose(entry, day, at, local_to_utc(day, at, participant_zone(_me())))
            return "medications/_dose.html", {"row": dose_row(_me(), dose, error=error)}
    medication_id = str(raw.get("medication_id") or "")
    if medication_id.isdigit():
        medication = doses.own_medication(_me(), medication_id)
        if medication is not None:
            return "medications/_as_needed.html", {"item": as_needed_row(_me(), medication,
                                                                          error=error)}
    return None


def _next(raw) -> str:
    """The page the form was on (Today unless it says otherwise)."""
    return safe_next(raw.get("next")) or url_for("participant.today")


@bp.route("/doses", methods=["POST"])
def mark_dose():
    """Taken / Skip on Today (and "Log a dose" for an as-needed medication)."""
    raw = request.form
    try:
        doses.record(_me(), raw, source="form")
    except doses.Invalid as invalid:
        error = " ".join(invalid.errors.values())
        found = _row_for(raw, error)
        if found is None or not wants_fragment():
            flash(error, "error")
            return redirect(_next(raw)), 303
        return render_template(found[0], next_path=_next(raw), **found[1]), 422
    except doses.Conflict:
        flash(_("This was already sent with other answers; please try again."), "error")
        return redirect(_next(raw)), 303
    found = _row_for(raw)
    if found is not None and wants_fragment():
        return render_template(found[0], next_path=_next(raw), **found[1])
    flash(_("Saved."), "success")
    return redirect(_next(raw))


@bp.route("/side-effects", methods=["POST"])
def side_effect():
    """The weekly "Any side effects?" answer."""
    raw = request.form
    try:
        side_effects.answer(_me(), raw)
    except (side_effects.Invalid, side_effects.Conflict) as problem:
        errors = getattr(problem, "errors", {"answer": _("Please try again.")})
        if wants_fragment():
            question = _question(raw)
            if question is not None:
                return render_template("medications/_side_effects.html", question=question,
                                       errors=errors, raw=raw), 422
        flash(" ".join(errors.values()), "error")
        return redirect(url_for("participant.today")), 303
    if wants_fragment():
        return render_template("medications/_side_effects_saved.html",
                               not_now=raw.get("answer") == "not_now")
    flash(_("Thank you. Your care team will see this."), "success")
    return redirect(url_for("participant.today"))


def _question(raw):
    for question in side_effects.due_questions(_me()):
        if str(question.medication.id) == str(raw.get("medication_id")):
            return question
    return None


@bp.route("/reminders", methods=["POST"])
def reminder_settings():
    """Medication reminders on or off, and the follow-up delay."""
    form = ReminderSettingsForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    med_reminders.save_settings(_me(), bool(form.is_on.data), form.follow_up_minutes.data)
    db.session.commit()
    _replan()
    flash(_("Saved."), "success")
    return redirect(url_for("medications.index") + "#reminders")
