"""The participant's app: Today, Schedule, Check-in, Skills, Me."""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("participant", __name__)
blueprint_access(bp, Rule.PARTICIPANT)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint."""
    from app.participant import privacy_routes, routes  # noqa: F401

    app.register_blueprint(bp)
