"""Accounts and signing in: sign-in and sign-out, the staff second factor, invites.

- `routes`: sign in, sign out, accepting an invite (blueprint `auth`);
- `mfa_routes`, `mfa`: the staff second factor (TOTP) and its recovery codes;
- `accounts`: creating accounts, setting passwords, deactivating;
- `invites`, `invite_routes`, `invite_forms`: one-time invite links, and the staff pages that
  issue and withdraw them (blueprint `invites`, under /clinician/invites);
- `account_routes`: a staff member's own account (My account: change password);
- `reset`, `reset_routes`, `reset_staff_routes`: password recovery, by an e-mailed link or a
  link and QR code a clinician or admin issues (blueprint `password_resets`);
- `cli`: `flask users …`.
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("auth", __name__)

invites_bp = Blueprint("invites", __name__)
blueprint_access(invites_bp, Rule.STAFF)

#: A clinician's or admin's own account (My account), under /clinician/account.
account_bp = Blueprint("account", __name__)
blueprint_access(account_bp, Rule.STAFF)

#: Reset links a clinician or admin hands to someone, under /clinician/password-resets.
password_resets_bp = Blueprint("password_resets", __name__)
blueprint_access(password_resets_bp, Rule.STAFF)


def register(app: Flask) -> None:
    """Attach the views, register the blueprints and the `users` command group."""
    from app.auth import (  # noqa: F401
        account_routes,
        invite_routes,
        mfa_routes,
        reset_routes,
        reset_staff_routes,
        routes,
    )
    from app.auth.cli import users_cli

    app.register_blueprint(bp)
    app.register_blueprint(invites_bp, url_prefix="/clinician/invites")
    app.register_blueprint(account_bp, url_prefix="/clinician/account")
    app.register_blueprint(password_resets_bp, url_prefix="/clinician/password-resets")
    app.cli.add_command(users_cli)
