"""Who works in a program: no admin adds themselves, every change is audited and shown to the
program's clinicians, and a primary clinician who leaves is replaced or cleared."""

from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.models import AuditEvent, Enrolment, ProgramMembershipChange, PushSubscription, Role
from app.push import triggers
from app.safety.alerts import raise_alert
from tests.conftest import post_form


def _enrolment(db, participant) -> Enrolment:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.participant_id == participant.id))


def test_an_admin_cannot_add_themselves_to_a_program(client, world, login_as, db):
    login_as(world.admin)
    url = f"/admin/clinicians/{world.admin.id}/programs"
    page = client.get(url)
    assert page.status_code == 400
    assert "You cannot change your own programs" in page.get_data(as_text=True)
    response = post_form(client, url, {"program_ids": [str(world.iop.id), str(world.php.id)]})
    assert response.status_code == 400
    db.session.refresh(world.admin)
    assert world.admin.programs == []
    assert db.session.scalar(sa.select(sa.func.count(ProgramMembershipChange.id))) == 0
    # and so still no clinical page without break-glass
    assert client.get(f"/clinician/participants/{world.participant_a.id}").status_code == 404


def test_the_staff_page_offers_no_programs_link_for_oneself(client, world, login_as):
    login_as(world.admin)
    html = client.get("/admin/clinicians").get_data(as_text=True)
    assert f"/admin/clinicians/{world.admin.id}/programs" not in html
    assert f"/admin/clinicians/{world.clinician_a.id}/programs" in html
    assert "Another admin changes your programs" in html


def test_another_admins_change_is_audited_and_shown_to_the_programs_clinicians(
        app, client, world, login_as, make_user, db):
    second = make_user(Role.ADMIN, display_name="Second Admin")
    login_as(second)
    response = post_form(client, f"/admin/clinicians/{world.admin.id}/programs",
                         {"program_ids": [str(world.iop.id)]})
    assert response.status_code == 302
    change = db.session.scalar(sa.select(ProgramMembershipChange))
    assert (change.user_id, change.program_id, change.is_added, change.changed_by_id) == (
        world.admin.id, world.iop.id, True, second.id)
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "admin.staff_programs"))
    assert event.actor_id == second.id and event.target == f"membership:{change.id}"

    iop = app.test_client()
    login_as(world.clinician_a, on=iop)
    html = iop.get("/clinician/").get_data(as_text=True)
    assert "Changes to your programs" in html
    assert "Second Admin added Admin (admin) to North IOP." in html
    php = app.test_client()
    login_as(world.clinician_b, on=php)
    assert "Second Admin added" not in php.get("/clinician/").get_data(as_text=True)


def test_a_new_staff_accounts_programs_are_shown_too(app, client, world, login_as, db):
    login_as(world.admin)
    post_form(client, "/admin/clinicians/new", {
        "display_name": "Dana New", "email": "dana@example.org", "role": "admin",
        "program_ids": [str(world.iop.id)]})
    iop = app.test_client()
    login_as(world.clinician_a, on=iop)
    assert "Admin added Dana New (admin) to North IOP." in iop.get("/clinician/").get_data(
        as_text=True)


def test_removing_a_primary_clinician_asks_who_takes_over(client, world, login_as,
                                                          make_clinician, db):
    colleague = make_clinician(world.iop, display_name="Colleague C")
    login_as(world.admin)
    url = f"/admin/clinicians/{world.clinician_a.id}/programs"
    step_two = post_form(client, url, {"program_ids": [str(world.php.id)]})
    html = step_two.get_data(as_text=True)
    assert step_two.status_code == 200
    assert "Who takes over from Clinician A?" in html and "Participant A" in html
    assert "Reassign to Colleague C" in html and "Leave without a primary clinician" in html
    db.session.refresh(world.clinician_a)
    assert [p.name for p in world.clinician_a.programs] == ["North IOP"]  # nothing saved yet

    done = post_form(client, url, {"program_ids": [str(world.php.id)], "step": "primaries",
                                   f"primary_{world.iop.id}": str(colleague.id)})
    assert done.status_code == 302
    db.session.refresh(world.clinician_a)
    assert [p.name for p in world.clinician_a.programs] == ["South PHP"]
    assert _enrolment(db, world.participant_a).primary_clinician_id == colleague.id
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "admin.primary_clinician"))
    assert event.subject_participant_id == world.participant_a.id


def test_the_admin_may_leave_participants_without_a_primary(client, world, login_as, db):
    login_as(world.admin)
    url = f"/admin/clinicians/{world.clinician_a.id}/programs"
    done = post_form(client, url, {"step": "primaries", f"primary_{world.iop.id}": "0"})
    assert done.status_code == 302
    db.session.refresh(world.clinician_a)
    assert world.clinician_a.programs == []
    assert _enrolment(db, world.participant_a).primary_clinician_id is None


def test_a_missing_or_foreign_choice_changes_nothing(client, world, login_as, db):
    login_as(world.admin)
    url = f"/admin/clinicians/{world.clinician_a.id}/programs"
    for data in ({"step": "primaries"},
                 {"step": "primaries", f"primary_{world.iop.id}": str(world.clinician_b.id)}):
        response = post_form(client, url, data)
        assert response.status_code == 400
    db.session.refresh(world.clinician_a)
    assert [p.name for p in world.clinician_a.programs] == ["North IOP"]
    assert _enrolment(db, world.participant_a).primary_clinician_id == world.clinician_a.id


def _alert_rows(alert):
    return {row.user_id: row for row in triggers.plan_safety_alerts(alert.created_at)
            if row.context["alert_id"] == alert.id}


def test_an_alert_skips_a_primary_who_left_the_program_and_tells_everyone_at_once(
        app, world, make_clinician, db):
    colleague = make_clinician(world.iop, display_name="Colleague C")
    with app.test_request_context():
        alert = raise_alert(world.participant_a, [{"code": "safety_question", "value": True}])
        db.session.commit()
        assert alert.primary_clinician_id == world.clinician_a.id
        world.clinician_a.programs = [world.php]  # moved to another program, still active
        db.session.commit()
        rows = _alert_rows(alert)
    assert world.clinician_a.id not in rows
    assert rows[colleague.id].due_at == alert.created_at
    assert rows[colleague.id].context["primary"] is True


def test_a_primary_still_in_the_program_is_told_first(app, world, make_clinician, db):
    colleague = make_clinician(world.iop, display_name="Colleague C")
    db.session.add(PushSubscription(  # a device that can receive the push
        user_id=world.clinician_a.id, endpoint="https://fcm.googleapis.com/fcm/send/x",
        endpoint_hash="x" * 64, p256dh="k", auth="a", push_service="fcm",
        device_label="Chrome on Android"))
    db.session.commit()
    with app.test_request_context():
        alert = raise_alert(world.participant_a, [{"code": "safety_question", "value": True}])
        db.session.commit()
        rows = _alert_rows(alert)
    assert rows[world.clinician_a.id].due_at == alert.created_at
    assert rows[colleague.id].due_at == alert.created_at + timedelta(minutes=30)
    assert rows[colleague.id].due_at > utcnow() - timedelta(minutes=1)
