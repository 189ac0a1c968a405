"""With several web processes, sign-in failures are counted in Redis, where all of them see
the same counts (RATELIMIT_STORAGE_URI=redis://…). Needs Redis on 127.0.0.1:6379, which
.ci/run starts; outside CI the test is skipped when Redis is not there."""

import os
import uuid
from datetime import UTC, datetime

import pytest
import redis
from limits.storage import storage_from_string

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.conftest import PASSWORD, post_form

REDIS_URI = "redis://127.0.0.1:6379/0"
WRONG = "not the password at all"


@pytest.fixture
def prefix():
    """Keys of this test only (others may use the same Redis); removed afterwards."""
    try:
        connection = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1)
        connection.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    name = f"trellis-test-{uuid.uuid4().hex}"
    yield name
    for key in connection.scan_iter(f"{name}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def redis_app(app, prefix):
    """A web process whose throttle counts live in Redis (the suite's database)."""
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_STORAGE_URI": REDIS_URI,
                "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix}}
    redis_app = create_app(TestingConfig, settings)
    yield redis_app
    with redis_app.app_context():
        db.engine.dispose()  # its connections to the suite's database, closed now
    # The limiter is one object per interpreter: give it back the suite's in-memory storage.
    create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_failed_sign_ins_are_shared_through_redis(redis_app, prefix, world, monkeypatch):
    now = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setattr("app.security.throttle.utcnow", lambda: now, raising=False)
    monkeypatch.setattr("app.auth.routes.utcnow", lambda: now)
    email = world.participant_a.email
    client = redis_app.test_client()
    for _ in range(redis_app.config["LOGIN_FREE_FAILURES"]):
        response = post_form(client, "/signin", {"email": email, "password": WRONG},
                             environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert response.status_code == 401
    # Another process, with its own connection, reads the same count …
    elsewhere = storage_from_string(REDIS_URI, key_prefix=prefix)
    assert int(elsewhere.get(f"signin-account:{email.lower()}:n")) == 5
    assert elsewhere.check()
    # … and the next attempt waits, even with the right password.
    held = post_form(client, "/signin", {"email": email, "password": PASSWORD},
                     environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert held.status_code == 429


def test_ready_checks_redis_when_it_is_configured(redis_app):
    assert redis_app.test_client().get("/readyz").get_json() == {"status": "ready"}
