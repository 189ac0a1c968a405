"""Care: programs, enrolments and level-of-care transitions, the care team, consent to the
program's privacy notice, and break-glass emergency access.

- `scope`: which participants and programs a staff member may see (404 otherwise);
- `enrolments`: enrolling, stepping down, discharging (each change a dated transition);
- `team`: a participant's current program, primary clinician and time zone;
- `consent`: the privacy notice a participant accepted, and when a new version asks again;
- `break_glass`: time-limited, audited emergency access for admins;
- `admin_routes`, `break_glass_routes`, `forms`: the admin's pages (`care_admin`, under /admin).
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

admin_bp = Blueprint("care_admin", __name__)
blueprint_access(admin_bp, Rule.ADMIN)


def register(app: Flask) -> None:
    """Attach the admin pages and register their blueprint under /admin."""
    from app.care import admin_routes, break_glass_routes  # noqa: F401

    app.register_blueprint(admin_bp, url_prefix="/admin")
