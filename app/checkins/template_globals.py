"""Functions that shared templates call, so other pages need no view changes to show them:
Today's "a questionnaire is due" card and the staff layout's open-alert banner."""

from flask_login import current_user

from app.checkins import bp
from app.services import safety, scale_responses


@bp.app_template_global()
def due_scales() -> list:
    """The signed-in participant's scales that are due today (empty for anyone else)."""
    if not (current_user.is_authenticated and current_user.is_participant):
        return []
    return [s for s in scale_responses.scale_statuses(current_user) if s.is_due]


@bp.app_template_global()
def open_safety_alert_count() -> int:
    """How many unacknowledged safety alerts the signed-in staff member can see."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return 0
    return safety.count_open_alerts_for_staff(current_user)


@bp.app_template_global()
def describe_safety_trigger(trigger: dict) -> str:
    """A clinician-facing sentence for what raised an alert."""
    return safety.describe(trigger)


@bp.app_template_global()
def acknowledge_form_for(alert):
    """An empty acknowledge form for one alert, its fields prefixed so ids stay unique."""
    from app.checkins.forms import AcknowledgeForm

    return AcknowledgeForm(prefix=f"alert-{alert.id}", formdata=None)
