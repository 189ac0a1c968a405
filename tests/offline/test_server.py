"""The installed app's server pieces: the owner id and header, the queue's session check, the
refusal of another owner's items, the offline page, and the alert's "answered, received"."""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.models import Checkin, SafetyAlert
from app.offline.owner import owner_id
from tests.checkins.helpers import api_post, checkin_form

UUID = "0d6c4b7a-2f3e-4a1b-9c8d-7e6f5a4b3c2d"


def test_participant_pages_name_their_owner_and_nothing_else_does(app, client, world,
                                                                   login_as, participant_client):
    with app.test_request_context():
        mine, theirs = owner_id(world.participant_a), owner_id(world.participant_b)
    assert mine != theirs and len(mine) == 22
    assert str(world.participant_a.id) != mine and "Participant" not in mine
    page = participant_client.get("/today")
    assert page.headers["X-Trellis-Owner"] == mine
    assert f'id="offline-owner" data-user="{mine}"' in page.get_data(as_text=True)
    for response in (participant_client.get("/static/css/base.css"),
                     participant_client.get("/api/v1/session"),
                     client.get("/crisis"), client.get("/signin")):
        assert "X-Trellis-Owner" not in response.headers
        response.close()
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    staff_page = staff.get("/clinician/")
    assert "X-Trellis-Owner" not in staff_page.headers
    assert "offline-owner" not in staff_page.get_data(as_text=True)
    again = app.test_client()  # the same person another day: the same owner
    login_as(world.participant_a, on=again)
    assert again.get("/today").headers["X-Trellis-Owner"] == mine


def test_the_session_check_names_the_owner_and_gives_a_token(app, client, world, login_as,
                                                              participant_client):
    response = participant_client.get("/api/v1/session")
    body = response.get_json()
    with app.test_request_context():
        assert body["owner"] == owner_id(world.participant_a)
    assert body["csrf_token"] and response.headers["Cache-Control"] == "no-store"
    assert api_post(participant_client, {"client_uuid": UUID, "mood": 3},
                    csrf=body["csrf_token"]).status_code == 201
    anonymous = client.get("/api/v1/session")
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "sign_in_required"
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    assert staff.get("/api/v1/session").status_code == 404


def test_an_item_of_another_owner_is_refused_and_not_saved(app, world, login_as, db):
    """Participant A's check-in, still on a shared phone when B signs in, is never B's."""
    with app.test_request_context():
        owner_a = owner_id(world.participant_a)
    phone = app.test_client()
    login_as(world.participant_b, on=phone)
    refused = api_post(phone, {"client_uuid": UUID, "mood": 2},
                       headers={"X-Trellis-Owner": owner_a})
    assert refused.status_code == 403 and refused.get_json()["error"] == "other_owner"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkin)) == 0
    with app.test_request_context():
        owner_b = owner_id(world.participant_b)
    taken = api_post(phone, {"client_uuid": UUID, "mood": 2},
                     headers={"X-Trellis-Owner": owner_b})
    assert taken.status_code == 201
    row = db.session.scalar(sa.select(Checkin))
    assert row.participant_id == world.participant_b.id


def test_a_form_post_resent_by_the_queue_with_the_phone_s_time_is_a_replay(participant_client,
                                                                           db):
    """The form's answer was lost; the queue resends it as JSON, adding when it was answered."""
    saved = checkin_form(participant_client, {"client_uuid": UUID, "mood": "4",
                                              "feelings": ["calm", "tired"], "note": ""})
    assert saved.status_code == 200
    resent = api_post(participant_client, {
        "client_uuid": UUID, "mood": "4", "feelings": ["calm", "tired"], "note": "",
        "sleep_hours": "", "occurred_at": "", "client_timestamp": datetime.now(UTC).isoformat()})
    assert resent.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkin)) == 1
    other = api_post(participant_client, {"client_uuid": UUID, "mood": "5"})
    assert other.status_code == 409


def test_the_offline_page_is_made_for_nobody_and_lists_what_works(client, participant_client,
                                                                  world):
    page = client.get("/offline")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "You&#39;re offline" in html or "You're offline" in html
    for href in ('href="/crisis"', 'href="/safety-plan"', 'href="/checkin"'):
        assert href in html
    signed_in = participant_client.get("/offline").get_data(as_text=True)
    assert "Need help now? Call or text 988" in signed_in


def _alert(db, world, client_time, received):
    alert = SafetyAlert(participant_id=world.participant_a.id, program_id=world.iop.id,
                        triggers=[{"code": "safety_question", "value": True}],
                        created_at=received, client_recorded_at=client_time)
    db.session.add(alert)
    db.session.commit()
    return alert


def test_the_alert_card_shows_when_answered_and_when_received(clinician_client, db, world):
    # 2027-03-14, New York springs forward at 2:00: 06:30 UTC is 1:30 EST, 07:30 UTC 3:30 EDT.
    _alert(db, world, datetime(2027, 3, 14, 6, 30, tzinfo=UTC),
           datetime(2027, 3, 14, 7, 30, tzinfo=UTC))
    html = clinician_client.get("/clinician/").get_data(as_text=True)
    assert "Answered 1:30\u202fAM, received 3:30\u202fAM" in html or \
        "Answered 1:30 AM, received 3:30 AM" in html


def test_no_delay_line_for_an_answer_that_arrived_at_once(clinician_client, db, world):
    moment = datetime(2027, 11, 7, 5, 30, 10, tzinfo=UTC)
    _alert(db, world, moment.replace(second=0), moment)
    _alert(db, world, None, moment)
    html = clinician_client.get("/clinician/").get_data(as_text=True)
    assert html.count("alert-card--open") == 2
    assert "alert-card__delay" not in html


def test_an_answer_sent_days_later_shows_the_dates(clinician_client, db, world):
    _alert(db, world, datetime(2027, 11, 6, 23, 0, tzinfo=UTC),
           datetime(2027, 11, 8, 14, 0, tzinfo=UTC))
    html = clinician_client.get("/clinician/").get_data(as_text=True)
    assert "alert-card__delay" in html and "Nov 6" in html and "Nov 8" in html


def test_the_queue_panel_is_in_each_readers_own_language(app, db, world, login_as):
    """The panel is drawn once per language and kept: one reader's language never reaches
    another's page."""
    english, spanish = app.test_client(), app.test_client()
    world.participant_b.language = "es"
    db.session.commit()
    login_as(world.participant_a, on=english)
    login_as(world.participant_b, on=spanish)
    for _ in range(2):
        for client, words, not_words in (
                (english, "Saved on this phone — will send when you're back online.",
                 "Guardado en este teléfono"),
                (spanish, "Guardado en este teléfono", "Saved on this phone")):
            html = client.get("/today").get_data(as_text=True)
            panel = html.split("data-offline-queue-panel", 1)[1].split("</dialog>", 1)[0]
            assert words in panel and not_words not in panel
