"""Models and migrations agree, and migrations run down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    assert _differences() == []


def test_upgrade_downgrade_upgrade(app, world, runner):
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = db.inspect(connection).get_table_names()
    assert set(tables) <= {"alembic_version"}
    upgrade()
    assert _differences() == []
