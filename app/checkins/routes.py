"""The daily check-in: the form, what follows saving it, and today's edits and deletions."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care.team import care_enrolment, participant_zone
from app.checkins import bp
from app.checkins import service as checkins
from app.checkins import settings as checkin_settings
from app.checkins.items import FEELINGS, ITEMS, MOOD_LABELS
from app.checkins.service import get_own_checkin
from app.database import utcnow
from app.safety import alerts as safety
from app.scales import service as scale_service
from app.templating import render

HISTORY_DAYS = 14


def _me():
    return current_user._get_current_object()


def _form_context(raw: dict, errors: dict, **extra) -> dict:
    """What the check-in form template needs, for a new or an edited check-in."""
    enrolment = care_enrolment(_me())
    settings = checkin_settings.for_program(enrolment.program if enrolment else None)
    return {
        "items": [i for i in ITEMS if settings.shows(i.key)],
        "mood_labels": MOOD_LABELS,
        "feelings": FEELINGS,
        "raw": raw,
        "errors": errors,
        "show_help": bool(extra.pop("triggers", None)),
        **extra,
    }


def _redisplay(raw: dict) -> dict:
    """Raw form values as the template compares them: strings, and a list of feelings."""
    return {k: (v if k == "feelings" else ("" if v is None else str(v))) for k, v in raw.items()}


@bp.route("/checkin", methods=["GET", "POST"])
def checkin():
    """The daily check-in. Saving shows crisis help first when an answer calls for it."""
    if request.method == "GET":
        return render("checkins/checkin.html", None,
                      due_scales=scale_service.due_scales(_me()),
                      **_form_context({}, {}, client_uuid=str(uuid.uuid4()),
                                      action=url_for("checkins.checkin")))
    raw = checkins.form_input(request.form)
    try:
        result = checkins.save(_me(), raw, source="form")
    except checkins.Invalid as invalid:
        context = _form_context(_redisplay(raw), invalid.errors,
                                triggers=safety.triggers(safety.CHECKIN, invalid.values),
                                client_uuid=raw.get("client_uuid") or str(uuid.uuid4()),
                                action=url_for("checkins.checkin"))
        return render("checkins/checkin.html", "checkins/_checkin_form.html", **context), 400
    except checkins.Conflict as conflict:
        return render("checkins/conflict.html", None, checkin=conflict.existing), 409
    return _saved(result)


def _saved(result: checkins.SaveResult):
    zone = participant_zone(_me())
    return render("checkins/saved.html", "checkins/_saved.html", result=result,
                  checkin=result.checkin, triggers=result.triggers, zone=zone,
                  editable=checkins.is_editable(result.checkin, zone),
                  mood_labels=MOOD_LABELS, feelings=FEELINGS)


@bp.route("/checkin/history")
def history():
    """The last two weeks of check-ins; today's can still be changed or deleted."""
    me = _me()
    zone = participant_zone(me)
    now = utcnow()
    rows = checkins.recent(me, now - timedelta(days=HISTORY_DAYS))
    today = [c for c in rows if checkins.is_editable(c, zone, now)]
    earlier = [c for c in rows if c not in today]
    return render("checkins/history.html", None, today=today, earlier=earlier, zone=zone,
                  mood_labels=MOOD_LABELS, feelings=FEELINGS, days=HISTORY_DAYS)


def _as_form_values(checkin, zone: str) -> dict:
    raw = {}
    for item in ITEMS:
        value = getattr(checkin, item.key)
        if isinstance(value, bool):
            raw[item.key] = "yes" if value else "no"
        elif item.key == "feelings":
            raw[item.key] = list(value or [])
        elif isinstance(value, float):
            raw[item.key] = f"{value:g}"
        else:
            raw[item.key] = "" if value is None else str(value)
    raw["occurred_at"] = checkin.occurred_at.astimezone(
        ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    return raw


@bp.route("/checkin/<int:checkin_id>/edit", methods=["GET", "POST"])
def edit(checkin_id: int):
    """Change one of today's check-ins."""
    me = _me()
    checkin = get_own_checkin(me, checkin_id)
    zone = participant_zone(me)
    if not checkins.is_editable(checkin, zone):
        flash(_("That check-in is from an earlier day, so it can no longer be changed."), "info")
        return redirect(url_for("checkins.history"))
    action = url_for("checkins.edit", checkin_id=checkin.id)
    if request.method == "GET":
        return render("checkins/edit.html", None, checkin=checkin,
                      **_form_context(_as_form_values(checkin, zone), {}, action=action))
    raw = checkins.form_input(request.form)
    try:
        result = checkins.update(checkin, raw)
    except checkins.Invalid as invalid:
        context = _form_context(_redisplay(raw), invalid.errors, action=action,
                                triggers=safety.triggers(safety.CHECKIN, invalid.values))
        return render("checkins/edit.html", "checkins/_checkin_form.html", checkin=checkin,
                      **context), 400
    except checkins.NotEditable:
        flash(_("That check-in is from an earlier day, so it can no longer be changed."), "info")
        return redirect(url_for("checkins.history"))
    return _saved(result)


@bp.route("/checkin/<int:checkin_id>/delete", methods=["POST"])
def delete(checkin_id: int):
    """Delete one of today's check-ins (a safety alert it raised stays with the care team)."""
    me = _me()
    checkin = get_own_checkin(me, checkin_id)
    try:
        checkins.delete(checkin)
    except checkins.NotEditable:
        flash(_("That check-in is from an earlier day, so it can no longer be deleted."), "info")
    else:
        flash(_("Check-in deleted."), "success")
    return redirect(url_for("checkins.history"))
