"""The two guided exercises the crisis page links to ("While you wait"): open to anyone, signed
in or not, with Trellis's own text and no personal data (nothing is read or saved)."""

from flask import abort, request, url_for
from flask_login import current_user

from app.skills import catalogue, guided, library
from app.skills import public_bp as bp
from app.templating import render


@bp.route("/calm/<exercise>")
def exercise(exercise: str):
    """Paced breathing (`/calm/breathing`) or 5-4-3-2-1 grounding (`/calm/grounding`)."""
    if exercise not in guided.PUBLIC:
        abort(404)
    entry = catalogue.shipped()[guided.PUBLIC[exercise]]
    text = entry.text
    step = guided.step_number(request.args.get("step"), len(text.steps))
    participant = current_user.is_authenticated and current_user.is_participant
    # A participant may log it afterwards, if their program's list has it.
    can_log = participant and library.visible_skill(current_user, entry.key) is not None
    return render("skills/public_guided.html", None, text=text, mode=guided.mode_of(text),
                  step=step, page_url=url_for("skills_public.exercise", exercise=exercise),
                  signed_in_participant=participant, can_log=can_log, skill_key=entry.key)
