"""The front door and the crisis page (reachable without signing in)."""

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.care.enrolments import current_enrolment
from app.offline.manifest import manifest as manifest_for
from app.public import bp
from app.public.readiness import failing_check
from app.security.access import Rule, access
from app.security.redirects import home_for


@bp.route("/")
@access(Rule.PUBLIC)
def index():
    """Send a signed-in person to their home page, anyone else to sign in."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/crisis")
@access(Rule.PUBLIC)
def crisis():
    """Help now: the program's phone, 988 call and text, 911. Works signed in or not."""
    return render_template("public/crisis.html")


@bp.route("/manifest.webmanifest")
@access(Rule.PUBLIC)
def manifest():
    """The web app manifest; name and icon are the participant's program's neutral choice."""
    enrolment = None
    if current_user.is_authenticated and current_user.is_participant:
        enrolment = current_enrolment(current_user)
    body = manifest_for(enrolment)
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/healthz")
@access(Rule.PUBLIC)
def health():
    """For load balancers: the app answers. Says nothing about data."""
    return jsonify(status="ok")


@bp.route("/readyz")
@access(Rule.PUBLIC)
def ready():
    """For load balancers and deploys: 200 when the database answers at the migrations' head
    (and Redis, when configured), 503 naming the failing check otherwise. No data."""
    failing = failing_check()
    if failing:
        response = jsonify(status="unavailable", failing=failing)
        response.status_code = 503
    else:
        response = jsonify(status="ready")
    response.headers["Cache-Control"] = "no-store"
    return response
