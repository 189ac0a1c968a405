"""The offline page and the queue's session check."""

from flask import jsonify, render_template
from flask_wtf.csrf import generate_csrf

from app.offline import api_bp, bp
from app.offline.owner import current_owner
from app.security.access import Rule, access


@bp.route("/offline")
@access(Rule.PUBLIC)
def offline_page():
    """What still works without signal. The service worker keeps a copy made for nobody in
    particular (no name, no data) and shows it for pages that were never saved."""
    return render_template("offline/offline.html")


@api_bp.route("/session")
@access(Rule.PARTICIPANT)
def session_check():
    """Who is signed in on this browser, as the queue knows them, and a current CSRF token.

    The queue asks before sending: it sends only the items of this owner, with this token.
    Anonymous callers get 401 JSON (the access rule), staff 404.
    """
    response = jsonify(owner=current_owner(), csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
