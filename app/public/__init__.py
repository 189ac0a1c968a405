"""Pages anyone can open: the front door and the crisis page."""

from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint."""
    from app.public import routes  # noqa: F401

    app.register_blueprint(bp)
