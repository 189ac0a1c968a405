"""Staff pages under /clinician/skills: a program's list of skills (copies, own skills, hidden
ones), what helps across a program, and homework for a participant.

Programs are loaded through app.care.scope (clinicians: the programs they work in; admins: any),
participants with `for_writing=True` (a current enrolment in one of the staff member's
programs): anything else is a 404.
"""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.care import scope
from app.database import utcnow
from app.skills import editing, homework, insights, library
from app.skills import staff_bp as bp
from app.skills.categories import CATEGORIES
from app.skills.content import BREATHING_LIMITS

#: The periods the program's "what helps" page offers, in days.
PERIODS = (30, 90, 365)


def _me():
    return current_user._get_current_object()


@bp.route("/")
def index():
    """The programs whose skills this person manages."""
    return render_template("skills/staff/index.html",
                           programs=scope.programs_for_staff(_me()))


@bp.route("/programs/<int:program_id>")
def program(program_id: int):
    """A program's list: every skill, where its text comes from, and whether it is shown."""
    chosen = scope.get_program_for_staff(_me(), program_id)
    return render_template("skills/staff/program.html", program=chosen,
                           skills=library.program_library(chosen.id), categories=CATEGORIES)


def _editor_values(entry) -> dict:
    version = entry.version
    guided = version.guided or {}
    values = {"category": version.category, "name": version.name,
              "use_when": version.use_when, "steps": "\n".join(version.steps),
              "minutes": str(version.minutes), "guided_mode": guided.get("mode", "")}
    for phase in BREATHING_LIMITS:
        values[f"breathing_{phase}"] = str(guided.get(phase, ""))
    return values


def _editor(program, entry, values: dict, errors: dict, status: int = 200):
    return render_template("skills/staff/skill_form.html", program=program, entry=entry,
                           values=values, errors=errors, categories=CATEGORIES,
                           phases=BREATHING_LIMITS), status


@bp.route("/programs/<int:program_id>/new", methods=["GET", "POST"])
def new_skill(program_id: int):
    """Add a skill of the program's own."""
    chosen = scope.get_program_for_staff(_me(), program_id)
    if request.method == "GET":
        return _editor(chosen, None, {"minutes": "5"}, {})
    try:
        skill = editing.add_own(_me(), chosen, editing.form_values(request.form))
    except editing.Invalid as invalid:
        return _editor(chosen, None, request.form.to_dict(), invalid.errors, 400)
    flash(_("Skill added. Your program's participants can see it now."), "success")
    return redirect(url_for("skills_staff.program", program_id=chosen.id,
                            _anchor=f"skill-{skill.key}"))


@bp.route("/programs/<int:program_id>/skills/<skill_key>/edit", methods=["GET", "POST"])
def edit_skill(program_id: int, skill_key: str):
    """Edit the program's text of a skill: saved as its next version."""
    chosen = scope.get_program_for_staff(_me(), program_id)
    entry = library.get_skill_for_program(chosen, skill_key)
    if request.method == "GET":
        return _editor(chosen, entry, _editor_values(entry), {})
    try:
        changed = editing.edit(_me(), chosen, entry, editing.form_values(request.form))
    except editing.Invalid as invalid:
        return _editor(chosen, entry, request.form.to_dict(), invalid.errors, 400)
    flash(_("Saved as a new version. Practices logged before keep the text they were logged "
            "with.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("skills_staff.program", program_id=chosen.id,
                            _anchor=f"skill-{entry.key}"))


@bp.route("/programs/<int:program_id>/skills/<skill_key>/visibility", methods=["POST"])
def visibility(program_id: int, skill_key: str):
    """Hide a skill from the program's participants (`hidden` = "yes"), or show it ("no")."""
    chosen = scope.get_program_for_staff(_me(), program_id)
    entry = library.get_skill_for_program(chosen, skill_key)
    hidden = request.form.get("hidden")
    if hidden not in ("yes", "no"):
        flash(_("Choose whether to hide or show the skill."), "error")
    else:
        editing.set_hidden(_me(), chosen, entry, hidden == "yes")
        flash(_("“%(name)s” is hidden from participants.", name=entry.name) if hidden == "yes"
              else _("“%(name)s” is shown to participants.", name=entry.name), "success")
    return redirect(url_for("skills_staff.program", program_id=chosen.id,
                            _anchor=f"skill-{entry.key}"))


@bp.route("/programs/<int:program_id>/skills/<skill_key>/trellis-text", methods=["POST"])
def trellis_text(program_id: int, skill_key: str):
    """Go back to Trellis's text of a catalogue skill the program had edited."""
    chosen = scope.get_program_for_staff(_me(), program_id)
    entry = library.get_skill_for_program(chosen, skill_key)
    editing.use_trellis_text(_me(), chosen, entry)
    flash(_("Participants see Trellis's text of “%(name)s” again.",
            name=(entry.trellis_version or entry.version).name), "success")
    return redirect(url_for("skills_staff.program", program_id=chosen.id,
                            _anchor=f"skill-{entry.key}"))


@bp.route("/programs/<int:program_id>/what-helps")
def program_what_helps(program_id: int):
    """Across the program: which skills are practised, by how many people, and how helpful
    they were rated (no names)."""
    chosen = scope.get_program_for_staff(_me(), program_id)
    days = request.args.get("days", type=int)
    days = days if days in PERIODS else PERIODS[0]
    rows = insights.for_program(chosen.id, utcnow() - timedelta(days=days))
    return render_template("skills/staff/what_helps.html", program=chosen, insights=rows,
                           days=days, periods=PERIODS, describe=insights)


# --- homework ----------------------------------------------------------------------------------

def _homework_page(participant, values: dict, errors: dict, status: int = 200):
    today = homework.local_today(participant)
    return render_template(
        "skills/staff/homework_form.html", person=participant, values=values, errors=errors,
        skills=library.visible_skills(participant), categories=CATEGORIES, today=today,
        due_max=today + homework.DUE_WITHIN), status


@bp.route("/participants/<int:participant_id>/homework/new", methods=["GET", "POST"])
def assign_homework(participant_id: int):
    """Give a participant skills to practise, with a target and a due date."""
    participant = scope.get_participant_for_staff(_me(), participant_id, for_writing=True)
    if request.method == "GET":
        today = homework.local_today(participant)
        chosen = [k for k in request.args.getlist("skill")]
        return _homework_page(participant, {"skills": chosen, "target": "3",
                                            "due_on": (today + timedelta(days=7)).isoformat()},
                              {})
    raw = {"skills": request.form.getlist("skills"), "target": request.form.get("target"),
           "due_on": request.form.get("due_on"), "note": request.form.get("note")}
    try:
        created = homework.assign(_me(), participant, raw)
    except homework.Invalid as invalid:
        return _homework_page(participant, raw, invalid.errors, 400)
    flash(ngettext("Homework saved for %(num)s skill.", "Homework saved for %(num)s skills.",
                   len(created)), "success")
    return redirect(url_for("clinician.participant", participant_id=participant.id,
                            _anchor="skills-heading"))


@bp.route("/homework/<int:homework_id>/end", methods=["POST"])
def end_homework(homework_id: int):
    """End homework early: it leaves the participant's Today."""
    item = homework.get_homework_for_staff(_me(), homework_id)
    homework.end(_me(), item)
    flash(_("Homework ended."), "success")
    return redirect(url_for("clinician.participant", participant_id=item.participant_id,
                            _anchor="skills-heading"))
