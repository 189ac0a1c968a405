"""Standard scales: which are due, answering one, and the history of scores."""

import uuid

from flask import abort, request
from flask_login import current_user

from app.care.team import care_enrolment, participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.service import Invalid
from app.safety import alerts as safety
from app.scales import bp
from app.scales import service as scale_responses
from app.scales.registry import SCALES, Scale
from app.submissions import Conflict
from app.templating import render


def _enabled_scale(scale_key: str) -> Scale:
    """A scale the participant's program asks, or 404."""
    scale = SCALES.get(scale_key)
    enrolment = care_enrolment(current_user)
    settings = checkin_settings.for_program(enrolment.program if enrolment else None)
    if scale is None or not settings.scales[scale.key].enabled:
        abort(404)
    return scale


@bp.route("/checkin/scales")
def index():
    """The questionnaires the participant's program asks, and when each is due."""
    statuses = scale_responses.scale_statuses(current_user)
    return render("scales/index.html", None, statuses=statuses,
                  zone=participant_zone(current_user))


@bp.route("/checkin/scales/<scale_key>", methods=["GET", "POST"])
def form(scale_key: str):
    """Answer a questionnaire; crisis help comes first when the safety item is answered."""
    scale = _enabled_scale(scale_key)
    if request.method == "GET":
        return render("scales/form.html", None, scale=scale, raw={}, errors={},
                      client_uuid=str(uuid.uuid4()), show_help=False)
    raw = {item.key: request.form.get(item.key) for item in scale.items}
    raw["client_uuid"] = request.form.get("client_uuid")
    me = current_user._get_current_object()
    try:
        result = scale_responses.save_response(me, scale, raw)
    except Invalid as invalid:
        shown = {k: ("" if v is None else str(v)) for k, v in raw.items()}
        return render("scales/form.html", "scales/_form.html", scale=scale,
                      raw=shown, errors=invalid.errors,
                      client_uuid=raw["client_uuid"] or str(uuid.uuid4()),
                      show_help=bool(safety.triggers(scale.key, invalid.values))), 400
    except Conflict:
        return render("scales/conflict.html", None, scale=scale), 409
    previous = scale_responses.history(me.id, scale, limit=2)
    change = previous[0].change if previous and previous[0].response.id == result.response.id \
        else None
    return render("scales/saved.html", "scales/_saved.html", scale=scale,
                  result=result, response=result.response, triggers=result.triggers,
                  band=scale.band(result.response.band), change=change)


@bp.route("/checkin/scales/<scale_key>/history")
def history(scale_key: str):
    """Scores over time with their bands; a meaningful change (PHQ-9: 5 points) is flagged."""
    scale = SCALES.get(scale_key)
    if scale is None:
        abort(404)
    rows = scale_responses.history(current_user.id, scale)
    return render("scales/history.html", None, scale=scale, rows=rows,
                  zone=participant_zone(current_user))
