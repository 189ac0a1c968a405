"""Password recovery: a link by e-mail (sent over real SMTP to aiosmtpd) or from the care team."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import utcnow
from app.models import AuditEvent, PasswordReset
from tests.auth.smtp_server import SmtpServer
from tests.conftest import PASSWORD, post_form
from tests.schedule.conftest import visible_text

NEW_PASSWORD = "violet kettle harbour spoon"
BASE_URL = "https://trellis.example.org"


@pytest.fixture
def smtp(app):
    """Mail configured to go to a real SMTP server on this machine; links on BASE_URL."""
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER",
                                            "MAIL_USE_TLS", "BASE_URL")}
    with SmtpServer() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False,
                          MAIL_DEFAULT_SENDER="Trellis <no-reply@example.org>",
                          BASE_URL=BASE_URL)
        yield server.mailbox
    app.config.update(saved)


def _link_path(message) -> str:
    body = message.get_body(("plain",)).get_content()
    url = re.search(r"https://\S+", body).group(0)
    # the request came to localhost: the link is built from TRELLIS_BASE_URL, not the Host
    assert url.startswith(BASE_URL + "/reset/")
    return url[len(BASE_URL):]


def _ask(client, email: str):
    return post_form(client, "/forgot-password", {"email": email})


def test_sign_in_offers_forgot_your_password(client):
    html = client.get("/signin").get_data(as_text=True)
    assert 'href="/forgot-password"' in html and "Forgot your password?" in html


def test_without_smtp_the_page_says_to_ask_the_care_team(client, world, db):
    page = visible_text(client.get("/forgot-password"))
    assert "Your care team can give you a link" in page
    assert "Send me a link" not in page
    response = post_form(client, "/forgot-password", {"email": world.participant_a.email})
    assert response.status_code == 200 and "Check your email" not in visible_text(response)
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0


def test_an_emailed_link_sets_a_new_password_once_and_ends_other_sessions(
        app, client, world, db, login_as, smtp):
    other_device = app.test_client()
    login_as(world.participant_a, on=other_device)
    assert other_device.get("/today").status_code == 200

    answer = _ask(client, world.participant_a.email.upper())
    assert answer.status_code == 200 and "Check your email" in visible_text(answer)
    (message,) = smtp.wait_for(1)
    assert message["X-Envelope-To"] == world.participant_a.email
    assert message["Subject"] == "Your Trellis password"
    assert "30 minutes" in message.get_body(("plain",)).get_content()
    path = _link_path(message)

    row = db.session.scalar(sa.select(PasswordReset))
    token = path.rsplit("/", 1)[1]
    assert token not in (row.token_hash, str(row.id)) and len(row.token_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=30)

    form = client.get(path)
    assert form.status_code == 200 and world.participant_a.email in form.get_data(as_text=True)
    done = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/today"
    assert client.get("/today").status_code == 200  # signed in here, with the new token
    assert other_device.get("/today").headers["Location"].startswith("/signin")  # ended

    fresh = app.test_client()
    assert post_form(fresh, "/signin", {"email": world.participant_a.email,
                                        "password": PASSWORD}).status_code == 401
    assert post_form(fresh, "/signin", {"email": world.participant_a.email,
                                        "password": NEW_PASSWORD}).status_code == 302
    again = app.test_client().get(path)
    assert again.status_code == 410 and "already been used" in visible_text(again)
    events = {e.action: e for e in db.session.scalars(sa.select(AuditEvent))}
    assert events["auth.password_reset_email"].actor_id is None  # asked while signed out
    assert events["auth.password_reset_email"].subject_participant_id == world.participant_a.id
    assert events["auth.password_reset"].actor_id == world.participant_a.id


def test_the_answer_is_the_same_for_an_unknown_address_and_nothing_is_sent(
        client, world, db, smtp):
    known = visible_text(_ask(client, world.participant_a.email))
    unknown = visible_text(_ask(client, "nobody@example.org"))
    assert known == unknown
    assert len(smtp.wait_for(1)) == 1
    rows = db.session.scalars(sa.select(PasswordReset)).all()
    assert [r.user_id for r in rows] == [world.participant_a.id]  # no link for nobody
    assert smtp.messages[0]["X-Envelope-To"] == world.participant_a.email


def test_requests_are_throttled_per_address_and_per_ip(app, client, world, db, smtp):
    app.config["PASSWORD_RESET_REQUESTS_PER_IP"] = 5
    try:
        for _ in range(5):
            response = _ask(client, world.participant_a.email)
            assert response.status_code == 200 and "Check your email" in visible_text(response)
        assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 3  # address
        blocked = _ask(client, world.participant_b.email)  # the 6th from this IP address
        assert "Check your email" in visible_text(blocked)  # the same answer
        assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 3
        elsewhere = post_form(client, "/forgot-password", {"email": world.participant_b.email},
                              environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert elsewhere.status_code == 200
        assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 4
    finally:
        app.config["PASSWORD_RESET_REQUESTS_PER_IP"] = 20
    assert len(smtp.wait_for(4)) == 4


def test_an_expired_or_replaced_link_says_so(client, world, db, smtp):
    _ask(client, world.participant_a.email)
    first = _link_path(smtp.wait_for(1)[0])
    _ask(client, world.participant_a.email)
    second = _link_path(smtp.wait_for(2)[1])
    replaced = client.get(first)
    assert replaced.status_code == 410 and "A newer link replaced it" in visible_text(replaced)
    row = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.used_at.is_(None),
                                                           PasswordReset.withdrawn_at.is_(None)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.get(second)
    assert expired.status_code == 410 and "This link has expired" in visible_text(expired)
    assert client.get("/reset/not-a-real-token").status_code == 404


def test_a_weak_password_is_refused_and_the_link_still_works(client, world, smtp):
    _ask(client, world.participant_a.email)
    path = _link_path(smtp.wait_for(1)[0])
    weak = post_form(client, path, {"password": "password", "confirm": "password"})
    assert weak.status_code == 400 and "Use at least 12 characters" in visible_text(weak)
    ok = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert ok.status_code == 302


def test_a_clinician_gives_a_participant_a_link_and_qr_code(client, world, db, login_as):
    login_as(world.clinician_a)
    page = client.get(f"/clinician/participants/{world.participant_a.id}")
    assert f'href="/clinician/password-resets/{world.participant_a.id}"' in page.get_data(
        as_text=True)
    confirm = client.get(f"/clinician/password-resets/{world.participant_a.id}")
    assert "It works once, for 24 hours" in visible_text(confirm)
    shown = post_form(client, f"/clinician/password-resets/{world.participant_a.id}")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "<svg" in html
    assert "QR code of the password reset link" in html
    url = re.search(r'value="(http[^"]+/reset/[^"]+)"', html).group(1)
    row = db.session.scalar(sa.select(PasswordReset))
    assert row.created_by_id == world.clinician_a.id
    assert row.expires_at - row.created_at == timedelta(hours=24)
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "auth.password_reset_issue"))
    assert event.actor_id == world.clinician_a.id
    assert event.subject_participant_id == world.participant_a.id

    # the clinician opening it on their own browser does not use it
    path = url.split("://", 1)[1].split("/", 1)[1]
    mine = client.get("/" + path)
    assert mine.status_code == 409 and "open it on the phone" in visible_text(mine)
    phone = client.application.test_client()
    done = post_form(phone, "/" + path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/today"


def test_who_may_issue_a_link_for_whom(client, world, login_as, make_participant):
    def status(actor, person) -> int:
        viewer = client.application.test_client()
        login_as(actor, on=viewer)
        return viewer.get(f"/clinician/password-resets/{person.id}").status_code

    assert status(world.clinician_a, world.participant_a) == 200
    assert status(world.clinician_a, world.participant_b) == 404  # another program's
    assert status(world.clinician_a, world.clinician_b) == 404  # staff: admins only
    assert status(world.clinician_a, world.clinician_a) == 404  # not their own
    assert status(world.admin, world.clinician_a) == 200  # an admin, for anyone else
    assert status(world.admin, world.participant_b) == 200
    assert status(world.admin, world.admin) == 404


def test_staff_still_pass_their_second_factor_after_a_reset(client, world, db, login_as):
    admin = client.application.test_client()
    login_as(world.admin, on=admin)
    html = post_form(admin, f"/clinician/password-resets/{world.clinician_a.id}").get_data(
        as_text=True)
    path = "/" + re.search(r'value="http[^"]+?//[^/]+/(reset/[^"]+)"', html).group(1)
    done = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].startswith("/mfa")
    assert client.get("/clinician/").headers["Location"].startswith("/mfa")
