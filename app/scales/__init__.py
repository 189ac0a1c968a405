"""Standard scales (PHQ-9, GAD-7, PCL-5): answering one, when each is due, the history.

- `registry`: each scale as data (items, options, scoring, bands, the safety item, licence);
- `service`: saving a scored response (idempotent, with any safety alert in the same
  transaction), when a scale is next due, the history with its changes;
- `routes`: the participant's pages under /checkin/scales (blueprint `scales`);
- `api`: `POST /api/v1/scale-responses` for the offline queue (blueprint `scales_api`).
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("scales", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

#: The JSON API: each view declares its own rule (anonymous callers get 401 JSON).
api_bp = Blueprint("scales_api", __name__)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint."""
    from app.scales import api, routes  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
