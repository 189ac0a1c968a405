"""The daily check-in form: items, saving, bad input, several a day, today's edits and deletes."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.checkins import service as checkins
from app.models import Checkin, CheckinSettings, SafetyAlert
from tests.checkins.helpers import checkin_form
from tests.conftest import post_form

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)> &lt;b&gt; %3Cscript%3E'


def _rows(db):
    return db.session.scalars(sa.select(Checkin).order_by(Checkin.id)).all()


def test_the_form_shows_every_item_with_mood_as_five_labelled_choices(participant_client):
    html = participant_client.get("/checkin").get_data(as_text=True)
    for label in ("Very low", "Low", "Okay", "Good", "Very good"):
        assert f"<span>{label}</span>" in html
    for name in ("mood", "feelings", "anxiety", "craving", "sleep_hours", "used_substances",
                 "took_medications", "self_harm_urge", "safety_thoughts", "note", "occurred_at",
                 "client_uuid"):
        assert f'name="{name}"' in html, name
    assert "have you had thoughts of killing yourself or of being better off dead?" in html
    assert 'data-crisis-help hidden' in html  # revealed by the answers, not a round trip
    assert len(re.findall(r'name="mood" value="\d"', html)) == 5


def test_a_check_in_with_only_a_mood_is_saved_and_thanked(participant_client, db, world):
    response = checkin_form(participant_client, {"mood": "4"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your check-in is saved" in html
    assert "You don't have to go through this alone" not in html
    (row,) = _rows(db)
    assert (row.participant_id, row.mood, row.program_id, row.source) == (
        world.participant_a.id, 4, world.iop.id, "form")
    assert row.anxiety is None and row.feelings == [] and row.note is None
    assert db.session.scalar(sa.select(sa.func.count(SafetyAlert.id))) == 0


def test_every_item_is_stored(participant_client, db):
    response = participant_client.post("/checkin", data={
        "csrf_token": _token(participant_client), "client_uuid": "6f1c1b9e-1b1a-4a57-9c53-8d6e"
        "0a1b2c3d", "mood": "2", "feelings": ["sad", "tired", "calm"], "anxiety": "7",
        "craving": "3", "sleep_hours": "6.5", "used_substances": "no",
        "took_medications": "yes", "self_harm_urge": "1", "safety_thoughts": "no",
        "note": "Long day.\r\nBetter now."})
    assert response.status_code == 200
    (row,) = _rows(db)
    assert row.feelings == ["calm", "sad", "tired"]
    assert (row.anxiety, row.craving, row.sleep_hours, row.self_harm_urge) == (7, 3, 6.5, 1)
    assert (row.used_substances, row.took_medications, row.safety_thoughts) == (
        False, True, False)
    assert row.note == "Long day.\nBetter now."
    assert row.client_uuid == "6f1c1b9e-1b1a-4a57-9c53-8d6e0a1b2c3d"


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def test_several_check_ins_a_day_are_kept_and_timestamped(participant_client, db):
    for mood in ("2", "3", "4"):
        assert checkin_form(participant_client, {"mood": mood}).status_code == 200
    rows = _rows(db)
    assert [r.mood for r in rows] == [2, 3, 4]
    assert all(r.occurred_at and r.received_at for r in rows)


def test_submitting_the_same_form_twice_saves_it_once(participant_client, db):
    data = {"client_uuid": "0b5a6f0e-8a0c-4b9b-a2a4-8e0b2d0c3e11", "mood": "3"}
    first = checkin_form(participant_client, data)
    second = checkin_form(participant_client, data)
    assert first.status_code == second.status_code == 200
    assert "nothing was added twice" in second.get_data(as_text=True)
    assert len(_rows(db)) == 1
    changed = checkin_form(participant_client, {**data, "mood": "5"})
    assert changed.status_code == 409 and len(_rows(db)) == 1


def test_a_program_chooses_the_items_its_participants_see(participant_client, db, world):
    db.session.add(CheckinSettings(program_id=world.iop.id,
                                   hidden_items=["craving", "used_substances"], scales={}))
    db.session.commit()
    html = participant_client.get("/checkin").get_data(as_text=True)
    assert 'name="craving"' not in html and 'name="used_substances"' not in html
    assert 'name="anxiety"' in html and 'name="mood"' in html
    assert 'name="safety_thoughts"' in html  # never hidden


def test_missing_mood_is_refused_and_the_form_keeps_what_was_typed(participant_client, db):
    response = checkin_form(participant_client, {"mood": "", "anxiety": "6", "note": "typed",
                                                 "feelings": "anxious"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose how your mood is, from 1 (very low) to 5 (very good)." in html
    assert re.search(r'name="anxiety" value="6" checked', html)
    assert re.search(r'name="feelings" value="anxious" checked', html)
    assert ">typed</textarea>" in html
    assert _rows(db) == []


def test_out_of_range_numbers_are_refused_field_by_field(participant_client, db):
    response = checkin_form(participant_client, {
        "mood": "6", "anxiety": "11", "craving": "-1", "sleep_hours": "25",
        "self_harm_urge": "9", "used_substances": "maybe", "feelings": "joyful"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.count('class="error"') >= 7
    assert "Choose a whole number from 0 to 10." in html
    assert "Enter a number of hours from 0 to 24." in html
    assert "Answer yes or no." in html and "Choose feelings from the list." in html
    assert 'value="25"' in html  # what was typed stays
    assert _rows(db) == []


def test_a_note_over_2000_characters_is_refused(participant_client, db):
    response = checkin_form(participant_client, {"note": "x" * 2001})
    assert response.status_code == 400
    assert "Keep the note to 2,000 characters or fewer (it has 2,001)." in (
        response.get_data(as_text=True))
    assert _rows(db) == []
    assert checkin_form(participant_client, {"note": "y" * 2000}).status_code == 200


def test_a_check_in_dated_in_the_future_or_over_7_days_back_is_refused(participant_client, db):
    local_now = datetime.now(ZoneInfo("America/New_York"))
    future = (local_now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    old = (local_now - timedelta(days=7, hours=1)).strftime("%Y-%m-%dT%H:%M")
    first = checkin_form(participant_client, {"occurred_at": future})
    assert first.status_code == 400 and "That time is in the future." in first.get_data(
        as_text=True)
    second = checkin_form(participant_client, {"occurred_at": old})
    assert second.status_code == 400
    assert "at most 7 days back" in second.get_data(as_text=True)
    assert _rows(db) == []
    earlier = (local_now - timedelta(days=2)).replace(second=0, microsecond=0)
    assert checkin_form(participant_client, {
        "occurred_at": earlier.strftime("%Y-%m-%dT%H:%M")}).status_code == 200
    (row,) = _rows(db)
    assert row.occurred_at == earlier.astimezone(UTC)  # read in the program's zone


def test_html_in_the_note_is_shown_escaped_everywhere(participant_client, clinician_client, db,
                                                      world):
    assert checkin_form(participant_client, {"note": XSS}).status_code == 200
    pages = [participant_client.get("/checkin/history"),
             clinician_client.get(f"/clinician/participants/{world.participant_a.id}")]
    row = _rows(db)[0]
    pages.append(participant_client.get(f"/checkin/{row.id}/edit"))
    for page in pages:
        html = page.get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&amp;lt;b&amp;gt;" in html  # double-encoded input stays text
    history = pages[0].get_data(as_text=True)
    assert 'hx-disable>&lt;script&gt;' in history


def test_htmx_gets_the_form_fragment_back_on_errors_and_the_result_on_success(
        participant_client):
    headers = {"HX-Request": "true"}
    bad = checkin_form(participant_client, {"mood": ""}, headers=headers)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "<html" not in html
    assert html.lstrip().startswith('<section id="checkin"')
    good = checkin_form(participant_client, {"mood": "3"}, headers=headers)
    html = good.get_data(as_text=True)
    assert good.status_code == 200 and "<html" not in html and "Your check-in is saved" in html
    boosted = checkin_form(participant_client, {"mood": "3"},
                           headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_today_s_check_ins_can_be_edited_and_deleted(participant_client, db):
    checkin_form(participant_client, {"mood": "2", "note": "before"})
    row = _rows(db)[0]
    page = participant_client.get(f"/checkin/{row.id}/edit").get_data(as_text=True)
    assert re.search(r'name="mood" value="2" checked', page) and ">before</textarea>" in page
    response = post_form(participant_client, f"/checkin/{row.id}/edit",
                         {"mood": "4", "note": "after", "anxiety": "3"})
    assert response.status_code == 200
    db.session.refresh(row)
    assert (row.mood, row.note, row.anxiety) == (4, "after", 3) and row.updated_at
    bad = post_form(participant_client, f"/checkin/{row.id}/edit", {"mood": "9"})
    assert bad.status_code == 400
    db.session.refresh(row)
    assert row.mood == 4
    deleted = post_form(participant_client, f"/checkin/{row.id}/delete")
    assert deleted.status_code == 302
    db.session.refresh(row)
    assert row.is_deleted and row.mood is None and row.note is None
    assert "after" not in participant_client.get("/checkin/history").get_data(as_text=True)
    assert participant_client.get(f"/checkin/{row.id}/edit").status_code == 404


def test_yesterday_s_check_in_can_no_longer_be_changed_or_deleted(participant_client, db):
    checkin_form(participant_client, {"mood": "2"})
    row = _rows(db)[0]
    row.received_at = row.occurred_at = row.received_at - timedelta(days=1)
    db.session.commit()
    assert participant_client.get(f"/checkin/{row.id}/edit").status_code == 302
    post_form(participant_client, f"/checkin/{row.id}/edit", {"mood": "5"})
    post_form(participant_client, f"/checkin/{row.id}/delete")
    db.session.refresh(row)
    assert row.mood == 2 and not row.is_deleted
    history = participant_client.get("/checkin/history").get_data(as_text=True)
    assert f"/checkin/{row.id}/edit" not in history


def test_the_local_day_ends_at_midnight_in_the_participant_s_zone(world):
    zone = "America/New_York"
    made = datetime(2027, 3, 14, 4, 50, tzinfo=UTC)  # 23:50 EST on the 13th in New York
    row = Checkin(received_at=made, occurred_at=made)
    assert checkins.is_editable(row, zone, made + timedelta(minutes=5))
    assert not checkins.is_editable(row, zone, made + timedelta(minutes=15))  # 00:05 local
    assert checkins.is_editable(row, "UTC", made + timedelta(minutes=15))


def test_a_personal_time_zone_wins_over_the_program_s(world, db):
    from app.care.team import participant_zone

    assert participant_zone(world.participant_a) == "America/New_York"
    if hasattr(world.participant_a, "time_zone"):
        world.participant_a.time_zone = "America/Los_Angeles"
        db.session.commit()
        assert participant_zone(world.participant_a) == "America/Los_Angeles"


def test_another_participant_s_check_in_is_a_404(app, participant_client, world, login_as, db):
    checkin_form(participant_client, {"mood": "2", "note": "private"})
    row = _rows(db)[0]
    other = app.test_client()
    login_as(world.participant_b, on=other)
    assert other.get(f"/checkin/{row.id}/edit").status_code == 404
    assert post_form(other, f"/checkin/{row.id}/edit", {"mood": "5"}).status_code == 404
    assert post_form(other, f"/checkin/{row.id}/delete").status_code == 404
    assert "private" not in other.get("/checkin/history").get_data(as_text=True)
    db.session.refresh(row)
    assert row.mood == 2 and not row.is_deleted


def test_the_owner_comes_from_the_session_not_the_form(participant_client, db, world):
    checkin_form(participant_client, {"participant_id": str(world.participant_b.id)})
    assert _rows(db)[0].participant_id == world.participant_a.id


def test_check_in_is_in_the_bottom_navigation_and_marked_current(participant_client):
    html = participant_client.get("/checkin").get_data(as_text=True)
    assert 'href="/checkin" aria-current="page"' in html
    history = participant_client.get("/checkin/history").get_data(as_text=True)
    assert 'href="/checkin" aria-current="page"' in history
