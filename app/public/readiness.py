"""Readiness for load balancers and deploy scripts: can this process serve requests now?

Ready means the database answers, its schema is at the migrations' head (a deploy that forgot
`flask db upgrade`, or new code on an old schema, is not ready), and a shared rate-limit store
(Redis), where one is configured, answers too. The answer names the failing check only: no
versions, addresses or data.
"""

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter


def migration_heads(app: Flask) -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process)."""
    heads = app.extensions.get("trellis_migration_heads")
    if heads is None:
        script = ScriptDirectory(app.extensions["migrate"].directory)
        heads = app.extensions["trellis_migration_heads"] = frozenset(script.get_heads())
    return heads


def _current_revisions(connection: sa.Connection) -> frozenset[str]:
    """What alembic_version says (Alembic's own table; empty before the first upgrade).

    Read directly rather than through Alembic's MigrationContext, which logs two INFO lines
    each time it is set up: a load balancer asking every few seconds would flood the log.
    """
    if not sa.inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def failing_check() -> str | None:
    """The first check that fails ("database", "migrations", "rate_limit_storage"), or None."""
    app = current_app._get_current_object()
    try:
        with db.engine.connect() as connection:
            current = _current_revisions(connection)
    except SQLAlchemyError:
        return "database"
    if current != migration_heads(app):
        return "migrations"
    if not app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        try:
            reachable = limiter.storage.check()
        except Exception:  # noqa: BLE001 - any storage error means "not reachable"
            reachable = False
        if not reachable:
            return "rate_limit_storage"
    return None
