"""Clinician pages: caseload, participants, invites. Admins can use them too."""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("clinician", __name__)
blueprint_access(bp, Rule.STAFF)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint under /clinician."""
    from app.clinician import routes  # noqa: F401

    app.register_blueprint(bp, url_prefix="/clinician")
