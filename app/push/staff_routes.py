"""A clinician's or admin's devices for safety alerts, and what was sent to them."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.push import staff_bp
from app.push.forms import StaffPreferencesForm
from app.push.preferences import preferences_for, save_preferences
from app.push.routes import (
    MAX_SUBSCRIPTION_BODY,
    device_context,
    queue_test,
    remove_own_device,
    store_subscription,
)
from app.security.request_body import accepts_json


def _staff_page(form: StaffPreferencesForm, status: int = 200):
    return render_template("push/staff/reminders.html", form=form, **device_context()), status


@staff_bp.route("")
def reminders():
    """A clinician's devices for safety alerts, and what was sent to them."""
    prefs = preferences_for(current_user)
    form = StaffPreferencesForm(detailed_alert="safety_alert" in (prefs.detailed_kinds or []))
    return _staff_page(form)


@staff_bp.route("", methods=["POST"])
def save():
    """Save whether alerts say "Safety alert" on the lock screen."""
    form = StaffPreferencesForm()
    if not form.validate_on_submit():
        return _staff_page(form, 400)
    save_preferences(current_user,
                     detailed_kinds=["safety_alert"] if form.detailed_alert.data else [])
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("push_staff.reminders"))


@staff_bp.route("/subscriptions", methods=["POST"])
@accepts_json(MAX_SUBSCRIPTION_BODY)
def subscribe():
    """The Turn on button posts this browser's subscription."""
    return store_subscription()


@staff_bp.route("/devices/<int:staff_push_device_id>/remove", methods=["POST"])
def remove_device(staff_push_device_id: int):
    """Stop alerts on one of the staff member's devices."""
    return remove_own_device(staff_push_device_id, "push_staff.reminders")


@staff_bp.route("/test", methods=["POST"])
def send_test():
    """Queue a test reminder to one device (or all)."""
    return queue_test("push_staff.reminders")
