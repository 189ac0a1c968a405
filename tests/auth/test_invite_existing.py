"""Inviting an email that already has an account answers the same as any other; the person
joins the new program with their existing sign-in once they accept."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.models import AuditEvent, Enrolment, EnrolmentStatus, Invite, Role
from tests.auth.test_invites import _invite, _link
from tests.conftest import PASSWORD, post_form

NEW_EMAIL = "jordan@example.org"


def _neutral(html: str, *names: str) -> str:
    """A page with what legitimately differs removed: names and emails typed, tokens, QR."""
    for name in names:
        html = html.replace(name, "NAME")
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"[A-Za-z0-9._-]{30,}", "TOKEN", html)


def _returning(make_user, db, world):
    """Someone who was in South PHP and was discharged: an account, no active enrolment."""
    person = make_user(Role.PARTICIPANT, display_name="Riley Returning", email="riley@example.org")
    db.session.add(Enrolment(participant=person, program=world.php, level_of_care=world.php
                             .level_of_care, start_date=date.today() - timedelta(days=90),
                             end_date=date.today() - timedelta(days=10),
                             status=EnrolmentStatus.DISCHARGED))
    db.session.commit()
    return person


def test_inviting_an_existing_email_answers_like_any_other(app, client, world, login_as,
                                                           make_user, db):
    person = _returning(make_user, db, world)
    login_as(world.clinician_a)
    existing = _invite(client, world, email=person.email, display_name="Riley")
    new = _invite(client, world, email=NEW_EMAIL, display_name="Riley")
    assert existing.status_code == new.status_code == 200
    assert _neutral(existing.get_data(as_text=True), person.email) == _neutral(
        new.get_data(as_text=True), NEW_EMAIL)
    assert db.session.scalar(sa.select(sa.func.count(Invite.id))) == 2


def test_the_invite_page_does_not_say_whether_the_email_has_an_account(
        app, client, world, login_as, make_user, db):
    person = _returning(make_user, db, world)
    login_as(world.clinician_a)
    existing = _link(_invite(client, world, email=person.email, display_name="Riley"))
    new = _link(_invite(client, world, email=NEW_EMAIL, display_name="Riley"))
    opener = app.test_client()
    pages = [opener.get(path) for path in (existing, new)]
    assert [p.status_code for p in pages] == [200, 200]
    assert _neutral(pages[0].get_data(as_text=True), person.email) == _neutral(
        pages[1].get_data(as_text=True), NEW_EMAIL)
    # the inviter, signed in, gets the same "for someone else" page for both
    answers = [client.get(path) for path in (existing, new)]
    assert [a.status_code for a in answers] == [409, 409]
    assert _neutral(answers[0].get_data(as_text=True)) == _neutral(
        answers[1].get_data(as_text=True))


def test_an_existing_person_signs_in_and_joins_the_program(app, client, world, login_as,
                                                           make_user, db):
    person = _returning(make_user, db, world)
    login_as(world.clinician_a)
    path = _link(_invite(client, world, email=person.email.upper()))
    phone = app.test_client()
    page = phone.get(path).get_data(as_text=True)
    assert f"/signin?next={path}" in page.replace("%2F", "/")
    signed_in = post_form(phone, f"/signin?next={path}", {"email": person.email,
                                                         "password": PASSWORD})
    assert signed_in.headers["Location"] == path
    offer = phone.get(path)
    assert offer.status_code == 200 and "Accept and join" in offer.get_data(as_text=True)
    accepted = post_form(phone, path)
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/today"
    active = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.participant_id == person.id, Enrolment.status == EnrolmentStatus.ACTIVE))
    assert active.program_id == world.iop.id
    assert active.primary_clinician_id == world.clinician_a.id
    assert db.session.scalar(sa.select(Invite).where(Invite.email == person.email)).used_at
    db.session.refresh(person)
    assert person.password_hash and post_form(app.test_client(), "/signin", {
        "email": person.email, "password": PASSWORD}).status_code == 302  # same sign-in
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "invite.accept"))
    assert event.actor_id == person.id and event.subject_participant_id == person.id
    # the new program's privacy notice comes first
    assert phone.get("/today").headers["Location"].startswith("/consent")


def test_someone_still_enrolled_elsewhere_is_told_and_nothing_changes(app, client, world,
                                                                      login_as, db):
    login_as(world.clinician_a)
    path = _link(_invite(client, world, email=world.participant_b.email))
    phone = app.test_client()
    login_as(world.participant_b, on=phone)
    response = post_form(phone, path)
    assert response.status_code == 400
    assert "still enrolled in another program" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Invite)).used_at is None
    enrolments = db.session.scalars(sa.select(Enrolment).where(
        Enrolment.participant_id == world.participant_b.id)).all()
    assert [e.program_id for e in enrolments] == [world.php.id]


def test_a_password_cannot_be_set_for_an_existing_account(app, client, world, login_as,
                                                          make_user, db):
    person = _returning(make_user, db, world)
    before = person.password_hash
    login_as(world.clinician_a)
    path = _link(_invite(client, world, email=person.email))
    response = post_form(app.test_client(), path, {"password": "someone else's phrase",
                                                   "confirm": "someone else's phrase"})
    assert response.status_code == 400
    assert "sign in with it to accept" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.password_hash == before
    assert db.session.scalar(sa.select(Invite)).used_at is None


def test_invite_pages_are_never_cached(app, client, world, login_as, db):
    login_as(world.clinician_a)
    path = _link(_invite(client, world))
    opener = app.test_client()
    assert opener.get(path).headers["Cache-Control"] == "no-store"
    bad = post_form(opener, path, {"password": "short", "confirm": "short"})
    assert bad.headers["Cache-Control"] == "no-store"
    db.session.scalar(sa.select(Invite)).revoked_at = db.session.scalar(
        sa.select(Invite)).created_at
    db.session.commit()
    assert opener.get(path).headers["Cache-Control"] == "no-store"
