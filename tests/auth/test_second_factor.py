"""Staff second factor: TOTP with recovery codes, before any participant data."""

import re

import pyotp
import sqlalchemy as sa

from app.models import AuditEvent, RecoveryCode, Role
from tests.conftest import PASSWORD, TOTP_SECRET, pass_second_step, post_form


def _password_only(client, user):
    response = post_form(client, "/signin", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/mfa")
    return response


def test_a_password_only_staff_session_reaches_no_participant_data(client, world):
    _password_only(client, world.clinician_a)
    for path in ("/clinician/", f"/clinician/participants/{world.participant_a.id}",
                 "/clinician/invites", "/admin/"):
        response = client.get(path)
        assert response.status_code in (302, 404), path
        assert world.participant_a.display_name not in response.get_data(as_text=True)
    assert client.get("/clinician/").headers["Location"].startswith("/mfa")


def test_the_right_code_opens_the_staff_pages_and_starts_a_new_session(client, world):
    _password_only(client, world.clinician_a)
    with client.session_transaction() as session:
        session["planted"] = "before the second step"
    response = pass_second_step(client, world.clinician_a)
    assert response.headers["Location"] == "/clinician/"
    with client.session_transaction() as session:
        assert "planted" not in session
    assert world.participant_a.display_name in client.get("/clinician/").get_data(as_text=True)


def test_next_is_kept_through_the_second_step(client, world):
    post_form(client, f"/signin?next=/clinician/participants/{world.participant_a.id}",
              {"email": world.clinician_a.email, "password": PASSWORD})
    mfa_url = f"/mfa?next=/clinician/participants/{world.participant_a.id}"
    response = post_form(client, mfa_url, {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.headers["Location"] == f"/clinician/participants/{world.participant_a.id}"


def test_a_wrong_code_is_explained_and_the_sixth_is_throttled(client, world, db):
    _password_only(client, world.clinician_a)
    for _ in range(5):
        response = post_form(client, "/mfa", {"code": "000000"})
        assert response.status_code == 401
        assert "did not work" in response.get_data(as_text=True)
    response = post_form(client, "/mfa", {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.get_data(as_text=True)
    failed = db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                               .where(AuditEvent.action == "mfa.failed"))
    assert failed == 5


def test_a_code_works_only_once(app, client, world):
    _password_only(client, world.clinician_a)
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert post_form(client, "/mfa", {"code": code}).status_code == 302
    other = app.test_client()
    _password_only(other, world.clinician_a)
    assert post_form(other, "/mfa", {"code": code}).status_code == 401


def test_enrolment_shows_a_qr_code_then_ten_single_use_recovery_codes(app, client, world,
                                                                      make_clinician, db):
    newcomer = make_clinician(world.iop, totp_secret=None)
    response = post_form(client, "/signin", {"email": newcomer.email, "password": PASSWORD})
    assert client.get(response.headers["Location"]).headers["Location"].startswith("/mfa/enrol")
    page = client.get("/mfa/enrol")
    html = page.get_data(as_text=True)
    assert "<svg" in html
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    wrong = post_form(client, "/mfa/enrol", {"code": "123456"})
    assert wrong.status_code == 400 and "did not match" in wrong.get_data(as_text=True)
    done = post_form(client, "/mfa/enrol", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert client.get("/clinician/").status_code == 200
    db.session.refresh(newcomer)
    assert newcomer.totp_secret == secret
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 10
    assert all(c not in r.code_hash for c in codes for r in db.session.scalars(
        sa.select(RecoveryCode)))

    # a recovery code stands in for the phone, once
    first, second = app.test_client(), app.test_client()
    _password_only(first, newcomer)
    assert post_form(first, "/mfa", {"code": codes[0]}).status_code == 302
    _password_only(second, newcomer)
    assert post_form(second, "/mfa", {"code": codes[0]}).status_code == 401


def test_participants_are_not_asked_for_a_second_step(client, world):
    response = post_form(client, "/signin", {"email": world.participant_a.email,
                                             "password": PASSWORD})
    assert response.headers["Location"] == "/today"


def test_admin_resets_a_lost_second_step_and_the_staff_session_ends(app, client, world,
                                                                    login_as, db):
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    login_as(world.admin)
    post_form(client, f"/admin/clinicians/{world.clinician_a.id}/reset-second-step")
    db.session.refresh(world.clinician_a)
    assert world.clinician_a.totp_secret is None
    assert staff.get("/clinician/").status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mfa.reset"))
    assert event.actor_id == world.admin.id and event.target == f"user:{world.clinician_a.id}"
    again = app.test_client()
    _password_only(again, world.clinician_a)
    assert again.get("/mfa").headers["Location"].startswith("/mfa/enrol")


def test_a_clinician_cannot_reset_anyones_second_step(client, world, login_as, db):
    login_as(world.clinician_a)
    response = post_form(client, f"/admin/clinicians/{world.clinician_b.id}/reset-second-step")
    assert response.status_code == 404
    db.session.refresh(world.clinician_b)
    assert world.clinician_b.totp_secret == TOTP_SECRET


def test_demo_staff_share_the_documented_totp_secret(runner, db):
    from app.demo.seed import DEMO_TOTP_SECRET
    from app.models import User

    result = runner.invoke(args=["demo", "seed"])
    assert DEMO_TOTP_SECRET in result.output
    staff = db.session.scalars(sa.select(User).where(User.role != Role.PARTICIPANT)).all()
    assert staff and all(u.totp_secret == DEMO_TOTP_SECRET for u in staff)
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert DEMO_TOTP_SECRET in readme
