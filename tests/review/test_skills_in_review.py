"""What skills adds to clinician review: the caseload's open homework (also before a group),
practices and homework on the timeline, and the practices export."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from app.care.team import care_enrolment
from app.models import SkillHomework
from app.skills import catalogue, library
from tests.conftest import post_form
from tests.review.conftest import text_of
from tests.skills.helpers import add_practice


@pytest.fixture(autouse=True)
def skills_catalogue(db):
    """The shipped catalogue, as `flask skills sync` loads it."""
    return catalogue.sync()


def _homework(db, participant, clinician, key="paced-breathing", target=3, days=7):
    skill = library.get_skill_for_program(care_enrolment(participant).program, key).skill
    row = SkillHomework(participant_id=participant.id, skill_id=skill.id,
                        program_id=library.program_id_of(participant),
                        assigned_by_id=clinician.id, target_count=target,
                        starts_on=date.today() - timedelta(days=1),
                        due_on=date.today() + timedelta(days=days), note="=Try mornings")
    db.session.add(row)
    db.session.commit()
    return row


def test_the_caseload_shows_open_homework_with_progress(clinician_client, world, db):
    _homework(db, world.participant_a, world.clinician_a, target=3)
    add_practice(world.participant_a, "paced-breathing", datetime.now(UTC) - timedelta(hours=2),
                 before=7, after=4)
    text = text_of(clinician_client.get("/clinician/"))
    assert "Open homework" in text and "Paced breathing: 1 of 3" in text


def test_the_timeline_has_practices_and_homework(clinician_client, world, db):
    _homework(db, world.participant_a, world.clinician_a, target=2)
    add_practice(world.participant_a, "paced-breathing", datetime.now(UTC) - timedelta(hours=3),
                 before=8, after=3, helpful=4, note="Before the bus")
    text = text_of(clinician_client.get(f"/clinician/participants/{world.participant_a.id}"))
    assert "Skill practice: Paced breathing" in text and "distress 8 → 3" in text
    assert "helped 4/5" in text and "Before the bus" in text
    assert "Homework assigned: Paced breathing" in text


def test_practices_export_as_csv(clinician_client, world, db):
    add_practice(world.participant_a, "paced-breathing", datetime.now(UTC) - timedelta(days=1),
                 before=6, after=2, note="@home")
    today = date.today()
    response = post_form(clinician_client, "/clinician/export", {
        "participant": world.participant_a.id, "dataset": "practices",
        "start": str(today - timedelta(days=7)), "end": str(today), "file_format": "csv"},
        buffered=True)
    (row,) = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert row["skill"] == "Paced breathing" and row["distress_before"] == "6"
    assert row["note"] == "'@home"


def test_the_homework_column_is_also_the_pre_group_summarys(app, world, db):
    from app.review import caseload

    _homework(db, world.participant_a, world.clinician_a, target=2)
    with app.test_request_context():
        ctx = caseload.context_for(world.clinician_a, [care_enrolment(world.participant_a)])
        assert caseload.COLUMNS["homework"].load(ctx) == {
            world.participant_a.id: "Paced breathing: 0 of 2"}
