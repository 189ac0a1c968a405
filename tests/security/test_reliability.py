"""Reliability: concurrent writers lose nothing; sign-in throttling is shared between processes."""

import os
import socket
import threading
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db, limiter
from app.models import AuditEvent
from config import TestingConfig
from tests.conftest import PASSWORD, post_form

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_concurrent_writing_requests_lose_no_rows(app, world):
    """Eight clients (like gunicorn workers) each send 25 requests that read and then write.

    Every failed sign-in looks the account up and then adds an audit event; all 200 events are
    kept, and no request fails with "database is locked".
    """
    statuses, errors = [], []

    def client_thread(n):
        client = app.test_client()
        try:
            for i in range(25):
                # one address per client: 25 failures stay within an address's free ones
                response = post_form(client, "/signin", {"email": f"nobody{n}-{i}@example.org",
                                                         "password": "not the password"},
                                     environ_base={"REMOTE_ADDR": f"10.1.0.{n}"})
                statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=client_thread, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [401] * 200
    with app.app_context():
        failed = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.sign_in_failed"))
    assert failed == 200


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_failed_sign_ins_are_counted_in_storage_every_process_shares(app, world):
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"trellis-test-{uuid.uuid4().hex}"
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                "LOGIN_FREE_FAILURES": 3, "LOGIN_FIRST_DELAY_SECONDS": 600}
    apps = []

    def web_process(**overrides):
        built = create_app(TestingConfig, {**settings, **overrides})
        apps.append(built)
        return built

    try:
        first = web_process()
        for _ in range(3):
            post_form(first.test_client(), "/signin",
                      {"email": world.participant_a.email, "password": "wrong password!"})
        # Another web process starts with its own connection to the same Redis ...
        second = web_process()
        response = post_form(second.test_client(), "/signin",
                             {"email": world.participant_a.email, "password": PASSWORD})
        assert response.status_code == 429
        # ... whereas a process with private in-memory counts would not have seen them.
        alone = web_process(RATELIMIT_STORAGE_URI="memory://")
        response = post_form(alone.test_client(), "/signin",
                             {"email": world.participant_a.email, "password": PASSWORD})
        assert response.status_code == 302
    finally:
        limiter.reset()
        limiter.init_app(app)  # back to the suite's in-memory storage
        for built in apps:  # close their database connections now, not at interpreter exit
            with built.app_context():
                db.engine.dispose()
