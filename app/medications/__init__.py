"""Medications: the participant's list, dose reminders, one-tap "taken", adherence.

Trellis is not a prescribing or dispensing tool: it records what the care team and the
participant say the plan is, and whether doses were taken.

Pages and endpoints:
- `medications` (`routes`) — the participant's list, adding and changing their own, marking
  doses from Today, the side-effect question and reminder choices, under /medications;
- `medications_staff` (`staff_routes`) — the care team adds, changes and stops medications on a
  participant's record (the record's section is `review` + templates/medications/staff/);
- `medications_admin` (`admin_routes`) — each program's list of names to suggest;
- `medications_api` (`api`) — `POST /api/v1/medication-doses` for the offline queue;
- `medications_public` (`public_routes`) — the notification's "Taken", called by the service
  worker with a signed token instead of a session.

Service code: `schedule` (doses due per local day, DST-safe), `listing` (the list and its
history), `doses` (the one save path for marks), `adherence` (figures and the caseload flag),
`side_effects`, `reminders` (the push kind's planning and "Taken" token), `today` (Today's
card), `review` (the care team's section), `demo`.
"""

import uuid

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("medications", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

staff_bp = Blueprint("medications_staff", __name__)
blueprint_access(staff_bp, Rule.STAFF)

admin_bp = Blueprint("medications_admin", __name__)
blueprint_access(admin_bp, Rule.ADMIN)

#: JSON API: anonymous callers get 401 JSON.
api_bp = Blueprint("medications_api", __name__)
blueprint_access(api_bp, Rule.PARTICIPANT)

#: Token-authenticated endpoints for the service worker (no session).
public_bp = Blueprint("medications_public", __name__)
blueprint_access(public_bp, Rule.PUBLIC)


def register(app: Flask) -> None:
    """Attach the views and register the blueprints."""
    from app.medications import admin_routes, api, public_routes, routes, staff_routes  # noqa: F401
    from app.medications.review import register_with_review
    from app.medications.schedule import format_change_value, format_time_of_day

    app.jinja_env.filters["time_of_day"] = format_time_of_day
    app.jinja_env.filters["change_value"] = format_change_value
    app.jinja_env.globals["new_client_uuid"] = lambda: str(uuid.uuid4())

    app.register_blueprint(bp, url_prefix="/medications")
    app.register_blueprint(staff_bp, url_prefix="/clinician/participants")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(public_bp)
    register_with_review()
