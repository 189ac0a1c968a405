"""Coping skills: the library, the three-tap practice log, homework and "what helps".

- `catalogue` (+ `catalogue.json`): Trellis's skills as data and `flask skills sync`, which
  loads them idempotently; `categories`: the six categories;
- `library`: which skills a program's participants see (Trellis's text, the program's copy or
  its own skill; hidden ones left out), favourites and recently used; `editing`: a program's
  copies, own skills and hidden skills, each edit a new version;
- `validation`, `practices`: the one validation-and-save path of the form and the API
  (idempotent on the client's UUID through app.submissions), edits and history;
- `homework`: clinicians' assignments and their progress in the participant's local days;
- `insights`: "what helps" for a participant and for a program; `pages`: the context of the
  partials on Today and on the clinician's participant page;
- routes: `routes` (participant pages, blueprint `skills`), `public_routes` (the two guided
  exercises the crisis page links to, `skills_public`), `api` (`POST /api/v1/skill-practices`,
  `skills_api`), `staff_routes` (/clinician/skills, `skills_staff`); `demo`: demo data.
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("skills", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

#: Guided exercises anyone can open from the crisis page: no sign-in, no personal data.
public_bp = Blueprint("skills_public", __name__)
blueprint_access(public_bp, Rule.PUBLIC)

#: The JSON API: each view declares its own rule (anonymous callers get 401 JSON).
api_bp = Blueprint("skills_api", __name__)

staff_bp = Blueprint("skills_staff", __name__)
blueprint_access(staff_bp, Rule.STAFF)


def register(app: Flask) -> None:
    """Attach the views, register the blueprints and the `skills` command group."""
    from app.skills import api, public_routes, routes, staff_routes  # noqa: F401
    from app.skills.cli import skills_cli

    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(staff_bp, url_prefix="/clinician/skills")
    app.cli.add_command(skills_cli)
