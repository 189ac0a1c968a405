"""Check-ins: the daily check-in, its items and each program's settings.

- `routes`: the form, what follows saving it, today's edits and deletions (blueprint
  `checkins`); `api`: `POST /api/v1/checkins` for the offline queue (`checkins_api`);
  `admin_routes`, `forms`: which items and scales a program asks (`checkins_admin`, /admin);
- `service`: the one validation-and-save path the form and the API share (idempotent on the
  client's UUID through app.submissions); `validation`: cleaning raw answers; `items`: the
  check-in items as data; `settings`: a program's items and scale cadences;
- `review`: what a clinician sees of a participant's recent check-ins; `demo`: demo data.
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("checkins", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

#: The JSON API: each view declares its own rule (anonymous callers get 401 JSON).
api_bp = Blueprint("checkins_api", __name__)

admin_bp = Blueprint("checkins_admin", __name__)
blueprint_access(admin_bp, Rule.ADMIN)


def register(app: Flask) -> None:
    """Attach the views and register the blueprints."""
    from app.checkins import admin_routes, api, routes  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(admin_bp, url_prefix="/admin")
