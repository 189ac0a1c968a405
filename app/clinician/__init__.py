"""Clinician pages: caseload, participants, invites. Admins can use them too."""

from flask import Blueprint

from app.security.access import Rule, blueprint_access

bp = Blueprint("clinician", __name__)
blueprint_access(bp, Rule.STAFF)

from app.clinician import routes  # noqa: E402,F401
