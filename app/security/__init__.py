"""Security mechanisms every capability relies on, and the audit trail.

- `access`: deny-by-default access rules (`@access`, `blueprint_access`) and the request gate;
- `sessions`: revocable sign-in sessions with idle and absolute timeouts;
- `site_data`: Clear-Site-Data on the next response after a session ends;
- `passwords`: length rules, the common-password list, argon2id hashing;
- `throttle`: counting failed attempts in storage every web process shares;
- `headers`: Content-Security-Policy and the other headers on every response;
- `redirects`: where a person lands, and `next=` targets that stay on this site;
- `ids`, `request_body`, `text_input`: input at the boundary (ids a database integer holds,
  body size limits and strict JSON, no NUL characters);
- `audit`: the append-only audit trail (`audit_routes`: the admins' filter and CSV export;
  `cli`: `flask audit purge`).
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

#: The admins' audit log, under /admin.
audit_bp = Blueprint("audit", __name__)
blueprint_access(audit_bp, Rule.ADMIN)


def register(app: Flask) -> None:
    """Install the security hooks (headers, timeouts, access rules) and the audit pages."""
    from app.security import (  # noqa: F401
        audit,
        audit_routes,
        headers,
        request_body,
        sessions,
        site_data,
    )
    from app.security.access import enforce_access
    from app.security.cli import audit_cli
    from app.security.ids import BoundedIntConverter
    from app.security.text_input import refuse_nul_characters

    # Before any blueprint adds its routes (security registers first): every <int:…> is bounded.
    app.url_map.converters["int"] = BoundedIntConverter
    request_body.init_app(app)
    app.before_request(refuse_nul_characters)
    headers.init_app(app)
    audit.init_app(app)
    site_data.init_app(app)
    app.before_request(sessions.notice_revoked_session)
    app.before_request(sessions.enforce_timeouts)
    app.before_request(enforce_access)
    app.register_blueprint(audit_bp, url_prefix="/admin")
    app.cli.add_command(audit_cli)
