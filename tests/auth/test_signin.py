"""Signing in and out."""

import re
from datetime import timedelta

import pytest

from app.database import utcnow
from app.models import Role
from tests.conftest import PASSWORD, csrf_token, post_form


def test_participant_signs_in_and_lands_on_today(client, world):
    response = post_form(client, "/signin", {"email": world.participant_a.email,
                                             "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"
    assert "Participant A" in client.get("/today").get_data(as_text=True)


@pytest.mark.parametrize(("who", "home"), [("clinician_a", "/clinician/"), ("admin", "/admin/")])
def test_staff_land_on_their_home_after_the_second_step(client, world, login_as, who, home):
    response = login_as(getattr(world, who))
    assert response.headers["Location"] == home


def test_email_is_case_insensitive(client, world):
    response = post_form(client, "/signin", {"email": "  " + world.participant_a.email.upper(),
                                             "password": PASSWORD})
    assert response.status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, world):
    wrong = post_form(client, "/signin", {"email": world.participant_a.email,
                                          "password": "not the password at all"})
    unknown = post_form(client, "/signin", {"email": "nobody@example.org",
                                            "password": "not the password at all"})
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: r.get_data(as_text=True).replace(world.participant_a.email, "") \
        .replace("nobody@example.org", "")  # noqa: E731
    # the pages differ only in the email echoed back into the field (and the CSRF token)
    import re
    token = re.compile(r'[A-Za-z0-9._-]{40,}')
    assert token.sub("", strip(wrong)) == token.sub("", strip(unknown))
    assert "do not match an account" in wrong.get_data(as_text=True)


def test_wrong_password_keeps_the_email_and_clears_the_password(client, world):
    response = post_form(client, "/signin", {"email": "someone@example.org",
                                             "password": "typed-password-123"})
    html = response.get_data(as_text=True)
    assert 'value="someone@example.org"' in html
    assert "typed-password-123" not in html


def test_deactivated_account_cannot_sign_in(client, world, db):
    world.clinician_a.is_active = False
    db.session.commit()
    response = post_form(client, "/signin", {"email": world.clinician_a.email,
                                             "password": PASSWORD})
    assert response.status_code == 401


def test_missing_fields_are_named(client):
    response = post_form(client, "/signin", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter your email." in html and "Enter your password." in html


def test_form_without_csrf_token_is_refused(client, world):
    response = client.post("/signin", data={"email": world.participant_a.email,
                                            "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_htmx_request_without_csrf_header_is_refused_and_with_it_accepted(client, world,
                                                                          login_as):
    login_as(world.participant_a)
    data = {"profile-display_name": "Al", "profile-language": "en"}
    refused = client.post("/me/profile", data=data, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post("/me/profile", data=data,
                           headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    assert accepted.status_code == 200 and "Saved." in accepted.get_data(as_text=True)


def test_failures_beyond_the_free_ones_wait_and_the_page_says_how_long(app, client, world):
    """From a browser that never signed in to the account (the policy: docs/security.md;
    tests/security/test_lockout.py has the person's own browser and the delays)."""
    email = world.participant_a.email
    for attempt in range(app.config["LOGIN_FREE_FAILURES"]):
        environ = {"REMOTE_ADDR": f"10.0.0.{attempt}"}
        response = post_form(client, "/signin", {"email": email, "password": "wrong password!"},
                             environ_base=environ)
        assert response.status_code == 401, attempt
    # even the right password waits now, and the page says how long (no UTC clock time)
    response = post_form(client, "/signin", {"email": email, "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert re.search(r"try again in (1 second|\d+ seconds|1 minute|\d+ minutes)\.", html)
    assert "UTC" not in html


def test_failures_from_one_address_are_throttled_across_accounts(app, client, world):
    app.config["LOGIN_FREE_FAILURES_PER_IP"] = 5
    try:
        for n in range(5):
            post_form(client, "/signin", {"email": f"guess{n}@example.org", "password": "x" * 12})
        response = post_form(client, "/signin", {"email": world.participant_a.email,
                                                 "password": PASSWORD})
        assert response.status_code == 429
    finally:
        app.config["LOGIN_FREE_FAILURES_PER_IP"] = 30


def test_success_clears_the_account_failures(client, world):
    email = world.participant_a.email
    for _ in range(3):
        post_form(client, "/signin", {"email": email, "password": "wrong password!"})
    assert post_form(client, "/signin", {"email": email, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "\\\\evil.example", "https://evil.example",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_only_redirects_within_the_site(client, world, target):
    response = post_form(client, f"/signin?next={target}",
                         {"email": world.participant_a.email, "password": PASSWORD})
    assert response.headers["Location"] == "/today"


def test_next_returns_to_the_page_asked_for(client, world):
    response = post_form(client, "/signin?next=/me", {"email": world.participant_a.email,
                                                      "password": PASSWORD})
    assert response.headers["Location"] == "/me"


def test_sign_in_starts_a_new_session(client, world):
    client.get("/signin")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_form(client, "/signin", {"email": world.participant_a.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_ends_the_session_and_a_replayed_cookie_is_refused(app, client, world, login_as):
    login_as(world.participant_a)
    stolen = client.get_cookie("trellis_session").value
    response = post_form(client, "/signout")
    assert response.status_code == 302
    # cache and storage; not cookies, so the device cookie that shields the person from
    # lockouts survives (the session cookie is emptied anyway: the replay below)
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    replay = app.test_client()
    replay.set_cookie("trellis_session", stolen)
    response = replay.get("/today")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin")


def test_sign_out_on_one_device_signs_out_the_others(app, client, world, login_as):
    phone = app.test_client()
    login_as(world.participant_a, on=phone)
    login_as(world.participant_a)
    post_form(client, "/signout")
    assert phone.get("/today").status_code == 302


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("trellis_session="))


def test_session_cookie_flags(client, world, login_as):
    response = login_as(world.participant_a)
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # ends with the browser unless "keep me signed in"


def test_keep_me_signed_in_makes_a_thirty_day_cookie_for_participants(client, world, login_as):
    response = post_form(client, "/signin", {"email": world.participant_a.email,
                                             "password": PASSWORD, "keep_signed_in": "y"})
    assert "Expires" in _session_cookie(response)


def test_staff_cannot_keep_signed_in(client, world, login_as):
    response = login_as(world.clinician_a, keep_signed_in=True)
    assert "Expires" not in _session_cookie(response)


def _age_session(client, minutes: float) -> None:
    with client.session_transaction() as session:
        session["last_seen"] -= minutes * 60
        session["signed_in_at"] -= minutes * 60


def test_staff_signed_out_after_fifteen_idle_minutes(client, world, login_as):
    login_as(world.clinician_a)
    _age_session(client, 14)
    assert client.get("/clinician/").status_code == 200
    _age_session(client, 15.5)
    response = client.get("/clinician/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")


def test_staff_signed_out_after_eight_hours_even_when_busy(client, world, login_as):
    login_as(world.clinician_a)
    with client.session_transaction() as session:
        session["signed_in_at"] -= 8 * 3600 + 60
    assert client.get("/clinician/").status_code == 302


def test_participant_idle_limit_is_thirty_minutes_unless_kept_signed_in(app, client, world,
                                                                        login_as):
    login_as(world.participant_a)
    _age_session(client, 29)
    assert client.get("/today").status_code == 200
    _age_session(client, 31)
    assert client.get("/today").status_code == 302

    kept = app.test_client()
    login_as(world.participant_a, keep_signed_in=True, on=kept)
    _age_session(kept, 60 * 24 * 7)
    assert kept.get("/today").status_code == 200


def test_deactivating_staff_ends_their_sessions_at_once(app, client, world, login_as, db):
    login_as(world.clinician_a)
    admin = app.test_client()
    login_as(world.admin, on=admin)
    response = post_form(admin, f"/admin/clinicians/{world.clinician_a.id}/deactivate")
    assert response.status_code == 302
    assert client.get("/clinician/").status_code == 302
    db.session.refresh(world.clinician_a)
    assert world.clinician_a.deactivated_at is not None


def test_last_sign_in_time_is_recorded(client, world, login_as, db):
    before = utcnow() - timedelta(seconds=1)
    login_as(world.participant_a)
    db.session.refresh(world.participant_a)
    assert world.participant_a.last_sign_in_at >= before
    assert world.participant_a.role == Role.PARTICIPANT
