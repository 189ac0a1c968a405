"""Admin: enrolments and dated transitions between levels of care."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.models import Enrolment, EnrolmentStatus, EnrolmentTransition, LevelOfCare, Role
from tests.conftest import post_form


def _active(db, participant):
    return db.session.scalar(sa.select(Enrolment).where(
        Enrolment.participant_id == participant.id, Enrolment.status == EnrolmentStatus.ACTIVE))


def test_step_down_from_php_to_iop_keeps_history(app, client, world, login_as, db):
    world.clinician_b.programs.append(world.iop)
    db.session.commit()
    login_as(world.admin)
    old = _active(db, world.participant_b)
    when = date.today() + timedelta(days=1)
    response = post_form(client, f"/admin/enrolments/{old.id}/transition", {
        "change": "program", "to_program_id": str(world.iop.id),
        "effective_date": when.isoformat()})
    assert response.status_code == 302
    db.session.refresh(old)
    assert old.status == EnrolmentStatus.STEPPED_DOWN
    assert old.end_date == when - timedelta(days=1)
    new = _active(db, world.participant_b)
    assert new.program_id == world.iop.id and new.start_date == when
    assert new.level_of_care == LevelOfCare.IOP
    assert new.primary_clinician_id == world.clinician_b.id  # kept: works in both programs
    transition = db.session.scalar(sa.select(EnrolmentTransition))
    assert (transition.kind.value, transition.from_level, transition.to_level) == (
        "step_down", LevelOfCare.PHP, LevelOfCare.IOP)
    assert transition.recorded_by_id == world.admin.id
    clinician = app.test_client()
    login_as(world.clinician_b, on=clinician)
    page = clinician.get(f"/clinician/participants/{world.participant_b.id}").get_data(
        as_text=True)
    assert "step-down PHP → IOP" in page


def test_step_down_to_outpatient_and_discharge(client, world, login_as, db):
    login_as(world.admin)
    enrolment = _active(db, world.participant_a)
    post_form(client, f"/admin/enrolments/{enrolment.id}/transition", {
        "change": "outpatient", "to_program_id": "0",
        "effective_date": date.today().isoformat()})
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.STEPPED_DOWN
    assert _active(db, world.participant_a) is None
    assert db.session.scalar(sa.select(EnrolmentTransition)).to_level == LevelOfCare.OUTPATIENT

    other = _active(db, world.participant_b)
    post_form(client, f"/admin/enrolments/{other.id}/transition", {
        "change": "discharge", "to_program_id": "0", "effective_date": date.today().isoformat()})
    db.session.refresh(other)
    assert other.status == EnrolmentStatus.DISCHARGED


def test_transition_before_the_start_date_is_refused_and_nothing_changes(client, world,
                                                                        login_as, db):
    login_as(world.admin)
    enrolment = _active(db, world.participant_a)
    response = post_form(client, f"/admin/enrolments/{enrolment.id}/transition", {
        "change": "program", "to_program_id": str(world.php.id),
        "effective_date": (enrolment.start_date - timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert "after the enrolment" in response.get_data(as_text=True)
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert db.session.scalar(sa.select(sa.func.count(EnrolmentTransition.id))) == 0


def test_move_to_program_requires_a_program(client, world, login_as):
    login_as(world.admin)
    enrolment_id = world.participant_a.id  # any id; the form fails before it matters
    response = client.get(f"/admin/enrolments/{enrolment_id}/transition")
    assert response.status_code in (200, 404)
    from app.extensions import db
    enrolment = _active(db, world.participant_a)
    response = post_form(client, f"/admin/enrolments/{enrolment.id}/transition", {
        "change": "program", "to_program_id": "0", "effective_date": date.today().isoformat()})
    assert "Choose the new program." in response.get_data(as_text=True)


def test_enrolling_someone_already_enrolled_is_refused(client, world, login_as, db):
    login_as(world.admin)
    response = post_form(client, "/admin/enrolments/new", {
        "participant_id": str(world.participant_a.id), "program_id": str(world.php.id),
        "start_date": date.today().isoformat(), "primary_clinician_id": "0"})
    assert response.status_code == 400
    assert "already enrolled" in response.get_data(as_text=True)


def test_re_enrolling_a_discharged_participant(client, world, login_as, db, make_user):
    login_as(world.admin)
    returning = make_user(Role.PARTICIPANT, display_name="Returning")
    response = post_form(client, "/admin/enrolments/new", {
        "participant_id": str(returning.id), "program_id": str(world.iop.id),
        "start_date": date.today().isoformat(), "primary_clinician_id": str(world.clinician_a.id)})
    assert response.status_code == 302
    assert _active(db, returning).program_id == world.iop.id


def test_primary_clinician_must_work_in_the_program(client, world, login_as, make_user):
    login_as(world.admin)
    returning = make_user(Role.PARTICIPANT)
    response = post_form(client, "/admin/enrolments/new", {
        "participant_id": str(returning.id), "program_id": str(world.iop.id),
        "start_date": date.today().isoformat(), "primary_clinician_id": str(world.clinician_b.id)})
    assert "must work in this program" in response.get_data(as_text=True)


def test_status_filter_ignores_unknown_values(client, world, login_as):
    login_as(world.admin)
    response = client.get("/admin/enrolments?status=1;DROP TABLE users")
    assert response.status_code == 200
    assert "Participant A" in response.get_data(as_text=True)
