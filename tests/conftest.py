"""Fixtures: app, client, db, factories and sign-in helpers.

Tests run on SQLite by default and on PostgreSQL when DATABASE_URL points at one. The schema is
built once per run by the real migrations; each test then starts from empty tables.
"""

import os
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from app.models import Checkin, Consent, Enrolment, LevelOfCare, Program, Role, User
from config import TestingConfig

#: Browser fixtures (live server, Chromium, axe) for browser tests in any capability's folder.
pytest_plugins = ["tests.browser.fixtures"]

PASSWORD = "correct horse battery staple"
#: Staff made by the factories have this second-factor secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
IN_CI = os.environ.get("CI") == "true"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return TestingConfig.SQLALCHEMY_DATABASE_URI
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'trellis-test.db'}"


def is_postgres() -> bool:
    """True when this run uses PostgreSQL."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected on SQLite runs, and the long rendering walks
    (axe on every page, reading level) on PostgreSQL runs: they check markup and words, which
    do not depend on the database, and CI runs the suite on both."""
    skip_marker = "rendering" if is_postgres() else "postgres"
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(skip_marker) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Tests hold an app context for the factories; without this, requests would share its `g`
    (Flask-Login's user, Flask-WTF's token) and its database session.
    """

    def open(self, *args, **kwargs):
        outer = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)
            if _cv_app.get(None) is not None:
                _db.session.expire_all()  # see what the request wrote


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app, with a fresh schema built by the migrations."""
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
         "SERVER_NAME": None},
    )
    application.instance_path = str(instance)
    application.test_client_class = IsolatedClient
    with application.app_context():
        if is_postgres():
            _db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            _db.session.commit()
        upgrade()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()  # close pooled connections before the interpreter exits


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Every test starts with empty tables and no counted sign-in failures."""
    with app.app_context():
        yield
        _db.session.rollback()
        _db.session.remove()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()
    limiter.reset()


@pytest.fixture(autouse=True)
def _root_logging():
    """Apps built with production settings send logs to stderr as JSON; undo that after."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy handle."""
    return _db


@pytest.fixture
def client(app):
    """A test client with a browser-like remote address."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash(app):
    """The test password hashed once for the whole run."""
    from app.security.passwords import hash_password

    with app.app_context():
        return hash_password(PASSWORD)


@pytest.fixture
def make_program(db):
    """Factory: a program (IOP in New York unless told otherwise)."""
    counter = iter(range(1, 10_000))

    def make(**fields) -> Program:
        n = next(counter)
        program = Program(
            name=fields.pop("name", f"Program {n}"),
            level_of_care=fields.pop("level_of_care", LevelOfCare.IOP),
            time_zone=fields.pop("time_zone", "America/New_York"),
            phone=fields.pop("phone", "+1 555 010 0100"),
            **fields,
        )
        db.session.add(program)
        db.session.commit()
        return program

    return make


@pytest.fixture
def make_user(db, password_hash):
    """Factory: an account with the test password."""
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.PARTICIPANT, programs=(), **fields) -> User:
        n = next(counter)
        if role != Role.PARTICIPANT:
            fields.setdefault("totp_secret", TOTP_SECRET)
        user = User(
            email=fields.pop("email", f"{role.value}{n}@example.org"),
            display_name=fields.pop("display_name", f"{role.value.title()} {n}"),
            role=role,
            password_hash=fields.pop("password_hash", password_hash),
            **fields,
        )
        user.programs = list(programs)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_clinician(make_user):
    """Factory: a clinician working in the given programs."""

    def make(*programs: Program, **fields) -> User:
        return make_user(Role.CLINICIAN, programs=programs, **fields)

    return make


@pytest.fixture
def make_participant(db, make_user):
    """Factory: a participant enrolled (active) in a program."""

    def make(program: Program | None = None, clinician: User | None = None,
             consented: bool = True, **fields) -> User:
        user = make_user(Role.PARTICIPANT, **fields)
        if program is not None:
            db.session.add(Enrolment(
                participant=user, program=program, level_of_care=program.level_of_care,
                start_date=date.today() - timedelta(days=7), primary_clinician=clinician,
            ))
            if consented:  # most tests are about later pages, past the privacy notice
                db.session.flush()
                db.session.add(Consent(participant_id=user.id, program_id=program.id,
                                       notice_version=program.privacy_notice_version))
            db.session.commit()
        return user

    return make


@pytest.fixture
def world(make_program, make_clinician, make_participant, make_user):
    """Two programs with a clinician each, a participant in each, and an admin."""
    iop = make_program(name="North IOP")
    php = make_program(name="South PHP", level_of_care=LevelOfCare.PHP)
    clinician_a = make_clinician(iop, display_name="Clinician A")
    clinician_b = make_clinician(php, display_name="Clinician B")
    participant_a = make_participant(iop, clinician_a, display_name="Participant A")
    participant_b = make_participant(php, clinician_b, display_name="Participant B")
    admin = make_user(Role.ADMIN, display_name="Admin")

    class World:
        pass

    w = World()
    w.__dict__.update(iop=iop, php=php, clinician_a=clinician_a, clinician_b=clinician_b,
                      participant_a=participant_a, participant_b=participant_b, admin=admin)
    return w


_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_token(client) -> str:
    """A CSRF token for this client's session, read from a page like a browser would."""
    response = client.get("/crisis")
    return _TOKEN.search(response.get_data(as_text=True)).group(1)


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token, as the page would."""
    payload = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def pass_second_step(client, user: User):
    """Enter the current TOTP code for a staff member, as their authenticator app would."""
    # The same code is refused twice; tests sign the same person in within one 30 s step.
    _db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=None))
    _db.session.commit()
    return post_form(client, "/mfa", {"code": pyotp.TOTP(user.totp_secret).now()})


@pytest.fixture
def login_as(client):
    """Sign a user in on the shared client (the test password; staff pass the second step)."""

    def login(user: User, keep_signed_in: bool = False, on=None):
        target = on or client
        data = {"email": user.email, "password": PASSWORD}
        if keep_signed_in:
            data["keep_signed_in"] = "y"
        response = post_form(target, "/signin", data)
        assert response.status_code == 302, response.get_data(as_text=True)
        if user.is_staff:
            assert response.headers["Location"].startswith("/mfa")
            response = pass_second_step(target, user)
            assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return login


@pytest.fixture
def participant_client(app, world, login_as):
    """A client signed in as participant A (North IOP, clinician A primary)."""
    client = app.test_client()
    login_as(world.participant_a, on=client)
    return client


@pytest.fixture
def clinician_client(app, world, login_as):
    """A client signed in as clinician A (second factor passed)."""
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    return client


@pytest.fixture
def make_checkin(db):
    """Factory: a check-in saved directly (any age, bypassing the 7-day rule), `days_ago` back."""

    def make(participant, days_ago: float = 0, **answers) -> Checkin:
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        checkin = Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                          content_hash="0" * 64, occurred_at=moment, received_at=moment,
                          feelings=answers.pop("feelings", []), **answers)
        db.session.add(checkin)
        db.session.commit()
        return checkin

    return make
