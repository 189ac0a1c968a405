"""Operator commands."""

import sqlalchemy as sa

from app import create_app
from app.models import Enrolment, Program, Role, User
from config import ProductionConfig

#: Production refuses to start without its public origin (TRELLIS_BASE_URL).
PRODUCTION_BASE = {"BASE_URL": "https://trellis.example.org",
                   "VAPID_SUBJECT": "mailto:ops@riverside-health.org"}


def test_users_create_reads_the_password_from_stdin(runner, db):
    result = runner.invoke(args=["users", "create", "--role", "clinician", "--email",
                                 "New.Person@Example.org"], input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "new.person@example.org" and user.role == Role.CLINICIAN
    assert user.password_hash.startswith("$argon2id$")
    assert "a long enough passphrase" not in result.output


def test_users_create_refuses_weak_passwords_and_duplicates(runner, db, make_user):
    weak = runner.invoke(args=["users", "create", "--role", "admin", "--email", "a@example.org"],
                         input="password1234\n")
    assert weak.exit_code != 0 and "too common" in weak.output
    existing = make_user(Role.ADMIN)
    duplicate = runner.invoke(args=["users", "create", "--role", "admin", "--email",
                                    existing.email.upper()], input="a long enough passphrase\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    bad_role = runner.invoke(args=["users", "create", "--role", "root", "--email", "b@x.org"])
    assert bad_role.exit_code != 0


def test_users_deactivate_ends_sessions(app, runner, world, login_as, db):
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    result = runner.invoke(args=["users", "deactivate", "--email", world.clinician_a.email])
    assert result.exit_code == 0, result.output
    assert client.get("/clinician/").status_code == 302
    unknown = runner.invoke(args=["users", "deactivate", "--email", "ghost@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


def test_demo_seed_is_idempotent_and_lists_the_logins(runner, db):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    for email in ("admin@example.org", "clinician@example.org", "alex@example.org",
                  "sam@example.org", "trellis-demo-password"):
        assert email in first.output
    # the venv's Python, as the README has it: a bare `python` has no pyotp outside the venv
    assert '.venv/bin/python -c "import pyotp; print(pyotp.TOTP(' in first.output
    counts = lambda: tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))  # noqa: E731
                           for m in (User, Program, Enrolment))
    before = counts()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert counts() == before == (4 + 5, 2, 2 + 5)  # + the review demo's participants
    clinician = db.session.scalar(sa.select(User).where(User.email == "clinician@example.org"))
    assert {p.level_of_care.value for p in clinician.programs} == {"iop", "php"}
    assert {p.time_zone for p in clinician.programs} == {"America/New_York"}


def test_demo_accounts_can_sign_in(app, runner, db):
    from tests.conftest import post_form

    runner.invoke(args=["demo", "seed"])
    client = app.test_client()
    response = post_form(client, "/signin", {"email": "alex@example.org",
                                             "password": "trellis-demo-password"})
    assert response.headers["Location"] == "/today"


def test_demo_seed_refuses_outside_development(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-of-at-least-32-chars")
    production = create_app(ProductionConfig, {**PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                               "DEMO_MODE": False})
    with production.app_context():  # on top of the suite's app context
        result = production.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "Refusing" in result.output
