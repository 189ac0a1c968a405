"""GET /readyz: 200 when the database answers at the migrations' head, 503 naming what fails."""

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig


def test_ready_at_head_without_signing_in_and_without_data(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_health_answers_even_when_not_ready(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.fixture
def behind(app, db):
    """The database one migration behind the code (a deploy that skipped `flask db upgrade`)."""
    script = ScriptDirectory(app.extensions["migrate"].directory)
    [head] = script.get_heads()
    previous = script.get_revision(head).down_revision
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    db.session.commit()
    yield
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    db.session.commit()


def test_not_ready_when_the_schema_is_behind_the_code(client, behind):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "failing": "migrations"}


def _ready_on(url: str):
    """/readyz of a second app on another database (same kind of rate-limit storage)."""
    other = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    response = other.test_client().get("/readyz")
    with other.app_context():
        db.engine.dispose()
    return response


def test_not_ready_on_a_database_never_migrated(tmp_path):
    response = _ready_on(f"sqlite:///{tmp_path}/empty.db")
    assert (response.status_code, response.get_json()["failing"]) == (503, "migrations")


def test_not_ready_when_the_database_cannot_be_reached():
    # Nothing listens on port 1: the connection is refused at once.
    response = _ready_on("postgresql+psycopg://trellis@127.0.0.1:1/trellis")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "failing": "database"}


def test_not_ready_when_the_shared_rate_limit_storage_does_not_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(limiter.storage, "check", lambda: False)
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()["failing"]) == (503,
                                                                      "rate_limit_storage")
