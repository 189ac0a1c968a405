"""The JSON API (/api/v1) for the offline queue: session auth, CSRF token in X-CSRFToken.

Each view declares its own access rule. Errors are JSON: app/errors.py answers JSON for every
/api/ path (404, 405, a missing CSRF token's 400), and validation errors are 422 with
{"errors": {"field": "message"}}.
"""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint under /api/v1."""
    from app.api import checkins  # noqa: F401

    app.register_blueprint(bp, url_prefix="/api/v1")
