"""Device tokens end with their device and expire; an endpoint is never moved silently."""

import time

import pytest
import sqlalchemy as sa

from app.models import PushSubscription
from app.push import payload, subscriptions
from tests.conftest import PASSWORD, csrf_token, post_form
from tests.security.helpers import browser_subscription


def _turn_on(client, data=None):
    response = client.post("/me/reminders/subscriptions", json=data or browser_subscription(),
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def _resubscribe(client, token, data=None):
    return client.post("/push/resubscribe",
                       json={"token": token, "subscription": data or browser_subscription()})


def test_a_token_rotates_on_use_and_works_once(app, participant_client, db):
    first = _turn_on(participant_client)
    fresh = app.test_client()  # the service worker: no session
    response = _resubscribe(fresh, first["device_token"])
    assert response.status_code == 200
    second = response.get_json()["device_token"]
    assert _resubscribe(fresh, first["device_token"]).status_code == 400  # spent
    assert _resubscribe(fresh, second).status_code == 200


def test_posting_the_subscription_again_replaces_the_previous_token(participant_client, app):
    data = browser_subscription()
    first = _turn_on(participant_client, data)
    again = _turn_on(participant_client, data)
    assert again["id"] == first["id"]
    assert _resubscribe(app.test_client(), first["device_token"]).status_code == 400
    assert _resubscribe(app.test_client(), again["device_token"]).status_code == 200


def test_removing_the_device_ends_its_token(participant_client, app):
    answer = _turn_on(participant_client)
    post_form(participant_client, f"/me/reminders/devices/{answer['id']}/remove")
    assert _resubscribe(app.test_client(), answer["device_token"]).status_code == 400


def test_signing_out_on_that_device_ends_its_token(participant_client, app, db):
    answer = _turn_on(participant_client)
    post_form(participant_client, "/signout")
    assert db.session.get(PushSubscription, answer["id"]) is None
    assert _resubscribe(app.test_client(), answer["device_token"]).status_code == 400


def test_a_password_change_ends_every_token(app, participant_client, login_as, world, db):
    phone = app.test_client()
    login_as(world.participant_a, on=phone)
    answer = _turn_on(phone)
    post_form(participant_client, "/me/password", {
        "password-current": PASSWORD, "password-password": "a brand new passphrase",
        "password-confirm": "a brand new passphrase"})
    assert _resubscribe(app.test_client(), answer["device_token"]).status_code == 400
    assert db.session.get(PushSubscription, answer["id"]) is not None  # reminders still come


def test_deactivation_ends_the_devices_and_their_tokens(app, world, login_as, db):
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    answer = staff.post("/clinician/reminders/subscriptions", json=browser_subscription(),
                        headers={"X-CSRFToken": csrf_token(staff)}).get_json()
    admin = app.test_client()
    login_as(world.admin, on=admin)
    post_form(admin, f"/admin/clinicians/{world.clinician_a.id}/deactivate")
    assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 0
    assert _resubscribe(app.test_client(), answer["device_token"]).status_code == 400


def test_tokens_expire(app, participant_client, monkeypatch):
    answer = _turn_on(participant_client)
    later = time.time() + subscriptions.DEVICE_TOKEN_MAX_AGE + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert _resubscribe(app.test_client(), answer["device_token"]).status_code == 400


def test_an_old_untimed_token_is_refused(app, participant_client, world):
    answer = _turn_on(participant_client)
    from itsdangerous import URLSafeSerializer

    old_style = URLSafeSerializer(app.secret_key, salt="trellis-push-device").dumps(
        [answer["id"], world.participant_a.id])
    assert _resubscribe(app.test_client(), old_style).status_code == 400
    assert payload.device_serializer().loads(answer["device_token"])[0] == answer["id"]


def test_resubscribing_onto_another_persons_endpoint_is_refused(app, world, login_as, db):
    taken = browser_subscription()
    owner = app.test_client()
    login_as(world.participant_b, on=owner)
    _turn_on(owner, taken)
    mine = app.test_client()
    login_as(world.participant_a, on=mine)
    answer = _turn_on(mine)
    response = _resubscribe(app.test_client(), answer["device_token"],
                            {**browser_subscription(), "endpoint": taken["endpoint"]})
    assert response.status_code == 409
    owners = dict(db.session.execute(
        sa.select(PushSubscription.endpoint, PushSubscription.user_id)).tuples().all())
    assert owners[taken["endpoint"]] == world.participant_b.id


@pytest.mark.parametrize("deactivated", [True, False])
def test_a_deactivated_persons_endpoint_can_be_taken_over(app, world, login_as, db,
                                                          deactivated):
    data = browser_subscription()
    first = app.test_client()
    login_as(world.participant_b, on=first)
    _turn_on(first, data)
    if deactivated:
        world.participant_b.is_active = False
        db.session.commit()
    second = app.test_client()
    login_as(world.participant_a, on=second)
    response = second.post("/me/reminders/subscriptions", json=data,
                           headers={"X-CSRFToken": csrf_token(second)})
    assert response.status_code == (200 if deactivated else 409)
