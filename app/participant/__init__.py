"""The participant's app: Today, Schedule, Check-in, Skills, Me."""

from flask import Blueprint

from app.security.access import Rule, blueprint_access

bp = Blueprint("participant", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

from app.participant import privacy_routes, routes  # noqa: E402,F401
