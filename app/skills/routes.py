"""The participant's Skills tab: the library, a skill's page and guided mode, the practice log,
its history and edits, and "what helps"."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care.team import participant_zone
from app.database import utcnow
from app.skills import bp, guided, homework, insights, library, practices
from app.skills.categories import CATEGORIES
from app.templating import render, wants_fragment

HISTORY_DAYS = 30
#: A search longer than this is cut (nobody types a skill name that long).
QUERY_MAX = 80


def _me():
    return current_user._get_current_object()


def _homework_of(me, skill_id: int) -> list[homework.Progress]:
    """The participant's current homework for one skill."""
    return [h for h in homework.current(me) if h.homework.skill_id == skill_id]


@bp.route("/skills")
def index():
    """The library: homework, then favourites, recently used and every category; a search by
    name or a category narrows it to one list (htmx asks for the list alone as you type)."""
    me = _me()
    query = request.args.get("q", "")[:QUERY_MAX]
    category = request.args.get("category")
    category = category if category in CATEGORIES else None
    return render("skills/index.html", "skills/_list.html",
                  arrangement=library.arrange(me, query, category), query=query,
                  category=category, categories=CATEGORIES,
                  homework=homework.current(me))


@bp.route("/skills/<skill_key>")
def skill(skill_key: str):
    """One skill: when to use it, its steps, its guided mode, and "log a practice"."""
    me = _me()
    chosen = library.get_skill_for_participant(me, skill_key)
    return render("skills/skill.html", None, skill=chosen,
                  starred=chosen.skill.id in library.favourite_ids(me),
                  homework=_homework_of(me, chosen.skill.id))


@bp.route("/skills/<skill_key>/guided")
def guided_mode(skill_key: str):
    """The skill's guided mode: a breathing pacer, or its steps one at a time (`?step=`)."""
    chosen = library.get_skill_for_participant(_me(), skill_key)
    mode = guided.mode_of(chosen.version)
    if mode is None:
        return redirect(url_for("skills.skill", skill_key=skill_key))
    step = guided.step_number(request.args.get("step"), len(chosen.version.steps))
    return render("skills/guided.html", None, skill=chosen, mode=mode, step=step,
                  page_url=url_for("skills.guided_mode", skill_key=skill_key))


@bp.route("/skills/<skill_key>/favourite", methods=["POST"])
def favourite(skill_key: str):
    """Star or unstar a skill (`starred` = "yes" or "no"); htmx gets the button back."""
    me = _me()
    chosen = library.get_skill_for_participant(me, skill_key)
    starred = request.form.get("starred") == "yes"
    library.set_favourite(me, chosen.skill, starred)
    if wants_fragment():
        return render("skills/_star.html", None, skill=chosen, starred=starred,
                      compact=request.form.get("compact") == "yes")
    flash(_("Added to your favourites.") if starred else _("Taken out of your favourites."),
          "success")
    return redirect(url_for("skills.skill", skill_key=skill_key))


# --- the practice log -------------------------------------------------------------------------

def _form_context(me, chosen, raw: dict, errors: dict, days_back: int = 1, **extra) -> dict:
    """The practice form's context; the time picker offers today and `days_back` days more."""
    zone = participant_zone(me)
    now = utcnow().astimezone(ZoneInfo(zone))
    earliest = datetime.combine(now.date() - timedelta(days=days_back), datetime.min.time())
    return {"skill": chosen, "raw": raw, "errors": errors, "zone": zone,
            "time_min": earliest.strftime("%Y-%m-%dT%H:%M"),
            "time_max": now.strftime("%Y-%m-%dT%H:%M"), **extra}


def _redisplay(raw: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in raw.items()}


@bp.route("/skills/log")
def log():
    """Log a practice: first the skill (favourites and recently used first), then the form."""
    me = _me()
    key = request.args.get("skill")
    if not key:
        return render("skills/log_pick.html", None, arrangement=library.arrange(me))
    chosen = library.get_skill_for_participant(me, key)
    return render("skills/log.html", None, **_form_context(
        me, chosen, {}, {}, client_uuid=str(uuid.uuid4()),
        homework=_homework_of(me, chosen.skill.id)))


