"""The notification's "Taken", posted by the service worker (static/js/sw-medications.js).

A notification can be answered long after the app was last open, so this endpoint takes the
signed token the notification carries (it names one participant and exactly the doses of that
reminder) instead of a session and a CSRF token. It accepts JSON only, which a cross-site form
cannot send. Each dose is saved through the same path as Today's button, with a client UUID
derived from the one the worker sent, so a retried post is a replay.
"""

import uuid

from flask import jsonify, request

from app import submissions
from app.extensions import csrf, db
from app.medications import doses, public_bp, reminders
from app.medications.answers import dose_json
from app.models import Role, User
from app.security.request_body import accepts_json

#: The doses' names, a token and a UUID: well under a kilobyte.
MAX_BODY = 4 * 1024


@public_bp.route("/medications/taken-from-notification", methods=["POST"])
@csrf.exempt
@accepts_json(MAX_BODY)
def taken_from_notification():
    """{"dose": "<names, comma-separated>", "token": "...", "client_uuid": "..."}: 201 when
    saved, 200 when already saved, 400 for a bad token, 409/422 as the API."""
    if not request.is_json:
        return jsonify(error="send_json"), 415
    data = request.get_json(silent=True) or {}
    names = str(data.get("dose", ""))
    user_id = reminders.read_token(data.get("token"), names)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active or user.role != Role.PARTICIPANT:
        return jsonify(error="invalid_token"), 400
    base = submissions.parse_client_uuid(data.get("client_uuid"))
    if base is None:
        return jsonify(errors={"client_uuid": "Send a client_uuid (a UUID)."}), 422
    saved, created = [], False
    for name in [n for n in names.split(",") if n]:
        client_uuid = str(uuid.uuid5(uuid.UUID(base), name))
        try:
            marked = doses.record(user, {"dose": name, "status": "taken",
                                         "client_uuid": client_uuid}, source="notification")
        except doses.Invalid as invalid:
            if saved:  # the others are saved; say which could not be
                continue
            return jsonify(errors=invalid.errors), 422
        except doses.Conflict:
            return jsonify(errors={"client_uuid": "Already used for other doses."}), 409
        saved.append(dose_json(marked.dose))
        created = created or marked.created
    if not saved:
        return jsonify(errors={"dose": "No dose to mark."}), 422
    return jsonify(doses=saved), 201 if created else 200
