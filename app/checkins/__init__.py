"""Check-ins: the daily check-in, standard scales, the crisis safety flow, the safety plan and
progress charts.

Three blueprints, one per audience: `checkins` (the participant's pages), `checkins_staff`
(under /clinician: safety alerts and a participant's safety plan) and `checkins_admin` (under
/admin: what each program asks).
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("checkins", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

staff_bp = Blueprint("checkins_staff", __name__)
blueprint_access(staff_bp, Rule.STAFF)

admin_bp = Blueprint("checkins_admin", __name__)
blueprint_access(admin_bp, Rule.ADMIN)


def register(app: Flask) -> None:
    """Attach the views and register the blueprints."""
    from app.checkins import (  # noqa: F401
        admin_routes,
        plan_routes,
        progress_routes,
        routes,
        scale_routes,
        staff_routes,
        template_globals,
    )

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/clinician")
    app.register_blueprint(admin_bp, url_prefix="/admin")
