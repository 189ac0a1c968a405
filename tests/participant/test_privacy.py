"""Consent to the privacy notice, the app lock for shared phones, and quick exit."""

import sqlalchemy as sa

from app.models import AuditEvent, Consent
from tests.conftest import csrf_token, post_form


def test_first_sign_in_shows_the_notice_before_anything_else(client, world, make_participant,
                                                            login_as, db):
    newcomer = make_participant(world.iop, consented=False)
    login_as(newcomer)
    for path in ("/today", "/me", "/schedule", "/checkin"):
        response = client.get(path)
        assert response.headers["Location"].startswith("/consent"), path
    page = client.get("/consent").get_data(as_text=True)
    assert "not watched around the clock" in page and "988" in page
    assert 'href="/crisis"' in page  # help stays one tap away on the notice too
    assert client.get("/crisis").status_code == 200


def test_the_bottom_navigation_is_hidden_until_the_notice_is_accepted(client, world,
                                                                      make_participant, login_as):
    newcomer = make_participant(world.iop, consented=False)
    login_as(newcomer)
    for path in ("/consent", "/crisis"):
        assert 'class="bottom-nav"' not in client.get(path).get_data(as_text=True), path
    response = post_form(client, "/consent", {"accept": "y"})
    assert response.status_code == 302
    assert 'class="bottom-nav"' in client.get("/today").get_data(as_text=True)


def test_the_box_must_be_ticked(client, world, make_participant, login_as, db):
    newcomer = make_participant(world.iop, consented=False)
    login_as(newcomer)
    response = post_form(client, "/consent", {})
    assert response.status_code == 400
    assert "Please tick the box" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Consent).where(Consent.participant_id == newcomer.id)) \
        is None


def test_acceptance_stores_version_and_time_and_is_audited(client, world, make_participant,
                                                           login_as, db):
    newcomer = make_participant(world.iop, consented=False)
    login_as(newcomer)
    assert post_form(client, "/consent", {"accept": "y"}).headers["Location"] == "/today"
    consent = db.session.scalar(sa.select(Consent).where(Consent.participant_id == newcomer.id))
    assert consent.notice_version == 1 and consent.accepted_at is not None
    assert client.get("/today").status_code == 200
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "consent.accept")).actor_id == newcomer.id


def test_a_new_notice_version_asks_again(app, client, world, login_as, db):
    admin = app.test_client()
    login_as(world.admin, on=admin)
    post_form(admin, f"/admin/programs/{world.iop.id}/edit", {
        "name": "North IOP", "level_of_care": "iop", "time_zone": "America/New_York",
        "privacy_notice": "We now also share attendance with your referring court."})
    db.session.refresh(world.iop)
    assert world.iop.privacy_notice_version == 2
    login_as(world.participant_a)
    assert client.get("/today").headers["Location"].startswith("/consent")
    assert "referring court" in client.get("/consent").get_data(as_text=True)
    post_form(client, "/consent", {"accept": "y"})
    versions = db.session.scalars(sa.select(Consent.notice_version).where(
        Consent.participant_id == world.participant_a.id)).all()
    assert sorted(versions) == [1, 2]


def test_saving_a_program_without_changing_the_notice_keeps_the_version(client, world,
                                                                        login_as, db):
    login_as(world.admin)
    post_form(client, f"/admin/programs/{world.iop.id}/edit", {
        "name": "North IOP", "level_of_care": "iop", "time_zone": "America/New_York",
        "phone": "+1 555 010 0101"})
    db.session.refresh(world.iop)
    assert world.iop.privacy_notice_version == 1


def _set_pin(client, pin="2468", minutes="5"):
    return post_form(client, "/me/app-lock", {"pin": pin, "confirm": pin,
                                              "after_minutes": minutes})


def _idle(client, minutes):
    with client.session_transaction() as session:
        session["last_seen"] -= minutes * 60


def test_app_lock_asks_for_the_pin_after_the_chosen_idle_time(client, world, login_as, db):
    login_as(world.participant_a, keep_signed_in=True)
    assert _set_pin(client).headers["Location"] == "/me"
    db.session.refresh(world.participant_a)
    assert world.participant_a.app_lock_pin_hash.startswith("$argon2id$")
    _idle(client, 4)
    assert client.get("/today").status_code == 200
    _idle(client, 6)
    locked = client.get("/today")
    assert locked.headers["Location"].startswith("/unlock")
    assert "Participant A" not in client.get("/unlock").get_data(as_text=True)
    assert post_form(client, "/unlock?next=/today", {"pin": "2468"}).headers["Location"] == \
        "/today"
    assert client.get("/today").status_code == 200


def test_five_wrong_pins_mean_a_full_sign_in(client, world, login_as, db):
    login_as(world.participant_a, keep_signed_in=True)
    _set_pin(client)
    _idle(client, 10)
    client.get("/today")
    for left in (4, 3, 2, 1):
        response = post_form(client, "/unlock", {"pin": "0000"})
        words = "1 try left" if left == 1 else f"{left} tries left"
        assert words in response.get_data(as_text=True)
    response = post_form(client, "/unlock", {"pin": "0000"})
    assert response.headers["Location"] == "/signin"
    assert client.get("/today").headers["Location"].startswith("/signin")
    failures = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "app_lock.failed"))
    assert failures == 5


def test_pin_must_be_four_to_six_digits_and_typed_twice(client, world, login_as, db):
    login_as(world.participant_a)
    for pin, confirm, message in (("12", "12", "4 to 6 digits"), ("1234567", "1234567",
                                  "4 to 6 digits"), ("abcd", "abcd", "4 to 6 digits"),
                                  ("1234", "4321", "not the same")):
        response = post_form(client, "/me/app-lock", {"pin": pin, "confirm": confirm,
                                                      "after_minutes": "5"})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.refresh(world.participant_a)
    assert world.participant_a.app_lock_pin_hash is None


def test_app_lock_can_be_turned_off(client, world, login_as, db):
    login_as(world.participant_a)
    _set_pin(client)
    post_form(client, "/me/app-lock/remove")
    db.session.refresh(world.participant_a)
    assert world.participant_a.app_lock_pin_hash is None


def test_quick_exit_is_on_every_participant_page_and_goes_to_a_neutral_site(app, client,
                                                                            world, login_as):
    login_as(world.participant_a)
    for path in ("/today", "/me", "/crisis"):
        html = client.get(path).get_data(as_text=True)
        assert f'href="{app.config["QUICK_EXIT_URL"]}"' in html and "data-quick-exit" in html
        assert "/static/js/quick-exit.js" in html


def test_quick_exit_signs_out_without_a_pin_and_locks_with_one(app, client, world, login_as):
    login_as(world.participant_a)
    response = client.post("/quick-exit", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 204
    assert client.get("/today").headers["Location"].startswith("/signin")

    locked = app.test_client()
    login_as(world.participant_a, on=locked)
    _set_pin(locked)
    locked.post("/quick-exit", data={"csrf_token": csrf_token(locked)})
    assert locked.get("/today").headers["Location"].startswith("/unlock")
