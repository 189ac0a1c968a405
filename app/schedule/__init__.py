"""Session schedule: participants' sessions and calendar, staff's series and rosters.

Two blueprints: `schedule` for participants (their sessions, notices, attendance history and
calendar link; the feed itself is public behind its secret token) and `sessions` for clinicians
and admins (series, cancellations and moves, attendance rosters). Today and Schedule stay
`participant.today` and `participant.schedule`, built from `app.schedule.pages`.
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("schedule", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

staff_bp = Blueprint("sessions", __name__)
blueprint_access(staff_bp, Rule.STAFF)


def register(app: Flask) -> None:
    """Attach the views and register the blueprints."""
    from app.schedule import display, participant_routes, staff_routes  # noqa: F401
    from app.schedule.rule_words import series_words

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/clinician/sessions")
    app.add_template_global(series_words)
