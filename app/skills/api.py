"""POST /api/v1/skill-practices: the offline queue uploads a practice, exactly once per UUID."""

from flask import jsonify
from flask_login import current_user

from app.security.access import Rule, access
from app.security.request_body import accepts_json, json_body
from app.skills import api_bp as bp
from app.skills import practices

#: A practice is a few hundred bytes; the note is the longest part.
MAX_BODY = 16 * 1024


@bp.route("/skill-practices", methods=["POST"])
@access(Rule.PARTICIPANT)
@accepts_json(MAX_BODY)
def create_practice():
    """Save a practice sent as JSON, with the form's field names (`skill` is the skill's key;
    `distress_before`, `distress_after` 0–10, `helpful` 1–5, `minutes` 1–240, `note`,
    `practised_at`) plus `client_uuid` (required), `client_timestamp` (ISO 8601) and
    `client_time_zone` (IANA).

    201 {"id", "client_uuid"} when created; 200 with the same body when the same UUID and
    content arrive again; 409 when the UUID was used with different content; 422 with
    {"errors": {field: message}} for invalid values or a skill the participant cannot log
    (nothing is saved).
    """
    body = json_body()  # 415 unless JSON; 400 unless one strictly valid object
    try:
        result = practices.save(current_user._get_current_object(), body, source="api")
    except practices.Invalid as invalid:
        return jsonify(errors=invalid.errors), 422
    except practices.Conflict as conflict:
        return jsonify(
            errors={"client_uuid": "This client_uuid was already used for a different "
                                   "practice."},
            id=conflict.existing.id, client_uuid=conflict.existing.client_uuid,
        ), 409
    payload = {"id": result.practice.id, "client_uuid": result.practice.client_uuid}
    return jsonify(payload), 201 if result.created else 200
