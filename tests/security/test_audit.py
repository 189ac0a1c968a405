"""Audit trail: one event per action, no PHI, append-only, seen by admins and participants."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import utcnow
from app.models import AuditEvent
from app.security import audit
from tests.conftest import PASSWORD, post_form


def _events(db, action=None):
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


def test_sign_in_failed_sign_in_and_sign_out_are_recorded(client, world, db):
    post_form(client, "/signin", {"email": world.participant_a.email, "password": "wrong one!!"})
    post_form(client, "/signin", {"email": "nobody@example.org", "password": "wrong one!!"})
    post_form(client, "/signin", {"email": world.participant_a.email, "password": PASSWORD})
    post_form(client, "/signout")
    actions = [(e.action, e.actor_id) for e in _events(db)]
    assert actions == [
        ("auth.sign_in_failed", world.participant_a.id),
        ("auth.sign_in_failed", None),
        ("auth.sign_in", world.participant_a.id),
        ("auth.sign_out", world.participant_a.id),
    ]
    event = _events(db, "auth.sign_in")[0]
    assert event.ip == "127.0.0.1" and event.actor_role == "participant"
    assert len(event.request_id) == 36


def test_staff_view_of_a_participant_is_one_event_naming_the_subject(client, world, login_as,
                                                                      db):
    login_as(world.clinician_a)
    response = client.get(f"/clinician/participants/{world.participant_a.id}")
    views = _events(db, "participant.view")
    assert len(views) == 1
    assert views[0].actor_id == world.clinician_a.id
    assert views[0].subject_participant_id == world.participant_a.id
    assert response.headers["X-Request-ID"] == views[0].request_id


def test_a_refused_view_is_not_recorded_as_a_view(client, world, login_as, db):
    login_as(world.clinician_b)
    assert client.get(f"/clinician/participants/{world.participant_a.id}").status_code == 404
    assert _events(db, "participant.view") == []


def test_admin_actions_are_recorded(client, world, login_as, db):
    login_as(world.admin)
    post_form(client, "/admin/programs/new", {"name": "New One", "level_of_care": "iop",
                                              "time_zone": "America/Denver"})
    post_form(client, f"/admin/clinicians/{world.clinician_b.id}/deactivate")
    actions = [e.action for e in _events(db)]
    assert "admin.program_create" in actions and "admin.staff_deactivate" in actions
    deactivation = _events(db, "admin.staff_deactivate")[0]
    assert deactivation.target == f"user:{world.clinician_b.id}"


def test_events_hold_no_names_notes_or_emails(client, world, login_as, db):
    login_as(world.clinician_a)
    client.get(f"/clinician/participants/{world.participant_a.id}")
    post_form(client, "/clinician/invites/new", {
        "display_name": "Secret Name", "email": "secret@example.org",
        "program_id": str(world.iop.id), "start_date": "2027-01-04",
        "primary_clinician_id": str(world.clinician_a.id)})
    for event in _events(db):
        row = " ".join(str(getattr(event, c.key)) for c in AuditEvent.__table__.columns)
        for secret in ("Secret Name", "secret@example.org", world.participant_a.display_name,
                       world.participant_a.email):
            assert secret not in row


def test_audit_events_cannot_be_changed_or_deleted_through_the_app(app, world, db):
    with app.test_request_context():
        audit.record(audit.Action.SIGN_IN, actor=world.admin)
        db.session.commit()
    event = _events(db)[0]
    event.action = "something.else"
    with pytest.raises(audit.AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(_events(db)[0])
    with pytest.raises(audit.AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert _events(db)[0].action == "auth.sign_in"


def test_no_route_changes_audit_events(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_admin_filters_and_exports_the_trail(client, world, login_as, db):
    login_as(world.clinician_a, on=client)
    client.get(f"/clinician/participants/{world.participant_a.id}")
    post_form(client, "/signout")
    login_as(world.admin)
    page = client.get(f"/admin/audit?action=participant.view&participant={world.participant_a.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "participant.view" in html and "auth.sign_out" not in html.split("<tbody")[1]
    export = client.get("/admin/audit.csv?action=participant.view")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["actor_id"] == str(world.clinician_a.id)
    assert _events(db, "audit.export")[0].actor_id == world.admin.id


@pytest.mark.parametrize("query", ["participant=1;DROP TABLE users", "from=yesterday",
                                   "action=' OR 1=1 --"])
def test_bad_audit_filters_are_refused_or_ignored_safely(client, world, login_as, query):
    login_as(world.admin)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.get_data(as_text=True)


def test_participant_sees_which_staff_viewed_their_information(app, client, world, login_as):
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    staff.get(f"/clinician/participants/{world.participant_a.id}")
    login_as(world.participant_a)
    html = client.get("/me").get_data(as_text=True)
    assert "Who on staff viewed my information" in html
    assert "Clinician A (clinician)" in html


def test_purge_removes_only_events_older_than_the_retention(app, runner, world, db):
    with app.test_request_context():
        old = audit.record(audit.Action.SIGN_IN, actor=world.admin)
        recent = audit.record(audit.Action.SIGN_OUT, actor=world.admin)
        db.session.flush()
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == old.id)
                           .values(at=utcnow() - timedelta(days=6 * 366 + 1)))
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == recent.id)
                           .values(at=utcnow() - timedelta(days=6 * 366 - 1)))
        db.session.commit()
    result = runner.invoke(args=["audit", "purge"])
    assert result.exit_code == 0 and "Removed 1" in result.output
    remaining = {e.action for e in _events(db)}
    assert remaining == {"auth.sign_out", "audit.purge"}
