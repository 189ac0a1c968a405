"""The list: every change kept (who, when, what), a new dose as a new entry, stopping, bad
input, what a participant may change, and user text escaped."""

from datetime import timedelta

import sqlalchemy as sa

from app.models import AuditEvent, ChangeAction, Medication, MedicationChange, MedicationSource
from tests.conftest import post_form
from tests.medications.conftest import today_in

FORM = {"name": "sertraline", "strength": "50 mg", "form": "tablet", "amount": "1 tablet",
        "time_1": "08:00", "prescriber": "Dr Rivera", "note": "With food"}


def _changes(db, medication):
    db.session.expire_all()
    return db.session.scalars(sa.select(MedicationChange).where(
        MedicationChange.medication_id == medication.id).order_by(MedicationChange.id)).all()


def _only(db):
    db.session.expire_all()
    [medication] = db.session.scalars(sa.select(Medication)).all()
    return medication


def test_care_team_adds_changes_dose_edits_and_stops_and_every_change_is_kept(
        world, db, clinician_client):
    pid = world.participant_a.id
    today = today_in()
    start = (today - timedelta(days=10)).isoformat()
    response = post_form(clinician_client, f"/clinician/participants/{pid}/medications/new",
                         {**FORM, "time_2": "20:00", "start_on": start})
    assert response.status_code == 302, response.get_data(as_text=True)
    medication = _only(db)
    assert medication.source == MedicationSource.CARE_TEAM
    assert medication.current.times == ["08:00", "20:00"]
    assert medication.current.tracked_from == today  # doses before it was listed do not count
    base = f"/clinician/participants/{pid}/medications/{medication.id}"

    # A new strength from tomorrow: a new entry; the old one ends today.
    tomorrow = (today + timedelta(days=1)).isoformat()
    post_form(clinician_client, f"{base}/edit", {**FORM, "strength": "100 mg", "time_1": "08:00",
                                                 "time_2": "20:00", "effective_on": tomorrow})
    medication = _only(db)
    old, new = medication.entries
    assert (old.strength, old.stop_on) == ("50 mg", today)
    assert (new.strength, new.start_on, new.stop_on) == ("100 mg", today + timedelta(days=1),
                                                         None)

    # A new prescriber: changed in place, with its old value kept in the log.
    post_form(clinician_client, f"{base}/edit", {**FORM, "strength": "100 mg", "time_1": "08:00",
                                                 "time_2": "20:00", "prescriber": "Dr Chen",
                                                 "effective_on": tomorrow})
    # Stopped after next week.
    stop_on = today + timedelta(days=7)
    post_form(clinician_client, f"{base}/stop", {"stop_on": stop_on.isoformat()})
    medication = _only(db)
    assert len(medication.entries) == 2 and medication.current.stop_on == stop_on

    log = _changes(db, medication)
    assert [c.action for c in log] == [ChangeAction.ADDED, ChangeAction.DOSE_CHANGED,
                                       ChangeAction.EDITED, ChangeAction.STOPPED]
    assert all(c.changed_by_id == world.clinician_a.id and c.is_by_care_team for c in log)
    assert log[0].changes["name"] == [None, "sertraline"]
    assert log[1].changes == {"strength": ["50 mg", "100 mg"]}
    assert log[1].effective_on == today + timedelta(days=1)
    assert log[2].changes == {"prescriber": ["Dr Rivera", "Dr Chen"]}
    assert log[3].changes == {"stop_on": [None, stop_on.isoformat()]}
    edits = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "participant.edit")).all()
    assert len(edits) == 4 and {e.subject_participant_id for e in edits} == {pid}

    record = clinician_client.get(f"/clinician/participants/{pid}").get_data(as_text=True)
    assert "Dr Rivera → Dr Chen" in record and "50 mg → 100 mg" in record


