"""Operator commands: `flask --app wsgi users ...` and `flask --app wsgi demo seed`."""

from flask import Flask

from app.cli.demo import demo_cli


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(demo_cli)
