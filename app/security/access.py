"""Deny-by-default access rules.

Every view declares who may use it with `@access(...)`, or inherits its blueprint's rule set
with `blueprint_access(...)`. A request to an endpoint with no rule is refused, and a test walks
`app.url_map` so a new route without a rule fails the suite.

Anonymous visitors to a signed-in page are sent to sign in; a signed-in person of the wrong
role gets 404, so a page's existence reveals nothing.
"""

from collections.abc import Callable
from enum import StrEnum

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user

from app.models import Role


class Rule(StrEnum):
    PUBLIC = "public"  #: anyone, signed in or not
    ANONYMOUS_OR_ANY = "anonymous_or_any"  #: sign-in pages: anyone, never redirected
    SIGNED_IN = "signed_in"  #: any active account
    PARTICIPANT = "participant"
    STAFF = "staff"  #: clinicians and admins
    ADMIN = "admin"


_BLUEPRINT_RULES: dict[str, Rule] = {}
#: Flask's own endpoints, which cannot carry a decorator.
BUILTIN_RULES = {"static": Rule.PUBLIC}


def access(rule: Rule, before_consent: bool = False) -> Callable:
    """Declare who may call a view.

    Participant views are reached only after the participant accepted the privacy notice and
    while the app is not locked; `before_consent` marks the few views that come before that.
    """

    def decorate(view: Callable) -> Callable:
        view.access_rule = rule
        view.before_consent = before_consent
        return view

    return decorate


def blueprint_access(blueprint: Blueprint, rule: Rule) -> None:
    """Give every view of a blueprint a rule, unless the view declares its own."""
    _BLUEPRINT_RULES[blueprint.name] = rule


def rule_for_endpoint(app: Flask, endpoint: str) -> Rule | None:
    """The declared rule of an endpoint, or None when it has none."""
    if endpoint in BUILTIN_RULES:
        return BUILTIN_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    rule = getattr(view, "access_rule", None)
    if rule is None and "." in endpoint:
        rule = _BLUEPRINT_RULES.get(endpoint.rsplit(".", 1)[0])
    return rule


def _allowed(rule: Rule) -> bool:
    if rule in (Rule.PUBLIC, Rule.ANONYMOUS_OR_ANY, Rule.SIGNED_IN):
        return True
    role = current_user.role
    if rule == Rule.PARTICIPANT:
        return role == Role.PARTICIPANT
    if rule == Rule.STAFF:
        return role in (Role.CLINICIAN, Role.ADMIN)
    if rule == Rule.ADMIN:
        return role == Role.ADMIN
    return False


def locked_by_quick_exit() -> bool:
    """Quick exit locks on the server: a cookie set while leaving the page may never be stored."""
    locked_at = current_user.app_locked_at
    if locked_at is None or not current_user.app_lock_pin_hash:
        return False
    opened = max(session.get("signed_in_at", 0), session.get("unlocked_at", 0))
    return locked_at.timestamp() > opened


def _participant_gate() -> object | None:
    """The app lock, then the privacy notice, come before any participant page."""
    from app.care.consent import needs_consent

    if session.get("locked") or locked_by_quick_exit():
        if request.path.startswith("/api/"):
            return jsonify(error="app_locked"), 401
        return redirect(url_for("participant.unlock", next=request.full_path.rstrip("?")))
    if needs_consent(current_user):
        if request.path.startswith("/api/"):
            return jsonify(error="consent_required"), 403
        return redirect(url_for("participant.consent", next=request.full_path.rstrip("?")))
    return None


def enforce_access() -> object | None:
    """before_request hook: apply the endpoint's rule."""
    if request.endpoint is None:
        return None  # 404 or 405 follows from routing
    rule = rule_for_endpoint(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule", request.endpoint)
        abort(404)
    if rule in (Rule.PUBLIC, Rule.ANONYMOUS_OR_ANY):
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            return jsonify(error="sign_in_required"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not _allowed(rule):
        abort(404)
    if rule == Rule.PARTICIPANT:
        view = current_app.view_functions[request.endpoint]
        if not getattr(view, "before_consent", False):
            gate = _participant_gate()
            if gate is not None:
                return gate
    if rule in (Rule.STAFF, Rule.ADMIN) and not session.get("mfa"):
        # A password alone reaches no participant data: staff pass the second factor first.
        if request.path.startswith("/api/"):
            return jsonify(error="second_factor_required"), 401
        return redirect(url_for("auth.mfa_verify", next=request.full_path.rstrip("?")))
    return None
