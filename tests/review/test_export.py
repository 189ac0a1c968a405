"""Exports: CSV streamed and inert in spreadsheets, date ranges checked, every export audited,
a program's export holds only that program; the FHIR bundle validated against FHIR models."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent
from app.review import export
from tests.conftest import post_form


def _export(client, **fields):
    today = date.today()
    data = {"dataset": "checkins", "start": str(today - timedelta(days=7)), "end": str(today),
            "file_format": "csv", **fields}
    # Buffered: the test client reads the stream inside the request (a streamed body read
    # later would run outside it).
    return post_form(client, "/clinician/export", data, buffered=True)


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(("text", "written"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1 555", "'+1 555"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tstarts with a tab", "'\tstarts with a tab"), ("plain", "plain"), (None, ""),
    (True, "yes"), (7, "7"),
])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(text, written):
    assert export.neutralise(text) == written


def test_the_csv_is_written_row_by_row(app, world, make_checkin, count_queries):
    from app.care.scope import care_access

    for days in range(3):
        make_checkin(world.participant_a, days_ago=days, mood=3)
    with app.test_request_context():
        span = export.scope_for(world.clinician_a, date.today() - timedelta(days=7),
                                date.today(), "America/New_York",
                                participant=world.participant_a,
                                access=care_access(world.clinician_a, world.participant_a.id))
        lines = export.stream(export.DATASETS["checkins"], span)
        with count_queries() as before_rows:
            header = next(lines)
        assert header.startswith("participant_id,participant,program,occurred_at")
        assert before_rows["n"] == 0  # nothing read yet: rows come as they are sent
        assert len(list(lines)) == 3


def test_a_participants_check_ins_as_a_streamed_csv(clinician_client, world, make_checkin, db):
    make_checkin(world.participant_a, days_ago=1, mood=2, note="=cmd|' /C calc'!A0",
                 feelings=["sad", "tired"])
    make_checkin(world.participant_a, days_ago=30, mood=5)  # outside the range
    make_checkin(world.participant_b, days_ago=1, mood=1)  # someone else
    response = _export(clinician_client, participant=world.participant_a.id)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Content-Length" not in response.headers  # streamed, not built in memory first
    assert "attachment" in response.headers["Content-Disposition"]
    (row,) = _rows(response)
    assert row["participant_id"] == str(world.participant_a.id)
    assert row["mood"] == "2" and row["feelings"] == "sad tired"
    assert row["note"] == "'=cmd|' /C calc'!A0"
    assert row["occurred_at"].endswith(("-05:00", "-04:00"))  # local, with its offset
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(e.actor_id, e.subject_participant_id) for e in events] == [
        (world.clinician_a.id, world.participant_a.id)]
    assert "cmd" not in (events[0].target or "")


def test_a_programs_scores_and_attendance(clinician_client, world, make_participant,
                                          make_score, make_attendance, db):
    from app.models import AttendanceStatus

    other = make_participant(world.iop, world.clinician_a, display_name="=Other")
    make_score(world.participant_a, "phq9", 12, days_ago=1, program=world.iop)
    make_score(other, "gad7", 9, days_ago=2, program=world.iop)
    make_score(world.participant_b, "phq9", 20, days_ago=1, program=world.php)
    scores = _rows(_export(clinician_client, program=world.iop.id, dataset="scales"))
    assert sorted((r["participant"], r["scale"], r["total"]) for r in scores) == [
        ("'=Other", "gad7", "9"), ("Participant A", "phq9", "12")]
    assert scores[0]["answers"].startswith("q1=")
    audited = set(db.session.scalars(sa.select(AuditEvent.subject_participant_id).where(
        AuditEvent.action == "export")))
    assert audited == {world.participant_a.id, other.id}
    make_attendance(world.participant_a, world.iop, [AttendanceStatus.ABSENT,
                                                     AttendanceStatus.PRESENT])
    marks = _rows(_export(clinician_client, program=world.iop.id, dataset="attendance"))
    assert [r["status"] for r in marks] == ["absent", "present"]
    assert _export(clinician_client, program=world.php.id, dataset="scales").status_code == 404


def test_ranges_over_two_years_or_ending_before_they_start_are_refused(clinician_client,
                                                                       world, db):
    today = date.today()
    backwards = _export(clinician_client, participant=world.participant_a.id,
                        start=str(today), end=str(today - timedelta(days=1)))
    assert backwards.status_code == 400
    assert "The last day is before the first day." in backwards.get_data(as_text=True)
    long = _export(clinician_client, participant=world.participant_a.id,
                   start=str(today - timedelta(days=800)), end=str(today))
    assert long.status_code == 400 and "Choose at most two years" in long.get_data(as_text=True)
    assert f'value="{today - timedelta(days=800)}"' in long.get_data(as_text=True)
    exactly = _export(clinician_client, participant=world.participant_a.id,
                      start=str(today.replace(year=today.year - 2)), end=str(today))
    assert exactly.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "export")) == 1


def test_someone_elses_export_is_a_404_and_an_audited_attempt(clinician_client, world, db):
    response = _export(clinician_client, participant=world.participant_b.id)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(AuditEvent.subject_participant_id).where(
        AuditEvent.action == "participant.denied")) == world.participant_b.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "export")) == 0


def test_the_fhir_bundle_validates_and_has_the_resources_an_ehr_expects(
        clinician_client, world, make_score, make_checkin, db):
    from fhir.resources.R4B.bundle import Bundle

    phq = make_score(world.participant_a, "phq9", 14, days_ago=1)
    make_score(world.participant_a, "gad7", 6, days_ago=1)
    make_score(world.participant_a, "pcl5", 30, days_ago=1)  # not exported
    make_checkin(world.participant_a, days_ago=2, mood=2)
    response = _export(clinician_client, participant=world.participant_a.id,
                       file_format="fhir")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    document = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(document)  # raises on any shape error
    resources = [e["resource"] for e in document["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert kinds.count("QuestionnaireResponse") == 2 and kinds.count("Observation") == 3
    qr = next(r for r in resources if r["resourceType"] == "QuestionnaireResponse"
              and r["questionnaire"].endswith("44249-1"))
    assert qr["status"] == "completed"
    assert qr["subject"]["identifier"]["value"] == str(world.participant_a.id)
    answers = {i["linkId"]: i["answer"][0]["valueInteger"] for i in qr["item"]}
    assert answers == {k: v for k, v in phq.answers.items()} and sum(
        v for k, v in answers.items() if k != "difficulty") == 14
    total = next(r for r in resources if r["resourceType"] == "Observation"
                 and r["code"]["coding"][0]["code"] == "44261-6")
    assert total["status"] == "final" and total["valueQuantity"]["value"] == 14
    assert total["derivedFrom"][0]["reference"] in {e["fullUrl"] for e in document["entry"]}
    mood = next(r for r in resources if r["resourceType"] == "Observation"
                and r["code"]["coding"][0]["code"] == "mood")
    assert mood["valueInteger"] == 2 and mood["category"][0]["coding"][0]["code"] == "survey"
    assert "Participant A" not in response.get_data(as_text=True)  # an identifier, not a name
    assert db.session.scalar(sa.select(AuditEvent.target).where(
        AuditEvent.action == "export")).startswith("export:fhir:")


def test_the_export_page_offers_fhir_only_for_one_participant(clinician_client, world):
    page = clinician_client.get("/clinician/export").get_data(as_text=True)
    assert "FHIR" not in page.split("<form")[1] and 'name="program"' in page
    one = clinician_client.get(f"/clinician/export?participant={world.participant_a.id}")
    assert "FHIR R4 JSON" in one.get_data(as_text=True)
