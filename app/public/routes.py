"""The front door and the crisis page (reachable without signing in)."""

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.care.enrolments import current_enrolment
from app.public import bp
from app.security.access import Rule, access
from app.security.redirects import home_for
from app.templating import discreet_app_name


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
    name = discreet_app_name(enrolment)
    icon = enrolment.program.app_icon if enrolment else "leaf"
    body = {
        "name": name,
        "short_name": name,
        "start_url": url_for("public.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f7f4",
        "theme_color": "#1f5f7a",
        "icons": [{"src": url_for("static", filename=f"icons/{icon}.svg"), "sizes": "any",
                   "type": "image/svg+xml", "purpose": "any"}],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/healthz")
@access(Rule.PUBLIC)
def health():
    """For load balancers: the app answers. Says nothing about data."""
    return jsonify(status="ok")
