"""Push reminders in the browser: Me → Reminders, devices, and the service worker.

Three blueprints: `push` (the participant's Me → Reminders, under /me/reminders), `push_staff`
(a clinician's or admin's devices for safety alerts, under /clinician/reminders) and
`push_public` (the service worker at /sw.js, and the two token-authenticated endpoints the
service worker calls without a session: snooze from a notification, and re-subscribe).
"""

from flask import Blueprint

from app.security.access import Rule, blueprint_access

bp = Blueprint("push", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

staff_bp = Blueprint("push_staff", __name__)
blueprint_access(staff_bp, Rule.STAFF)

public_bp = Blueprint("push_public", __name__)
blueprint_access(public_bp, Rule.PUBLIC)

from app.push import public_routes, routes, staff_routes  # noqa: E402,F401


def register(app) -> None:
    """Register the blueprints (one call from the app factory)."""
    app.register_blueprint(bp, url_prefix="/me/reminders")
    app.register_blueprint(staff_bp, url_prefix="/clinician/reminders")
    app.register_blueprint(public_bp)
