"""Admin: staff accounts."""

import re

import sqlalchemy as sa

from app.models import Role, User
from tests.conftest import post_form


def test_admin_creates_a_clinician_who_sets_a_password_through_the_link(app, client, world,
                                                                       login_as, db):
    login_as(world.admin)
    response = post_form(client, "/admin/clinicians/new", {
        "display_name": "Robin Therapist", "email": "Robin@Example.org", "role": "clinician",
        "program_ids": [str(world.iop.id), str(world.php.id)],
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in html
    user = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    assert user.role == Role.CLINICIAN and user.password_hash is None
    assert {p.name for p in user.programs} == {"North IOP", "South PHP"}
    path = re.search(r'value="http://localhost(/invite/[^"]+)"', html).group(1)
    newcomer = app.test_client()
    done = post_form(newcomer, path, {"password": "robin's long passphrase",
                                      "confirm": "robin's long passphrase"})
    assert done.headers["Location"] == "/clinician/"


def test_duplicate_staff_email_is_refused_keeping_the_form(client, world, login_as):
    login_as(world.admin)
    response = post_form(client, "/admin/clinicians/new", {
        "display_name": "Copy", "email": world.clinician_a.email.upper(), "role": "clinician"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already exists" in html and 'value="Copy"' in html


def test_admin_changes_a_clinicians_programs(client, world, login_as, db):
    login_as(world.admin)
    # clinician A is participant A's primary clinician in North IOP: the second step asks who
    # takes over there (tests/care/test_program_memberships.py)
    post_form(client, f"/admin/clinicians/{world.clinician_a.id}/programs",
              {"program_ids": [str(world.php.id)], "step": "primaries",
               f"primary_{world.iop.id}": "0"})
    db.session.refresh(world.clinician_a)
    assert [p.name for p in world.clinician_a.programs] == ["South PHP"]


def test_admin_cannot_deactivate_themselves(client, world, login_as, db):
    login_as(world.admin)
    post_form(client, f"/admin/clinicians/{world.admin.id}/deactivate")
    db.session.refresh(world.admin)
    assert world.admin.is_active
