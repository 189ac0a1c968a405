"""A participant's record: audited reads, 404 and an audit event outside the staff member's
programs, ranges, timeline and table, notes that stay private, messages the participant sees,
contact details."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.models import AuditEvent, CareMessage, ClinicalNote, EnrolmentStatus
from tests.conftest import post_form
from tests.review.conftest import text_of

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def _events(db, action, **where):
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


def test_opening_a_record_is_audited_and_someone_elses_is_a_404_and_audited(
        clinician_client, world, db):
    url = f"/clinician/participants/{world.participant_a.id}"
    assert clinician_client.get(url).status_code == 200
    assert len(_events(db, "participant.view", subject_participant_id=world.participant_a.id,
                       actor_id=world.clinician_a.id)) == 1
    assert clinician_client.get(
        f"/clinician/participants/{world.participant_b.id}").status_code == 404
    (denied,) = _events(db, "participant.denied")
    assert denied.actor_id == world.clinician_a.id
    assert denied.subject_participant_id == world.participant_b.id
    assert clinician_client.get("/clinician/participants/999999").status_code == 404
    assert _events(db, "participant.denied")[-1].target == "participant:999999"


def test_ranges_are_an_allowlist_and_since_admission_reaches_the_first_day(
        clinician_client, world, make_checkin, db):
    from app.models import Enrolment

    enrolment = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.participant_id == world.participant_a.id))
    enrolment.start_date = date.today() - timedelta(days=120)
    db.session.commit()
    make_checkin(world.participant_a, days_ago=100, mood=2, note="Early days")
    make_checkin(world.participant_a, days_ago=20, mood=3, note="Getting there")
    url = f"/clinician/participants/{world.participant_a.id}"
    two_weeks = text_of(clinician_client.get(url))
    assert "Early days" not in two_weeks and "Getting there" not in two_weeks
    assert "Getting there" in text_of(clinician_client.get(url + "?range=30"))
    everything = text_of(clinician_client.get(url + "?range=all"))
    assert "Early days" in everything and "Getting there" in everything
    odd = clinician_client.get(url + "?range=100000")
    assert odd.status_code == 200 and "Getting there" not in text_of(odd)


def test_the_timeline_shows_every_source_and_a_table_view(
        clinician_client, world, make_checkin, make_score, make_alert, db):
    make_checkin(world.participant_a, days_ago=1, mood=2, craving=9, note="Long day")
    make_score(world.participant_a, "gad7", 12, days_ago=2)
    make_alert(world.participant_a, world.iop, hours_ago=5)
    url = f"/clinician/participants/{world.participant_a.id}"
    post_form(clinician_client, url + "/notes", {"note-body": "Private thoughts"})
    post_form(clinician_client, url + "/messages", {"message-body": "See you Monday"})
    text = text_of(clinician_client.get(url))
    for words in ("Check-in", "Mood 2 (Low)", "craving 9/10", "Long day", "GAD-7",
                  "12 of 21, Moderate", "Safety alert (open)", "Private note by Clinician A",
                  "Private thoughts", "Message to the participant by Clinician A",
                  "See you Monday", "not read yet", "Mood low", "Strong craving"):
        assert words in text, words
    table = clinician_client.get(url + "?view=table")
    assert 'class="table timeline-table"' in table.get_data(as_text=True)
    assert "Long day" in text_of(table)
    html = clinician_client.get(url).get_data(as_text=True)
    assert 'id="heading-mood"' in html and 'id="heading-phq9"' in html  # the charts


def test_notes_are_private_and_messages_reach_the_participant(
        clinician_client, participant_client, world, db):
    url = f"/clinician/participants/{world.participant_a.id}"
    assert post_form(clinician_client, url + "/notes",
                     {"note-body": "Private: " + XSS}).status_code == 302
    assert post_form(clinician_client, url + "/messages",
                     {"message-body": "Hello " + XSS}).status_code == 302
    staff_html = clinician_client.get(url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in staff_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in staff_html
    for path in ("/today", "/me", "/progress", "/checkin/history"):
        html = participant_client.get(path).get_data(as_text=True)
        assert "Private:" not in html, path
        assert "<script>alert(1)</script>" not in html, path
    today = participant_client.get("/today").get_data(as_text=True)
    assert "1 message from your care team" in today and "Hello &lt;script&gt;" in today
    message = db.session.scalar(sa.select(CareMessage))
    assert message.read_at is None
    messages = participant_client.get("/messages")
    assert "Hello &lt;script&gt;" in messages.get_data(as_text=True)
    assert "Private:" not in messages.get_data(as_text=True)
    assert "New" in text_of(messages)
    db.session.refresh(message)
    assert message.read_at is not None  # opened, so read
    assert "message from your care team" not in participant_client.get(
        "/today").get_data(as_text=True)
    assert db.session.scalar(sa.select(ClinicalNote.body)).startswith("Private: ")
    assert len(_events(db, "participant.edit", subject_participant_id=world.participant_a.id)) \
        == 2


def test_got_it_on_today_marks_only_the_participants_own_messages_read(
        clinician_client, participant_client, world, db, app, login_as):
    from app.review import notes

    mine = notes.send_message(world.clinician_a, world.participant_a, "For A")
    theirs = notes.send_message(world.clinician_b, world.participant_b, "For B")
    db.session.commit()
    response = post_form(participant_client, "/messages/read",
                         {"message": [str(mine.id), str(theirs.id)]})
    assert response.status_code == 302
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.read_at is not None and theirs.read_at is None


def test_empty_or_too_long_notes_keep_what_was_typed(clinician_client, world, db):
    url = f"/clinician/participants/{world.participant_a.id}"
    empty = post_form(clinician_client, url + "/notes", {"note-body": "   "})
    assert empty.status_code == 400 and "Write something first." in text_of(empty)
    long = "x" * 4001
    too_long = post_form(clinician_client, url + "/notes", {"note-body": long})
    assert too_long.status_code == 400 and long in too_long.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClinicalNote)) == 0


def test_writing_needs_a_current_enrolment(clinician_client, world, db):
    from app.models import Enrolment

    enrolment = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.participant_id == world.participant_a.id))
    enrolment.status = EnrolmentStatus.DISCHARGED
    enrolment.end_date = date.today() - timedelta(days=1)
    db.session.commit()
    url = f"/clinician/participants/{world.participant_a.id}"
    page = clinician_client.get(url)
    assert page.status_code == 200 and "Read-only: this person is no longer enrolled" in text_of(
        page)
    for path, field in (("/notes", "note-body"), ("/messages", "message-body"),
                        ("/contact", "contact-phone")):
        assert post_form(clinician_client, url + path, {field: "+1 555 010 0199"}
                         ).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareMessage)) == 0


def test_staff_and_the_participant_edit_the_phone_and_emergency_contact(
        clinician_client, participant_client, world, db):
    url = f"/clinician/participants/{world.participant_a.id}/contact"
    bad = post_form(clinician_client, url, {"contact-phone": "call me maybe",
                                            "contact-emergency_contact_name": "Ana"})
    text = text_of(bad)
    assert bad.status_code == 400 and "Enter a phone number with digits" in text
    assert 'value="call me maybe"' in bad.get_data(as_text=True)
    short = post_form(clinician_client, url, {"contact-phone": "12345"})
    assert short.status_code == 400 and "A phone number has 7 to 15 digits" in text_of(short)
    half = post_form(clinician_client, url, {"contact-emergency_contact_name": "Ana"})
    assert half.status_code == 400 and "Add their phone number too." in text_of(half)
    ok = post_form(clinician_client, url, {"contact-phone": "+1 555 010 0199",
                                           "contact-emergency_contact_name": "Ana Reyes",
                                           "contact-emergency_contact_phone": "(555) 010-0198"})
    assert ok.status_code == 302
    db.session.refresh(world.participant_a)
    assert world.participant_a.phone == "+1 555 010 0199"
    record = clinician_client.get(f"/clinician/participants/{world.participant_a.id}")
    assert 'href="tel:+15550100199"' in record.get_data(as_text=True)
    assert "Ana Reyes" in text_of(record)
    mine = post_form(participant_client, "/me/contact", {
        "contact-phone": "+1 555 010 0111", "contact-emergency_contact_name": "",
        "contact-emergency_contact_phone": ""}, headers={"HX-Request": "true"})
    assert mine.status_code == 200 and "Saved." in text_of(mine)
    db.session.refresh(world.participant_a)
    assert world.participant_a.phone == "+1 555 010 0111"
    assert world.participant_a.emergency_contact_name is None
    wrong = post_form(participant_client, "/me/contact", {"contact-phone": "abc"})
    assert wrong.status_code == 400 and "Enter a phone number with digits" in text_of(wrong)
