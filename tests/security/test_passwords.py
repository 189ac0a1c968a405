"""The password policy and hashing."""

import pytest

from app import create_app
from app.security.passwords import hash_password, needs_rehash, password_problem, verify_password
from config import DevelopmentConfig


@pytest.mark.parametrize("password", ["short", "elevenchars", "a" * 129])
def test_length_outside_12_to_128_is_refused(app, password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", [
    "qwerty123456", "1q2w3e4r5t6y",      # on the common list as they are
    "password1234", "Password2024!",     # a common password padded with digits and symbols
    "aaaaaaaaaaaa", "abababababab",      # one or two characters repeated
])
def test_common_and_trivial_passwords_are_refused(app, password):
    assert "too common" in password_problem(password)


def test_password_containing_the_email_is_refused(app):
    assert password_problem("me@example.org-rocks", "me@example.org") is not None


@pytest.mark.parametrize("password", ["trellis-demo-password", "correct horse battery staple",
                                      "a" * 6 + "b" * 6 + "c", ("slow river stones " * 8)[:128]])
def test_long_uncommon_passwords_are_accepted_without_composition_rules(app, password):
    assert password_problem(password) is None


def test_production_hash_is_argon2id_with_19_mib_two_passes_one_lane(tmp_path):
    production_cost = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with production_cost.app_context():
        stored = hash_password("correct horse battery staple")
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert verify_password(stored, "correct horse battery staple")
        assert not verify_password(stored, "correct horse battery stapl")


def test_hash_is_upgraded_at_sign_in_when_the_cost_changes(app, client, world, db):
    from tests.conftest import PASSWORD, post_form

    with app.app_context():
        assert not needs_rehash(world.participant_a.password_hash)
    app.config["ARGON2_TIME_COST"] = 2
    try:
        old_hash = world.participant_a.password_hash
        post_form(client, "/signin", {"email": world.participant_a.email, "password": PASSWORD})
        db.session.refresh(world.participant_a)
        assert world.participant_a.password_hash != old_hash
        assert ",t=2," in world.participant_a.password_hash
    finally:
        app.config["ARGON2_TIME_COST"] = 1


def test_verify_without_a_stored_hash_is_false(app):
    assert verify_password(None, "anything at all") is False
