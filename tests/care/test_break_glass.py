"""Break-glass: an admin's emergency access to one participant outside their programs."""

from datetime import timedelta

import sqlalchemy as sa

from app.models import AuditEvent, BreakGlassGrant
from tests.conftest import post_form

REASON = "Primary clinician unreachable; participant called the front desk in distress."


def test_admins_see_no_clinical_page_outside_their_programs(client, world, login_as):
    login_as(world.admin)
    assert client.get(f"/clinician/participants/{world.participant_a.id}").status_code == 404


def test_admin_grants_time_limited_access_with_a_reason(client, world, login_as, db):
    login_as(world.admin)
    response = post_form(client, f"/admin/participants/{world.participant_a.id}/emergency-access",
                         {"reason": REASON, "hours": "2"})
    assert response.headers["Location"] == f"/clinician/participants/{world.participant_a.id}"
    assert client.get(response.headers["Location"]).status_code == 200
    grant = db.session.scalar(sa.select(BreakGlassGrant))
    assert grant.expires_at - grant.granted_at == timedelta(hours=2)
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "break_glass.grant"))
    assert event.subject_participant_id == world.participant_a.id
    assert event.actor_id == world.admin.id
    assert REASON not in (event.target or "")  # the reason stays out of the audit event


def test_access_ends_when_the_grant_expires(client, world, login_as, db):
    login_as(world.admin)
    post_form(client, f"/admin/participants/{world.participant_a.id}/emergency-access",
              {"reason": REASON, "hours": "1"})
    grant = db.session.scalar(sa.select(BreakGlassGrant))
    grant.expires_at = grant.granted_at + timedelta(seconds=1) - timedelta(hours=2)
    db.session.commit()
    assert client.get(f"/clinician/participants/{world.participant_a.id}").status_code == 404


def test_a_grant_covers_one_participant_only(client, world, login_as, make_participant):
    other = make_participant(world.iop)
    login_as(world.admin)
    post_form(client, f"/admin/participants/{world.participant_a.id}/emergency-access",
              {"reason": REASON, "hours": "1"})
    assert client.get(f"/clinician/participants/{other.id}").status_code == 404


def test_reason_and_duration_are_required_within_limits(client, world, login_as, db):
    login_as(world.admin)
    url = f"/admin/participants/{world.participant_a.id}/emergency-access"
    short = post_form(client, url, {"reason": "need it", "hours": "1"})
    assert short.status_code == 400 and "at least 20 characters" in short.get_data(as_text=True)
    assert "need it" in short.get_data(as_text=True)  # what was typed is kept
    too_long = post_form(client, url, {"reason": REASON, "hours": "8"})
    assert too_long.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(BreakGlassGrant.id))) == 0


def test_the_programs_clinicians_see_the_grant_and_its_reason(app, client, world, login_as):
    admin = app.test_client()
    login_as(world.admin, on=admin)
    post_form(admin, f"/admin/participants/{world.participant_a.id}/emergency-access",
              {"reason": REASON, "hours": "1"})
    login_as(world.clinician_a)
    for path in ("/clinician/", f"/clinician/participants/{world.participant_a.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Emergency access by admins" in html and "front desk in distress" in html
    other = app.test_client()
    login_as(world.clinician_b, on=other)
    assert "front desk" not in other.get("/clinician/").get_data(as_text=True)


def test_the_participant_sees_the_emergency_access(app, client, world, login_as):
    admin = app.test_client()
    login_as(world.admin, on=admin)
    post_form(admin, f"/admin/participants/{world.participant_a.id}/emergency-access",
              {"reason": REASON, "hours": "1"})
    login_as(world.participant_a)
    assert "emergency access" in client.get("/me").get_data(as_text=True)


def test_clinicians_cannot_break_glass(client, world, login_as):
    login_as(world.clinician_b)
    response = post_form(client, f"/admin/participants/{world.participant_a.id}/emergency-access",
                         {"reason": REASON, "hours": "1"})
    assert response.status_code == 404
