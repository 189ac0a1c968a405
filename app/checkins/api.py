"""POST /api/v1/checkins: the offline queue uploads a check-in, exactly once per client UUID."""

from flask import jsonify
from flask_login import current_user

from app.checkins import api_bp as bp
from app.checkins import service as checkins
from app.security.access import Rule, access
from app.security.request_body import accepts_json, json_body

#: A check-in is a few hundred bytes; a 2,000-character note in any script fits many times.
MAX_BODY = 64 * 1024


@bp.route("/checkins", methods=["POST"])
@access(Rule.PARTICIPANT)
@accepts_json(MAX_BODY)
def create_checkin():
    """Save a check-in sent as JSON, with the form's field names plus `client_uuid` (required),
    `client_timestamp` (ISO 8601) and `client_time_zone` (IANA).

    201 {"id", "client_uuid"} when created; 200 with the same body when the same UUID and
    content arrive again; 409 when the UUID was used with different content; 422 with
    {"errors": {field: message}} for invalid values (nothing is saved). A positive safety answer
    raises the care team's alert in the same transaction; the app shows crisis help from the
    answers themselves, so the response does not need to say so.
    """
    body = json_body()  # 415 unless JSON; 400 unless one strictly valid object
    try:
        result = checkins.save(current_user._get_current_object(), body, source="api")
    except checkins.Invalid as invalid:
        return jsonify(errors=invalid.errors), 422
    except checkins.Conflict as conflict:
        return jsonify(
            errors={"client_uuid": "This client_uuid was already used for a different "
                                   "check-in."},
            id=conflict.existing.id, client_uuid=conflict.existing.client_uuid,
        ), 409
    payload = {"id": result.checkin.id, "client_uuid": result.checkin.client_uuid}
    return jsonify(payload), 201 if result.created else 200
