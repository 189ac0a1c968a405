"""Invites: create, open, accept once, expire."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.models import Enrolment, Invite, User
from tests.conftest import post_form


def _invite(client, world, **overrides):
    data = {
        "display_name": "Jordan",
        "email": "Jordan@Example.org",
        "program_id": str(world.iop.id),
        "start_date": date.today().isoformat(),
        "primary_clinician_id": str(world.clinician_a.id),
        **overrides,
    }
    return post_form(client, "/clinician/invites/new", data)


def _link(response) -> str:
    match = re.search(r'value="(http://localhost/invite/[^"]+)"', response.get_data(as_text=True))
    return match.group(1).removeprefix("http://localhost")


def test_clinician_creates_an_invite_with_link_and_qr_code(client, world, login_as, db):
    login_as(world.clinician_a)
    response = _invite(client, world)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in html and "QR code" in html
    path = _link(response)
    invite = db.session.scalar(sa.select(Invite))
    assert invite.email == "jordan@example.org"
    assert path.split("/")[-1] not in invite.token_hash  # only a hash is stored
    assert invite.expires_at - utcnow() > timedelta(days=6, hours=23)
    assert response.headers["Cache-Control"] == "no-store"


def test_participant_accepts_invite_sets_password_and_lands_in_the_app(app, client, world,
                                                                       login_as, db):
    login_as(world.clinician_a)
    path = _link(_invite(client, world))
    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "Welcome, Jordan" in page.get_data(as_text=True)
    response = post_form(newcomer, path, {"password": "river stones at dawn",
                                          "confirm": "river stones at dawn"})
    assert response.status_code == 302 and response.headers["Location"] == "/today"
    # first the privacy notice, then the app
    assert newcomer.get("/today").headers["Location"] == "/consent?next=/today"
    accepted = post_form(newcomer, "/consent?next=/today", {"accept": "y"})
    assert accepted.headers["Location"] == "/today"
    assert "North IOP" in newcomer.get("/today").get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "jordan@example.org"))
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.participant_id == user.id))
    assert enrolment.program_id == world.iop.id
    assert enrolment.primary_clinician_id == world.clinician_a.id


def test_used_invite_says_so_plainly(app, client, world, login_as):
    login_as(world.clinician_a)
    path = _link(_invite(client, world))
    first = app.test_client()
    post_form(first, path, {"password": "river stones at dawn", "confirm": "river stones at dawn"})
    second = app.test_client()
    response = second.get(path)
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
    replay = post_form(second, path, {"password": "another long phrase", "confirm":
                                      "another long phrase"})
    assert replay.status_code == 410


def test_expired_invite_says_so_plainly(app, client, world, login_as, db):
    login_as(world.clinician_a)
    path = _link(_invite(client, world))
    invite = db.session.scalar(sa.select(Invite))
    invite.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_withdrawn_invite_stops_working(app, client, world, login_as, db):
    login_as(world.clinician_a)
    path = _link(_invite(client, world))
    invite = db.session.scalar(sa.select(Invite))
    post_form(client, f"/clinician/invites/{invite.id}/revoke")
    response = app.test_client().get(path)
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)


def test_unknown_invite_token_is_404(client):
    assert client.get("/invite/not-a-real-token").status_code == 404


def test_weak_password_on_invite_is_explained_and_nothing_is_created(app, client, world,
                                                                    login_as, db):
    login_as(world.clinician_a)
    path = _link(_invite(client, world))
    newcomer = app.test_client()
    short = post_form(newcomer, path, {"password": "short", "confirm": "short"})
    assert short.status_code == 400
    assert "at least 12 characters" in short.get_data(as_text=True)
    common = post_form(newcomer, path, {"password": "password1234", "confirm": "password1234"})
    assert "too common" in common.get_data(as_text=True)
    mismatch = post_form(newcomer, path, {"password": "river stones at dawn",
                                          "confirm": "river stones at dusk"})
    assert "not the same" in mismatch.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "jordan@example.org")) is None
    assert db.session.scalar(sa.select(Invite)).used_at is None


def test_invite_with_a_bad_email_or_missing_date_is_explained(client, world, login_as):
    login_as(world.clinician_a)
    response = _invite(client, world, email="not-an-email", start_date="")
    html = response.get_data(as_text=True)
    assert "Enter a valid email address." in html
    assert "Enter a start date" in html


def test_clinician_cannot_invite_into_another_program(client, world, login_as, db):
    login_as(world.clinician_a)
    response = _invite(client, world, program_id=str(world.php.id))
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Invite.id))) == 0


def test_clinician_of_another_program_cannot_withdraw_an_invite(app, client, world, login_as,
                                                              db):
    login_as(world.clinician_a)
    _invite(client, world)
    invite = db.session.scalar(sa.select(Invite))
    other = app.test_client()
    login_as(world.clinician_b, on=other)
    assert post_form(other, f"/clinician/invites/{invite.id}/revoke").status_code == 404
    assert other.get("/clinician/invites").get_data(as_text=True).count("Jordan") == 0
