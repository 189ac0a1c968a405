"""The clinician shell: the staff layout's navigation (templates/layouts/staff.html) and the
counts it shows. The pages themselves belong to their capabilities: the caseload, review queue,
alerts, participant record and exports to `app.review`, schedules to `app.schedule`."""

from flask import Flask
from flask_login import current_user


def navigation_context() -> dict:
    """How many check-ins wait for review, for the navigation (not in fragments)."""
    from app.review.queue import count
    from app.templating import wants_fragment

    if not (current_user.is_authenticated and current_user.is_staff) or wants_fragment():
        return {}
    return {"unreviewed_count": count(current_user)}


def register(app: Flask) -> None:
    """Give the staff layout its counts."""
    app.context_processor(navigation_context)