def test_the_participant_adds_their_own_and_only_changes_times_of_the_care_teams(
        world, db, participant_client, add_medication):
    response = post_form(participant_client, "/medications/new",
                         {**FORM, "name": "melatonin", "start_on": today_in().isoformat()})
    assert response.status_code == 302
    own = db.session.scalar(sa.select(Medication).where(
        Medication.source == MedicationSource.PARTICIPANT))
    assert own.added_by_id == world.participant_a.id
    theirs = add_medication(world.participant_a, by=world.clinician_a)

    page = participant_client.get(f"/medications/{theirs.id}/edit").get_data(as_text=True)
    assert "You can change when you take it" in page and 'name="name"' not in page
    moved = post_form(participant_client, f"/medications/{theirs.id}/edit",
                      {"time_1": "09:30", "effective_on": today_in().isoformat(),
                       "name": "something else", "strength": "900 mg"})
    assert moved.status_code == 302
    db.session.expire_all()
    theirs = db.session.get(Medication, theirs.id)
    assert theirs.current.times == ["09:30"]
    assert (theirs.current.name, theirs.current.strength) == ("sertraline", "50 mg")
    [_added, change] = _changes(db, theirs)
    assert change.changes == {"times": [["08:00"], ["09:30"]]} and not change.is_by_care_team

    refused = post_form(participant_client, f"/medications/{theirs.id}/stop",
                        {"stop_on": today_in().isoformat()})
    assert refused.status_code == 400
    assert "Only your care team can stop" in refused.get_data(as_text=True)
    listing_page = participant_client.get("/medications").get_data(as_text=True)
    assert "From your care team" in listing_page and "Added by me" in listing_page


def test_bad_input_keeps_what_was_typed_and_saves_nothing(world, db, participant_client,
                                                         add_medication):
    start = today_in()
    cases = [
        ({**FORM, "name": ""}, "Enter the medication"),
        ({**FORM, "time_1": ""}, "Add at least one time"),
        ({**FORM, "is_as_needed": "y"}, "Leave the times empty"),
        ({**FORM, "start_on": "2400-01-01"}, "Enter a date between"),
        ({**FORM, "note": "x" * 1001}, "1000"),
    ]
    for data, message in cases:
        response = post_form(participant_client, "/medications/new",
                             {"start_on": start.isoformat(), **data})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page, (data, page[-2000:])
        assert 'value="Dr Rivera"' in page  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Medication)) == 0

    medication = add_medication(world.participant_a, start_on=start)
    before = post_form(participant_client, f"/medications/{medication.id}/stop",
                       {"stop_on": (start - timedelta(days=1)).isoformat()})
    assert before.status_code == 400
    assert "cannot be before the start date" in before.get_data(as_text=True)
    past = post_form(participant_client, f"/medications/{medication.id}/edit",
                     {**FORM, "strength": "75 mg",
                      "effective_on": (start - timedelta(days=1)).isoformat()})
    assert past.status_code == 400 and "Choose today or a later date" in past.get_data(
        as_text=True)
    db.session.expire_all()
    medication = db.session.get(Medication, medication.id)
    assert medication.current.stop_on is None and medication.current.strength == "50 mg"
    assert len(_changes(db, medication)) == 1

    # A stop planned for tomorrow: a new dose cannot begin after it.
    post_form(participant_client, f"/medications/{medication.id}/stop",
              {"stop_on": (start + timedelta(days=1)).isoformat()})
    late = post_form(participant_client, f"/medications/{medication.id}/edit",
                     {**FORM, "strength": "75 mg",
                      "effective_on": (start + timedelta(days=2)).isoformat()})
    assert late.status_code == 400 and "choose that day or earlier" in late.get_data(as_text=True)


def test_html_in_names_and_notes_is_shown_as_text_everywhere(world, db, participant_client,
                                                             clinician_client, add_medication):
    script = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    add_medication(world.participant_a, name=script, note=script, prescriber=script,
                   by=world.clinician_a)
    pages = [participant_client.get(url).get_data(as_text=True)
             for url in ("/today", "/medications")]
    pages.append(clinician_client.get(f"/clinician/participants/{world.participant_a.id}")
                 .get_data(as_text=True))
    for page in pages:
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
