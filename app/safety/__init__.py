"""Safety: the crisis rules, safety alerts for the care team, and the safety plan.

- `alerts`: which answers call for crisis help (mirrored in static/js/safety.js), raising an
  alert in the answer's transaction, acknowledging it, which alerts a staff member may see;
- `plans`: the participant's safety plan (sections, versions, concurrent edits);
- `routes`: the participant's plan (blueprint `safety`); `staff_routes`: an alert and a
  participant's plan for staff (`safety_staff`, under /clinician); `forms`.
"""

from flask import Blueprint, Flask
from flask_login import current_user

from app.security.access import Rule, blueprint_access

bp = Blueprint("safety", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

staff_bp = Blueprint("safety_staff", __name__)
blueprint_access(staff_bp, Rule.STAFF)


def staff_layout_context() -> dict:
    """The open-alert count the staff layout shows on every page (not in fragments)."""
    from app.safety.alerts import count_open_alerts_for_staff
    from app.templating import wants_fragment

    if not (current_user.is_authenticated and current_user.is_staff) or wants_fragment():
        return {}
    return {"open_alert_count": count_open_alerts_for_staff(current_user)}


def register(app: Flask) -> None:
    """Attach the views, register the blueprints and what staff templates use."""
    from app.safety import routes, staff_routes  # noqa: F401
    from app.safety.alerts import ACTIONS, describe, waiting_text
    from app.safety.forms import acknowledge_form_for

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/clinician")
    app.context_processor(staff_layout_context)
    app.add_template_global(describe, "describe_safety_trigger")
    app.add_template_global(acknowledge_form_for)
    app.add_template_global(waiting_text, "alert_waiting")
    app.add_template_global(ACTIONS, "ALERT_ACTIONS")
