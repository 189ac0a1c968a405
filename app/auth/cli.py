"""`users create` and `users deactivate`."""

import sys

import click
from flask.cli import AppGroup

from app.auth import accounts
from app.extensions import db
from app.models import Role
from app.security import audit
from app.security.audit import Action

users_cli = AppGroup("users", help="Create and deactivate accounts.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: from email).")
def create(role: str, email: str, display_name: str | None) -> None:
    """Create an account; the password comes from a prompt, or from stdin when piped."""
    password = _read_password()
    try:
        user = accounts.create_user(
            email, display_name or email.split("@")[0], Role(role), password
        )
        db.session.commit()
    except accounts.AccountError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created {user.role.value} account {user.email} (id {user.id}).")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email: str) -> None:
    """Deactivate an account and end its sessions at once."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    accounts.deactivate(user)
    audit.record(Action.STAFF_DEACTIVATE, target=f"user:{user.id}")
    db.session.commit()
    click.echo(f"Deactivated {user.email}; its sessions have ended.")