@bp.route("/skills/log", methods=["POST"])
def log_save():
    """Save a practice (the HTML form; the offline queue posts the same fields to the API)."""
    me = _me()
    raw = practices.form_input(request.form)
    try:
        result = practices.save(me, raw, source="form")
    except practices.Invalid as invalid:
        chosen = library.visible_skill(me, raw.get("skill") or "")
        if chosen is None:  # hidden since the form was opened: choose again
            flash(invalid.errors.get("skill", _("Choose the skill you practised.")), "error")
            return render("skills/log_pick.html", None,
                          arrangement=library.arrange(me)), 400
        context = _form_context(me, chosen, _redisplay(raw), invalid.errors,
                                client_uuid=raw.get("client_uuid") or str(uuid.uuid4()),
                                homework=_homework_of(me, chosen.skill.id))
        return render("skills/log.html", "skills/_log_form.html", **context), 400
    except practices.Conflict as conflict:
        return render("skills/conflict.html", None, practice=conflict.existing), 409
    return _saved(me, result)


def _saved(me, result: practices.SaveResult):
    zone = participant_zone(me)
    practice = result.practice
    return render("skills/saved.html", "skills/_saved.html", result=result, practice=practice,
                  zone=zone, editable=practices.is_editable(practice, zone),
                  homework=_homework_of(me, practice.skill_id))


@bp.route("/skills/history")
def history():
    """The last 30 days of practices; those still in their edit window can be changed."""
    me = _me()
    zone = participant_zone(me)
    now = utcnow()
    rows = practices.history(me, now - timedelta(days=HISTORY_DAYS))
    editable = {p.id for p in rows if practices.is_editable(p, zone, now)}
    return render("skills/history.html", None, practices=rows, editable=editable, zone=zone,
                  days=HISTORY_DAYS)


def _as_form_values(practice, zone: str) -> dict:
    raw = {key: "" if getattr(practice, key) is None else str(getattr(practice, key))
           for key in practices.ANSWERS}
    raw["practised_at"] = practice.practised_at.astimezone(ZoneInfo(zone)).strftime(
        "%Y-%m-%dT%H:%M")
    return raw


@bp.route("/skills/practices/<int:practice_id>/edit", methods=["GET", "POST"])
def edit(practice_id: int):
    """Change a practice until the end of the day after it was logged."""
    me = _me()
    practice = practices.get_own_practice(me, practice_id)
    zone = participant_zone(me)
    if not practices.is_editable(practice, zone):
        flash(_("That practice can no longer be changed. You can change a practice until the "
                "end of the day after you log it."), "info")
        return redirect(url_for("skills.history"))
    context = {"practice": practice, "editable_until": practices.editable_until(practice, zone),
               "days_back": 7, "collapse_more": False}
    if request.method == "GET":
        return render("skills/edit.html", None, **_form_context(
            me, None, _as_form_values(practice, zone), {}, **context))
    raw = practices.form_input(request.form)
    try:
        practices.update(practice, raw)
    except practices.Invalid as invalid:
        return render("skills/edit.html", None, **_form_context(
            me, None, _redisplay(raw), invalid.errors, **context)), 400
    except practices.NotEditable:
        flash(_("That practice can no longer be changed."), "info")
        return redirect(url_for("skills.history"))
    flash(_("Your practice is updated."), "success")
    return redirect(url_for("skills.history"))


@bp.route("/skills/practices/<int:practice_id>/delete", methods=["POST"])
def delete(practice_id: int):
    """Delete a practice in its edit window."""
    practice = practices.get_own_practice(_me(), practice_id)
    try:
        practices.delete(practice)
    except practices.NotEditable:
        flash(_("That practice can no longer be deleted."), "info")
    else:
        flash(_("Practice deleted."), "success")
    return redirect(url_for("skills.history"))


@bp.route("/skills/what-helps")
def what_helps():
    """What helps: the skills used most, the change in distress with them, a weekly count."""
    me = _me()
    zone = participant_zone(me)
    rows = insights.for_participant(me)
    return render("skills/what_helps.html", None, insights=rows, zone=zone,
                  weeks=insights.weekly_counts(me, zone), describe=insights)
