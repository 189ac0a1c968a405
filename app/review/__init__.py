"""Clinician review: the caseload, alerts, the review queue, a participant's record, notes and
messages, exports.

- `flags`: one small rule per caseload flag (a registry other capabilities add to);
- `caseload`: the risk-sorted caseload, loaded in a fixed number of queries;
- `queue`: unreviewed check-ins and marking them reviewed;
- `record`: a participant's timeline over a range (its sources are a registry too), charts;
- `notes`: private clinical notes and messages to the participant;
- `export`: CSV (streamed) and FHIR R4 JSON, audited;
- `routes`, `record_routes`, `export_routes`: staff pages (blueprint `review`, under
  /clinician); `participant_routes`: the participant's Messages (blueprint `messages`).
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("review", __name__)
blueprint_access(bp, Rule.STAFF)

participant_bp = Blueprint("messages", __name__)
blueprint_access(participant_bp, Rule.PARTICIPANT)


def register(app: Flask) -> None:
    """Attach the views and register the blueprints and template helpers."""
    from app.review import (  # noqa: F401
        export_routes,
        participant_routes,
        record_routes,
        routes,
        timeline,
    )
    from app.review.display import init_app

    app.register_blueprint(bp, url_prefix="/clinician")
    app.register_blueprint(participant_bp)
    init_app(app)
