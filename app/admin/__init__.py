"""Program administration: programs, clinicians, enrolments and transitions."""

from flask import Blueprint

from app.security.access import Rule, blueprint_access

bp = Blueprint("admin", __name__)
blueprint_access(bp, Rule.ADMIN)

from app.admin import audit_routes, break_glass_routes, routes  # noqa: E402,F401
