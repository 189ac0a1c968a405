"""Progress: the participant's check-in items and scale scores over 14, 30 or 90 days.

- `charts`: the data and the server-drawn SVG charts (with summaries and tables);
- `routes`: the participant's /progress page (blueprint `progress`).
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("progress", __name__)
blueprint_access(bp, Rule.PARTICIPANT)


def register(app: Flask) -> None:
    """Attach the views and register the blueprint."""
    from app.progress import routes  # noqa: F401

    app.register_blueprint(bp)
