"""Sign in, sign out, invites."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint."""
    from app.auth import mfa_routes, routes  # noqa: F401

    app.register_blueprint(bp)
