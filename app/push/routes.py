"""Me → Reminders: this phone, the participant's devices, their choices, tests and snooze.

The device helpers are shared with the staff page (staff_routes). Nothing here sends a push:
tests and snoozes add outbox rows, which the worker sends.
"""

from datetime import time
from zoneinfo import ZoneInfo

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.care.team import participant_zone
from app.database import utcnow
from app.extensions import db
from app.push import actions, bp, planner, subscriptions
from app.push.endpoints import InvalidSubscription
from app.push.forms import PreferencesForm
from app.push.kinds import KINDS
from app.push.preferences import preferences_for, save_preferences
from app.push.subscriptions import get_own_push_device
from app.push.triggers import checked_in_on
from app.push.vapid import keys
from app.security.ids import parse_id
from app.security.request_body import accepts_json
from app.security.sessions import DEVICE_KEY
from app.urls import base_url

#: A PushSubscription's JSON is well under 1 KB.
MAX_SUBSCRIPTION_BODY = 16 * 1024

NO_QUIET_HOURS = time(0, 0)


# --- shared -------------------------------------------------------------------------------------

def store_subscription():
    """Store the subscription this browser posted (JSON); 400 with the reason if refused, 409
    when the endpoint is another person's device (the browser then subscribes afresh)."""
    try:
        row, created = subscriptions.save(current_user, request.get_json(silent=True),
                                          request.user_agent.string, base_url())
    except InvalidSubscription as refused:
        return jsonify(error="invalid_subscription", reason=str(refused.reason)), 400
    except subscriptions.EndpointTaken as taken:
        return jsonify(error="endpoint_in_use", reason=str(taken)), 409
    token = subscriptions.device_token(row)
    db.session.commit()
    # Signing out on this browser ends this device (app.security.site_data).
    session[DEVICE_KEY] = row.id
    if current_user.is_participant:
        planner.plan_person(current_user, utcnow())
    return jsonify(id=row.id, device_token=token,
                   public_key=keys().public_key), 201 if created else 200


def remove_own_device(device_id: int, page: str):
    """Forget one of the signed-in person's devices (another person's is a 404)."""
    device = get_own_push_device(current_user, device_id)
    subscriptions.remove(device)
    db.session.commit()
    flash(_("Removed. That device gets no more reminders."), "success")
    return redirect(url_for(page))


def queue_test(page: str):
    """Queue a test reminder to the device named in the form, or to every device."""
    device = None
    device_id = parse_id(request.form.get("device"))
    if device_id is not None:
        device = get_own_push_device(current_user, device_id)
    if not subscriptions.devices_of(current_user):
        flash(_("Turn reminders on on a device first."), "error")
        return redirect(url_for(page)), 303
    actions.send_test(current_user, device)
    db.session.commit()
    flash(_("A test reminder is on its way. It should arrive within a minute."), "success")
    return redirect(url_for(page))


def display_zone() -> str:
    """The zone times are shown in: a participant's own, else their (or a staff member's
    first) program's, else UTC."""
    if current_user.is_participant:
        return participant_zone(current_user)
    own = getattr(current_user, "time_zone", None)
    programs = current_user.programs
    return own or (programs[0].time_zone if programs else "UTC")


def device_context() -> dict:
    """What both reminder pages show about devices."""
    return {
        "devices": subscriptions.devices_of(current_user),
        "deliveries": subscriptions.recent_deliveries(current_user),
        "public_key": keys().public_key,
        "kind_labels": {key: kind.label for key, kind in KINDS.items()},
        "zone": display_zone(),
    }


# --- participants -----------------------------------------------------------------------------

def _form_from(prefs) -> PreferencesForm:
    quiet = prefs.quiet_start != prefs.quiet_end
    form = PreferencesForm(
        session_lead=str(prefs.session_lead_minutes) if prefs.session_lead_minutes else "off",
        session_evening_before=prefs.is_session_evening_before,
        session_changes=prefs.is_session_change_on, checkin_on=prefs.is_checkin_on,
        checkin_time=prefs.checkin_time, scale_on=prefs.is_scale_on,
        homework_on=prefs.is_homework_on, homework_time=prefs.homework_time, quiet_on=quiet,
        quiet_start=prefs.quiet_start if quiet else time(21, 0),
        quiet_end=prefs.quiet_end if quiet else time(8, 0),
        detailed=list(prefs.detailed_kinds or []))
    return form


def _page(form: PreferencesForm, status: int = 200):
    now = utcnow()
    zone = display_zone()
    snooze_from = actions.latest_checkin_reminder(current_user, now)
    if snooze_from is not None and checked_in_on(
            current_user.id, now.astimezone(ZoneInfo(zone)).date(), zone):
        snooze_from = None
    return render_template("push/reminders.html", form=form, snooze_from=snooze_from,
                           **device_context()), status


@bp.route("")
def reminders():
    """Me → Reminders: this phone, the person's devices, their choices, what was sent."""
    return _page(_form_from(preferences_for(current_user)))


@bp.route("", methods=["POST"])
def save():
    """Save the reminder choices and re-plan at once (pending reminders follow them)."""
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    quiet = form.quiet_on.data
    save_preferences(
        current_user,
        session_lead_minutes=0 if form.session_lead.data == "off"
        else int(form.session_lead.data),
        is_session_evening_before=form.session_evening_before.data,
        is_session_change_on=form.session_changes.data,
        is_checkin_on=form.checkin_on.data, checkin_time=form.checkin_time.data,
        is_scale_on=form.scale_on.data,
        is_homework_on=form.homework_on.data,
        homework_time=form.homework_time.data or preferences_for(current_user).homework_time,
        quiet_start=form.quiet_start.data if quiet else NO_QUIET_HOURS,
        quiet_end=form.quiet_end.data if quiet else NO_QUIET_HOURS,
        detailed_kinds=sorted(set(form.detailed.data or [])))
    db.session.commit()
    planner.plan_person(current_user, utcnow())
    flash(_("Saved."), "success")
    return redirect(url_for("push.reminders"))


@bp.route("/subscriptions", methods=["POST"])
@accepts_json(MAX_SUBSCRIPTION_BODY)
def subscribe():
    """The Turn on button (and the page on open) posts this browser's subscription."""
    return store_subscription()


@bp.route("/devices/<int:push_device_id>/remove", methods=["POST"])
def remove_device(push_device_id: int):
    """Stop reminders on one of the participant's devices."""
    return remove_own_device(push_device_id, "push.reminders")


@bp.route("/test", methods=["POST"])
def send_test():
    """Queue a test reminder to one device (or all)."""
    return queue_test("push.reminders")


@bp.route("/snooze", methods=["POST"])
def snooze():
    """Remind me about today's check-in again in 30 minutes or an hour."""
    minutes = parse_id(request.form.get("minutes"))
    source = actions.latest_checkin_reminder(current_user)
    if minutes is None or not actions.snooze(current_user, minutes, source):
        flash(_("There is no check-in reminder to snooze right now."), "error")
        return redirect(url_for("push.reminders")), 303
    db.session.commit()
    flash(ngettext("We will remind you again in %(num)s minute.",
                   "We will remind you again in %(num)s minutes.", int(minutes)), "success")
    return redirect(url_for("push.reminders"))
