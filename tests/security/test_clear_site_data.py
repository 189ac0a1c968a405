"""Every way a session ends tells that browser to erase its copies (Clear-Site-Data).

Involuntary ends (idle, absolute timeout) clear the cache only, so an unsent check-in in the
offline queue survives; chosen and protective ends clear cache and storage.
"""

import sqlalchemy as sa

from app.models import PushSubscription
from tests.conftest import PASSWORD, csrf_token, post_form
from tests.security.helpers import browser_subscription

EVERYTHING = '"cache", "storage"'
CACHE = '"cache"'
BEACON = {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "no-cors"}
PAGE = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}


def _age(client, minutes: float, absolute: bool = False) -> None:
    with client.session_transaction() as session:
        session["last_seen"] -= minutes * 60
        if absolute:
            session["signed_in_at"] -= minutes * 60


def _set_pin(client, pin="2468"):
    return post_form(client, "/me/app-lock", {"pin": pin, "confirm": pin, "after_minutes": "5"})


def test_ordinary_responses_clear_nothing(participant_client):
    assert "Clear-Site-Data" not in participant_client.get("/today").headers


def test_sign_out_clears_cache_and_storage_but_not_cookies(participant_client):
    response = post_form(participant_client, "/signout")
    assert response.headers["Clear-Site-Data"] == EVERYTHING
    assert "Clear-Site-Data" not in participant_client.get("/signin").headers  # only once


def test_an_idle_timeout_clears_the_cache_only(client, world, login_as):
    login_as(world.participant_a)
    _age(client, 31)
    response = client.get("/today")
    assert response.headers["Location"].startswith("/signin")
    assert response.headers["Clear-Site-Data"] == CACHE


def test_the_staff_absolute_timeout_clears_the_cache_only(client, world, login_as):
    login_as(world.clinician_a)
    _age(client, 8 * 60 + 1, absolute=True)
    assert client.get("/clinician/").headers["Clear-Site-Data"] == CACHE


def test_quick_exit_without_a_pin_clears_the_cache_on_the_next_page_load_too(
        client, world, login_as):
    login_as(world.participant_a)
    token = csrf_token(client)
    beacon = client.post("/quick-exit", data={"csrf_token": token}, headers=BEACON)
    # Unsent answers (perhaps a crisis answer) stay on the phone: the cache only, not storage.
    assert beacon.status_code == 204 and beacon.headers["Clear-Site-Data"] == CACHE
    # a beacon's answer may be ignored once the page has gone: the next page load says it again
    back = client.get("/today", headers=PAGE)
    assert back.headers["Location"].startswith("/signin")
    assert back.headers["Clear-Site-Data"] == CACHE
    assert "Clear-Site-Data" not in client.get("/signin", headers=PAGE).headers


def test_quick_exit_with_a_pin_locks_and_clears_the_cache(client, world, login_as):
    login_as(world.participant_a)
    _set_pin(client)
    beacon = client.post("/quick-exit", data={"csrf_token": csrf_token(client)}, headers=BEACON)
    assert beacon.headers["Clear-Site-Data"] == CACHE
    back = client.get("/today", headers=PAGE)
    assert back.headers["Location"].startswith("/unlock")
    assert back.headers["Clear-Site-Data"] == CACHE


def test_the_fifth_wrong_pin_clears_the_cache_but_keeps_unsent_answers(client, world, login_as):
    login_as(world.participant_a, keep_signed_in=True)
    _set_pin(client)
    _age(client, 10)
    client.get("/today")
    for _ in range(4):
        assert "Clear-Site-Data" not in post_form(client, "/unlock", {"pin": "0000"}).headers
    response = post_form(client, "/unlock", {"pin": "0000"})
    assert response.headers["Location"] == "/signin"
    assert response.headers["Clear-Site-Data"] == CACHE


def test_deactivation_is_noticed_on_the_next_request_and_clears_everything(
        app, client, world, login_as):
    login_as(world.clinician_a)
    admin = app.test_client()
    login_as(world.admin, on=admin)
    post_form(admin, f"/admin/clinicians/{world.clinician_a.id}/deactivate")
    response = client.get("/clinician/")
    assert response.headers["Location"].startswith("/signin")
    assert response.headers["Clear-Site-Data"] == EVERYTHING


def test_a_password_change_clears_the_other_browsers_when_they_come_back(
        app, client, world, login_as):
    login_as(world.participant_a)
    phone = app.test_client()
    login_as(world.participant_a, on=phone)
    response = post_form(client, "/me/password", {
        "password-current": PASSWORD, "password-password": "a brand new passphrase",
        "password-confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response.headers  # this browser stays signed in
    assert client.get("/today").status_code == 200
    assert phone.get("/today").headers["Clear-Site-Data"] == EVERYTHING


def test_signing_out_ends_this_browsers_push_device(client, world, login_as, db):
    login_as(world.participant_a)
    answer = client.post("/me/reminders/subscriptions", json=browser_subscription(),
                         headers={"X-CSRFToken": csrf_token(client)}).get_json()
    post_form(client, "/signout")
    assert db.session.get(PushSubscription, answer["id"]) is None
    assert client.post("/push/resubscribe", json={
        "token": answer["device_token"], "subscription": browser_subscription()}
    ).status_code == 400


def test_an_idle_timeout_keeps_this_browsers_push_device(client, world, login_as, db):
    login_as(world.participant_a)
    client.post("/me/reminders/subscriptions", json=browser_subscription(),
                headers={"X-CSRFToken": csrf_token(client)})
    _age(client, 31)
    client.get("/today")
    assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 1


def test_cancelling_the_second_step_clears_everything(client, world):
    post_form(client, "/signin", {"email": world.clinician_a.email, "password": PASSWORD})
    response = post_form(client, "/mfa/cancel")
    assert response.headers["Clear-Site-Data"] == EVERYTHING
