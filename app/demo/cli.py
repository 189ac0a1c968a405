"""`demo seed`: demo programs and people, development and demo mode only."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo_data

demo_cli = AppGroup("demo", help="Demo data for trying Trellis out.")


@demo_cli.command("seed")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="Where the demo server listens, for the sign-in hint.")
def seed(url: str) -> None:
    """Create (or refresh) the demo programs and accounts. Safe to run again."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException(
            "Refusing to seed demo data: this app is not in development or demo mode "
            "(set TRELLIS_ENV=development, or TRELLIS_DEMO_MODE=1 on a demo server)."
        )
    people = seed_demo_data()
    click.echo(f"Demo data ready. Sign in at {url} with any of:")
    for role, email in people:
        click.echo(f"  {role:<12} {email}")
    click.echo(f"  password     {DEMO_PASSWORD}")
    click.echo(f"  staff second step (TOTP) key: {DEMO_TOTP_SECRET}")
    # The venv's interpreter: pyotp is installed there, not in the system Python.
    click.echo("  current code: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP("
               f"'{DEMO_TOTP_SECRET}').now())\"")
