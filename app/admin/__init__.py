"""The admin shell: the admin's home page (each administrative page lives in its capability)."""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("admin", __name__)
blueprint_access(bp, Rule.ADMIN)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint under /admin."""
    from app.admin import routes  # noqa: F401

    app.register_blueprint(bp, url_prefix="/admin")
