"""Concurrent uploads of one check-in (PostgreSQL): exactly one row, one alert, one id."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from app.models import Checkin, SafetyAlert
from tests.conftest import csrf_token

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("threads", [20, 50])
def test_concurrent_posts_of_one_uuid_leave_one_check_in(app, world, login_as, db, threads):
    signed_in = app.test_client()
    login_as(world.participant_a, on=signed_in)
    token = csrf_token(signed_in)
    cookie = signed_in.get_cookie(app.config["SESSION_COOKIE_NAME"])
    body = {"client_uuid": str(uuid.uuid4()), "mood": 1, "safety_thoughts": True,
            "note": "sent from a flaky connection"}
    start = threading.Barrier(threads)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def post():
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        start.wait()
        response = client.post("/api/v1/checkins", json=body, headers={"X-CSRFToken": token})
        with lock:
            results.append((response.status_code, response.get_json()))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    statuses = sorted(status for status, _body in results)
    assert len(results) == threads
    assert statuses.count(201) == 1 and statuses.count(200) == threads - 1, statuses
    assert len({payload["id"] for _status, payload in results}) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(SafetyAlert.id))) == 1
