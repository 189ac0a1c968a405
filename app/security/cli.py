"""`audit purge`: remove audit events older than the retention period, and nothing else."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.security import audit

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("purge")
def purge() -> None:
    """Delete events older than AUDIT_RETENTION_DAYS (default: six years)."""
    retention = current_app.config["AUDIT_RETENTION"]
    removed = audit.purge_older_than(retention)
    audit.record(audit.Action.AUDIT_PURGE, target=f"count:{removed}")
    db.session.commit()
    click.echo(f"Removed {removed} audit events older than {retention.days} days.")
