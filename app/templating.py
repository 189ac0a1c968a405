"""Template helpers: full page or htmx fragment, and values every layout needs."""

from flask import Flask, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.care.enrolments import current_enrolment


def wants_fragment() -> bool:
    """The one rule for "page or fragment": an htmx request that is not a boosted navigation.

    A boosted link or form (hx-boost) swaps the whole body, so it wants the whole page. Every
    HTML response carries `Vary: HX-Request` (app.security.headers), so caches keep the two
    apart.
    """
    return bool(request.htmx) and not request.htmx.boosted


def render(template: str, fragment: str | None = None, **context) -> str:
    """Render the full page, or only `fragment` when htmx asks for a piece of the page."""
    if fragment and wants_fragment():
        return render_template(fragment, **context)
    return render_template(template, **context)


def discreet_app_name(enrolment) -> str:
    """The neutral name shown in titles and on the home screen (program-configurable)."""
    if enrolment is not None and enrolment.program.app_name:
        return enrolment.program.app_name
    return "Trellis"


def init_app(app: Flask) -> None:
    """Register the layout's context (date and time filters live in app.formatting)."""
    app.jinja_env.globals["get_locale"] = get_locale

    @app.context_processor
    def layout_context() -> dict:
        enrolment = None
        navigation = True
        if current_user.is_authenticated and current_user.is_participant:
            enrolment = current_enrolment(current_user)
            navigation = participant_can_navigate()
        return {"participant_enrolment": enrolment, "LANGUAGES": app.config["LANGUAGES"],
                "app_name": discreet_app_name(enrolment), "show_navigation": navigation}


def participant_can_navigate() -> bool:
    """The bottom navigation leads somewhere only once the app is unlocked and the privacy
    notice accepted; before that every tab would bring the person back, so it is hidden."""
    from app.care.consent import needs_consent
    from app.security.access import locked_by_quick_exit

    return not (session.get("locked") or locked_by_quick_exit() or needs_consent(current_user))
