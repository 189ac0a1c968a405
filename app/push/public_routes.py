"""The service worker, and what it calls without a session (tokens authenticate instead).

A notification can be tapped long after the participant was signed out, and a push
subscription can change while no page is open, so these two endpoints take a signed token
(issued with the notification, or when the device was turned on) instead of a session and a
CSRF token. Each token names one person and one reminder or device, and can do only this.
"""

from flask import Response, current_app, jsonify, request, session, url_for
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired

from app.extensions import csrf, db
from app.models import Reminder, Role, User
from app.offline.shell import worker_script
from app.push import actions, payload, public_bp, subscriptions
from app.push.endpoints import InvalidSubscription
from app.push.routes import MAX_SUBSCRIPTION_BODY
from app.push.vapid import VapidConfigError, keys
from app.security.request_body import accepts_json
from app.urls import base_url


@public_bp.route("/sw.js")
def service_worker():
    """static/sw.js from the site root, so it controls every page of the app; its version and
    precached files are filled in by app.offline.shell."""
    response = Response(worker_script(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # a new worker is picked up at once
    return response


@public_bp.route("/push/snooze", methods=["POST"])
@csrf.exempt
@accepts_json(MAX_SUBSCRIPTION_BODY)
def snooze_from_notification():
    """"Remind me in 30 min / 1 h" on a check-in notification (called by the service worker)."""
    data = request.get_json(silent=True) or {}
    try:
        reminder_id, user_id = payload.snooze_serializer().loads(
            str(data.get("token", "")), max_age=payload.SNOOZE_TOKEN_AGE)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return jsonify(error="invalid_token"), 400
    user = db.session.get(User, user_id)
    source = db.session.get(Reminder, reminder_id)
    minutes = data.get("minutes")
    if user is None or not user.is_active or not isinstance(minutes, int):
        return jsonify(error="invalid_request"), 400
    if not actions.snooze(user, minutes, source):
        return jsonify(error="nothing_to_snooze"), 400
    db.session.commit()
    return "", 204


@public_bp.route("/push/resubscribe", methods=["POST"])
@csrf.exempt
@accepts_json(MAX_SUBSCRIPTION_BODY)
def resubscribe():
    """The service worker's new subscription after `pushsubscriptionchange`."""
    data = request.get_json(silent=True) or {}
    old = subscriptions.device_for_token(data.get("token"))
    if old is None:
        return jsonify(error="invalid_token"), 400
    user = old.user
    try:
        row, _created = subscriptions.save(user, data.get("subscription"),
                                           request.user_agent.string, base_url())
    except InvalidSubscription as refused:
        return jsonify(error="invalid_subscription", reason=str(refused.reason)), 400
    except subscriptions.EndpointTaken as taken:
        return jsonify(error="endpoint_in_use", reason=str(taken)), 409
    if old.id != row.id:
        subscriptions.remove(old)  # the browser replaced it; its endpoint is dead
    token = subscriptions.device_token(row)  # the token used here stops working
    db.session.commit()
    return jsonify(id=row.id, device_token=token)


@public_bp.app_context_processor
def push_head() -> dict:
    """Where push.js posts this browser's subscription, and the key it subscribes with."""
    if not current_user.is_authenticated:
        return {}
    if current_user.role == Role.PARTICIPANT:
        endpoint = "push.subscribe"
    elif session.get("mfa"):
        endpoint = "push_staff.subscribe"
    else:
        return {}
    try:
        public_key = keys().public_key
    except (VapidConfigError, OSError):
        current_app.logger.exception("VAPID key unavailable")
        return {}
    return {"push_subscribe_url": url_for(endpoint), "push_public_key": public_key}
