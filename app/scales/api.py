"""POST /api/v1/scale-responses: the offline queue uploads a questionnaire, exactly once."""

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import submissions
from app.care.team import care_enrolment, participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.service import Invalid
from app.database import utcnow
from app.scales import api_bp as bp
from app.scales import service as scale_responses
from app.scales.registry import SCALES, validate_answers
from app.security.access import Rule, access
from app.security.request_body import accepts_json, json_body

FIELDS = ("scale", "answers", "client_uuid", "client_timestamp")
#: A questionnaire is a few hundred bytes; PCL-5 with every field well under 4 KiB.
MAX_BODY = 16 * 1024


def _asked_scale(key):
    """The scale named by `key` if the participant's program asks it, else None."""
    scale = SCALES.get(key) if isinstance(key, str) else None
    enrolment = care_enrolment(current_user)
    settings = checkin_settings.for_program(enrolment.program if enrolment else None)
    if scale is None or not settings.scales[scale.key].enabled:
        return None
    return scale


def _check(body: dict, now):
    """(scale, answers, client time, errors) from the body; errors as {field: message}."""
    errors = {str(k)[:64]: str(_l("Unknown field.")) for k in body if k not in FIELDS}
    scale = _asked_scale(body.get("scale"))
    if scale is None:
        errors["scale"] = str(_l("This questionnaire is not one your program asks."))
    answers = body.get("answers")
    if not isinstance(answers, dict):
        errors["answers"] = str(_l("Send the answers as an object, e.g. {\"q1\": 2}."))
        answers = {}
    elif scale is not None:
        known = {item.key for item in scale.items}
        errors.update({str(k)[:64]: str(_l("Unknown field.")) for k in answers if k not in known})
        errors.update(validate_answers(scale, answers)[1])  # every message at once
    if submissions.parse_client_uuid(body.get("client_uuid")) is None:
        errors["client_uuid"] = str(_l("Send a client_uuid: a UUID made on the device."))
    when, problem = submissions.parse_client_timestamp(
        body.get("client_timestamp"), participant_zone(current_user), now)
    if problem:
        errors["client_timestamp"] = problem
    return scale, answers, when, errors


@bp.route("/scale-responses", methods=["POST"])
@access(Rule.PARTICIPANT)
@accepts_json(MAX_BODY)
def create_scale_response():
    """Save a questionnaire sent as JSON: `scale` (e.g. "phq9"), `answers` ({"q1": 2, ...}),
    `client_uuid` (required) and `client_timestamp` (ISO 8601, when it was answered).

    201 {"id", "client_uuid"} when created; 200 with the same body when the same UUID and
    answers arrive again; 409 when the UUID was used with other answers; 422 with
    {"errors": {field: message}} for invalid values (nothing is saved). An answer that calls
    for crisis help raises the care team's alert in the same transaction, with the phone's time.
    """
    body = json_body()  # 415 unless JSON; 400 unless one strictly valid object
    scale, answers, when, errors = _check(body, utcnow())
    if errors:
        return jsonify(errors=errors), 422
    raw = {**answers, "client_uuid": body["client_uuid"]}
    try:
        result = scale_responses.save_response(current_user._get_current_object(), scale, raw,
                                               client_recorded_at=when)
    except Invalid as invalid:
        return jsonify(errors=invalid.errors), 422
    except submissions.Conflict as conflict:
        return jsonify(
            errors={"client_uuid": "This client_uuid was already used for different answers."},
            id=conflict.existing.id, client_uuid=conflict.existing.client_uuid,
        ), 409
    response = result.response
    payload = {"id": response.id, "client_uuid": response.client_uuid}
    return jsonify(payload), 201 if result.created else 200
