"""The weekly "Any side effects?" for new medications, and the care team seeing the answers."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from app.medications import side_effects
from app.models import SideEffectReport
from tests.conftest import post_form
from tests.medications.conftest import today_in


def test_asked_weekly_in_the_first_six_weeks_answered_once_and_shown_to_the_care_team(
        world, db, participant_client, clinician_client, add_medication):
    today = today_in()
    new = add_medication(world.participant_a, start_on=today - timedelta(days=9))
    add_medication(world.participant_a, name="lithium", start_on=today - timedelta(days=60))
    assert side_effects.week_of(new, today) == 2
    page = participant_client.get("/today").get_data(as_text=True)
    assert "Any side effects from sertraline 50 mg tablet this week?" in page
    assert "Any side effects from lithium" not in page  # started too long ago

    answer = {"client_uuid": str(uuid.uuid4()), "medication_id": new.id, "answer": "bothersome",
              "note": "Headaches <every> afternoon"}
    saved = post_form(participant_client, "/medications/side-effects", answer,
                      headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Your care team will see this" in saved.get_data(
        as_text=True)
    assert post_form(participant_client, "/medications/side-effects", answer).status_code == 302
    [report] = db.session.scalars(sa.select(SideEffectReport)).all()  # a resend: saved once
    assert (report.week, report.answer.value) == (2, "bothersome")
    assert "Any side effects" not in participant_client.get("/today").get_data(as_text=True)

    record = clinician_client.get(f"/clinician/participants/{world.participant_a.id}")
    text = record.get_data(as_text=True)
    assert "Bothersome" in text and "Headaches &lt;every&gt; afternoon" in text


def test_not_this_week_hides_it_without_a_report_and_bad_answers_are_refused(
        world, db, participant_client, clinician_client, add_medication):
    new = add_medication(world.participant_a, start_on=today_in())
    post_form(participant_client, "/medications/side-effects",
              {"client_uuid": str(uuid.uuid4()), "medication_id": new.id, "answer": "not_now"})
    assert "Any side effects" not in participant_client.get("/today").get_data(as_text=True)
    assert side_effects.reports_of(world.participant_a.id) == []
    old = add_medication(world.participant_a, name="lithium",
                         start_on=today_in() - timedelta(days=50))
    for body, field in (({"medication_id": new.id, "answer": "awful"}, "answer"),
                        ({"medication_id": old.id, "answer": "mild"}, "medication_id"),
                        ({"medication_id": "999999", "answer": "mild"}, "medication_id"),
                        ({"medication_id": new.id, "answer": "mild", "note": "x" * 1001},
                         "note")):
        try:
            side_effects.answer(world.participant_a, {"client_uuid": str(uuid.uuid4()), **body})
        except side_effects.Invalid as invalid:
            assert field in invalid.errors
        else:
            raise AssertionError(f"accepted {body}")
