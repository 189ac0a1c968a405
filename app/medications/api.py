"""POST /api/v1/medication-doses: the offline queue (or any client) marks a dose, exactly once
per client UUID, through the same save path as Today's buttons."""

from flask import jsonify
from flask_login import current_user

from app.medications import api_bp as bp
from app.medications import doses
from app.medications.answers import dose_json
from app.security.request_body import accepts_json, json_body

#: A mark is a few hundred bytes.
MAX_BODY = 8 * 1024


@bp.route("/medication-doses", methods=["POST"])
@accepts_json(MAX_BODY)
def create_dose():
    """Mark a dose. JSON: `client_uuid` (required), then either `dose` (a scheduled dose's
    name, as on Today and in the reminder) or `medication_id` (an as-needed medication),
    `status` ("taken", the default, or "skipped"), `reason` for a skipped dose (forgot,
    side_effects, ran_out, chose_not_to), `taken_at` (ISO 8601; without an offset it is the
    participant's local time) and `client_timestamp` (when the participant tapped).

    201 {"id", "client_uuid", "dose", "status"} when saved; 200 with the same body when the same
    UUID and content arrive again; 409 when the UUID was used with different content; 422 with
    {"errors": {field: message}} (nothing is saved).
    """
    body = json_body()  # 415 unless JSON; 400 unless one strictly valid object
    try:
        marked = doses.record(current_user._get_current_object(), body, source="api")
    except doses.Invalid as invalid:
        return jsonify(errors=invalid.errors), 422
    except doses.Conflict as conflict:
        return jsonify(errors={"client_uuid": "This client_uuid was already used for a "
                                              "different dose."},
                       **dose_json(conflict.existing)), 409
    return jsonify(dose_json(marked.dose)), 201 if marked.created else 200
