"""Throttling attackers without locking out the person (OWASP's device cookies), with waits
that grow rather than a fixed hour. Both sides: the attacker slowed, the person let in."""

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.security import device_cookie, throttle
from tests.conftest import PASSWORD, post_form

WRONG = "not the password at all"


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Freeze the throttle's clock (and the sign-in page's) so waits pass without sleeping."""
    frozen = Clock()
    monkeypatch.setattr("app.security.throttle.utcnow", frozen, raising=False)
    monkeypatch.setattr("app.auth.routes.utcnow", frozen)
    return frozen


def _sign_in(client, email, password, ip="203.0.113.7"):
    return post_form(client, "/signin", {"email": email, "password": password},
                     environ_base={"REMOTE_ADDR": ip})


def _known_browser(app, world):
    """The participant's own phone: it signed in there before, then signed out."""
    phone = app.test_client()
    assert _sign_in(phone, world.participant_a.email, PASSWORD, ip="198.51.100.20"
                    ).status_code == 302
    assert phone.get_cookie(device_cookie.COOKIE, path="/signin") is not None
    post_form(phone, "/signout")
    return phone


def test_a_hundred_failures_elsewhere_do_not_lock_the_person_out(app, client, world, clock):
    """The issue's attack: 100 wrong passwords in seconds, then the person on their phone."""
    phone = _known_browser(app, world)
    for n in range(100):
        _sign_in(client, world.participant_a.email, WRONG, ip=f"10.0.{n // 250}.{n % 250}")
    assert _sign_in(client, world.participant_a.email, PASSWORD).status_code == 429
    assert _sign_in(phone, world.participant_a.email, PASSWORD, ip="198.51.100.20"
                    ).status_code == 302


def test_failures_from_one_address_do_not_hold_known_browsers_there(app, client, world, clock):
    """300 failures from a clinic's shared address: a known browser there still signs in."""
    phone = _known_browser(app, world)
    for n in range(300):
        _sign_in(client, f"guess{n}@example.org", WRONG, ip="198.51.100.20")
    assert _sign_in(client, world.participant_b.email, PASSWORD, ip="198.51.100.20"
                    ).status_code == 429
    assert _sign_in(phone, world.participant_a.email, PASSWORD, ip="198.51.100.20"
                    ).status_code == 302


def test_waits_grow_from_a_second_to_fifteen_minutes(app):
    with app.app_context():
        free = app.config["LOGIN_FREE_FAILURES"]
        waits = [throttle.delay_after(n, free).total_seconds() for n in range(1, 20)]
    assert waits[:free - 1] == [0] * (free - 1)
    assert waits[free - 1:free + 4] == [1, 2, 4, 8, 16]
    assert max(waits) == 15 * 60 and waits == sorted(waits)


def test_an_attacker_gets_a_handful_of_guesses_an_hour(app, client, world, clock):
    start, guesses = clock.now, 0
    while clock.now < start + timedelta(hours=1):
        response = _sign_in(client, world.participant_a.email, WRONG)
        if response.status_code == 429:
            clock.now += timedelta(seconds=30)
        else:
            assert response.status_code == 401
            guesses += 1
    assert 10 <= guesses <= 25  # was 100 before the hour-long lockout


def test_a_wait_passes_and_the_right_password_then_works(app, client, world, clock):
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        _sign_in(client, world.participant_a.email, WRONG)
    held = _sign_in(client, world.participant_a.email, PASSWORD)
    assert held.status_code == 429 and "1 second" in held.get_data(as_text=True)
    clock.now += timedelta(seconds=2)
    assert _sign_in(client, world.participant_a.email, PASSWORD).status_code == 302


def test_attempts_during_a_wait_are_not_checked_or_counted(app, client, world, clock):
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 3):
        _sign_in(client, world.participant_a.email, WRONG)
        clock.now += timedelta(minutes=1)
    for _ in range(20):  # hammering while held changes nothing
        assert _sign_in(client, world.participant_a.email, WRONG).status_code in (401, 429)
    with app.app_context():
        scopes = throttle.signin_scopes(world.participant_a.email, "203.0.113.7", None, None)
        until = throttle.blocked_until(scopes, clock.now)
    assert until is not None and until - clock.now <= timedelta(seconds=16)


def test_only_one_of_a_burst_gets_through_after_a_wait(app, world, clock):
    with app.test_request_context():
        scopes = throttle.signin_scopes("someone@example.org", "203.0.113.9", None, None)
        for _ in range(app.config["LOGIN_FREE_FAILURES"]):
            throttle.record_failure(scopes, clock.now)
        clock.now += timedelta(seconds=5)
        answers = [throttle.blocked_until(scopes, clock.now) for _ in range(10)]
    assert answers[0] is None
    assert all(a is not None for a in answers[1:])


def test_a_known_browser_is_throttled_on_its_own(app, world, clock):
    phone = _known_browser(app, world)
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert _sign_in(phone, world.participant_a.email, WRONG, ip="198.51.100.20"
                        ).status_code == 401
    assert _sign_in(phone, world.participant_a.email, PASSWORD, ip="198.51.100.20"
                    ).status_code == 429
    # ... which does not hold the account for a browser elsewhere
    laptop = app.test_client()
    assert _sign_in(laptop, world.participant_a.email, PASSWORD).status_code == 302


def test_a_forged_or_foreign_device_cookie_counts_for_nothing(app, client, world, clock):
    _known_browser(app, world)
    for n in range(app.config["LOGIN_FREE_FAILURES"]):
        _sign_in(client, world.participant_a.email, WRONG, ip=f"10.2.0.{n}")
    forged = URLSafeTimedSerializer("not-our-key", salt="trellis-device-cookie").dumps(
        [[world.participant_a.id, "guessed"]])
    client.set_cookie(device_cookie.COOKIE, forged, path="/signin")
    assert _sign_in(client, world.participant_a.email, PASSWORD).status_code == 429
    other = app.test_client()  # a genuine cookie, but for another account
    assert _sign_in(other, world.participant_b.email, PASSWORD).status_code == 302
    post_form(other, "/signout")
    assert _sign_in(other, world.participant_a.email, PASSWORD).status_code == 429


def test_the_device_cookie_names_no_one_and_goes_only_to_sign_in(app, world):
    client = app.test_client()
    response = _sign_in(client, world.participant_a.email, PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith(device_cookie.COOKIE))
    assert "Path=/signin" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    value = client.get_cookie(device_cookie.COOKIE, path="/signin").value
    with app.app_context():
        entries = URLSafeTimedSerializer(app.secret_key, salt="trellis-device-cookie").loads(
            value)
    assert entries[0][0] == world.participant_a.id
    assert world.participant_a.email not in str(entries)
