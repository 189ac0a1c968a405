"""Who may see and change a participant's medications."""

from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.models import Enrolment, EnrolmentStatus, Medication
from tests.conftest import post_form
from tests.medications.conftest import today_in


def test_the_care_team_sees_the_section_and_only_staff_with_a_current_enrolment_edit(
        app, world, db, clinician_client, add_medication):
    medication = add_medication(world.participant_a, by=world.clinician_a)
    medication.created_at = utcnow() - timedelta(days=3)  # listed before the discharge below
    db.session.commit()
    pid = world.participant_a.id
    record = clinician_client.get(f"/clinician/participants/{pid}").get_data(as_text=True)
    assert 'id="medications"' in record and "sertraline" in record
    assert f"/clinician/participants/{pid}/medications/new" in record

    # Discharged yesterday: readable during the handover, no longer changed.
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.participant_id == pid))
    enrolment.status = EnrolmentStatus.DISCHARGED
    enrolment.end_date = today_in() - timedelta(days=1)
    db.session.commit()
    later = add_medication(world.participant_a, name="lithium")  # after they left: not theirs
    later.created_at = utcnow()
    db.session.commit()
    record = clinician_client.get(f"/clinician/participants/{pid}")
    assert record.status_code == 200 and "sertraline" in record.get_data(as_text=True)
    assert "lithium" not in record.get_data(as_text=True)
    assert f"/clinician/participants/{pid}/medications/new" not in record.get_data(as_text=True)
    base = f"/clinician/participants/{pid}/medications"
    assert clinician_client.get(f"{base}/new").status_code == 404
    assert post_form(clinician_client, f"{base}/{medication.id}/stop",
                     {"stop_on": today_in().isoformat()}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Medication, medication.id).current.stop_on is None

    # After the handover, nothing.
    enrolment.end_date = today_in() - timedelta(days=app.config["HANDOVER_DAYS"] + 1)
    db.session.commit()
    assert clinician_client.get(f"/clinician/participants/{pid}").status_code == 404


def test_another_programs_clinician_and_another_participant_get_404(
        app, world, db, login_as, add_medication):
    medication = add_medication(world.participant_a, by=world.clinician_a)
    pid = world.participant_a.id
    other_clinician = app.test_client()
    login_as(world.clinician_b, on=other_clinician)
    base = f"/clinician/participants/{pid}/medications"
    assert other_clinician.get(f"{base}/new").status_code == 404
    assert other_clinician.get(f"{base}/{medication.id}/edit").status_code == 404
    # Clinician A cannot reach a medication through another participant's URL either.
    mine = app.test_client()
    login_as(world.clinician_a, on=mine)
    other_medication = add_medication(world.participant_b, name="lithium")
    assert mine.get(f"{base}/{other_medication.id}/edit").status_code == 404

    participant_b = app.test_client()
    login_as(world.participant_b, on=participant_b)
    assert participant_b.get(f"/medications/{medication.id}/edit").status_code == 404
    assert post_form(participant_b, f"/medications/{medication.id}/stop",
                     {"stop_on": today_in().isoformat()}).status_code == 404
    assert "sertraline" not in participant_b.get("/medications").get_data(as_text=True)
