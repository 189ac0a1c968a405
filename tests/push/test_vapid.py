"""VAPID: the key pair, the subject, and signed headers cached per push-service origin."""

import json
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.utils import b64urlencode

from app import create_app
from app.push import vapid
from app.push.dispatcher import Dispatcher
from app.push.vapid import VapidConfigError, VapidSigner, check_subject
from config import ProductionConfig, TestingConfig
from tests.push.fake_push_service import b64url_decode

#: Production refuses to start without its public origin (TRELLIS_BASE_URL).
PRODUCTION_BASE = {"BASE_URL": "https://trellis.example.org",
                   "VAPID_SUBJECT": "mailto:ops@riverside-health.org"}


def test_the_key_pair_is_generated_once_into_instance(tmp_path):
    first = vapid._key_from_instance(str(tmp_path))
    second = vapid._key_from_instance(str(tmp_path))
    assert vapid.public_key_b64(first) == vapid.public_key_b64(second)
    path = tmp_path / vapid.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_the_private_key_can_come_from_the_environment_in_any_usual_form():
    key = ec.generate_private_key(ec.SECP256R1())
    raw = b64urlencode(key.private_numbers().private_value.to_bytes(32, "big"))
    pem = vapid.private_key_pem(key).decode()
    expected = vapid.public_key_b64(key)
    assert vapid.public_key_b64(vapid.parse_private_key(raw)) == expected
    assert vapid.public_key_b64(vapid.parse_private_key(pem)) == expected
    app = create_app(TestingConfig, {"VAPID_PRIVATE_KEY": raw})
    assert vapid.keys(app).public_key == expected
    with pytest.raises(VapidConfigError):
        vapid.parse_private_key("not a key")


def test_public_key_command_prints_the_65_byte_point(app, runner):
    result = runner.invoke(args=["push", "public-key"])
    assert result.exit_code == 0
    point = b64url_decode(result.output.strip())
    assert len(point) == 65 and point[0] == 4
    assert result.output.strip() == vapid.keys(app).public_key


def test_generate_key_command_prints_a_usable_key(runner):
    result = runner.invoke(args=["push", "generate-key"])
    line = result.output.splitlines()[0]
    key = vapid.parse_private_key(line.split("=", 1)[1])
    assert result.output.splitlines()[1] == f"public key: {vapid.public_key_b64(key)}"


@pytest.mark.parametrize("subject", ["mailto:ops@riverside-health.org",
                                     "https://riverside-health.org/contact"])
def test_real_subjects_are_accepted_in_production(subject):
    assert check_subject(subject, production=True) == subject


@pytest.mark.parametrize("subject", [None, "", "ops@riverside-health.org", "mailto:ops@localhost",
                                     "https://localhost", "mailto:me@example.org",
                                     "https://trellis.test/contact", "http://riverside.org"])
def test_placeholder_or_missing_subjects_are_refused_in_production(subject):
    with pytest.raises(VapidConfigError):
        check_subject(subject, production=True)


def test_the_worker_refuses_to_start_without_a_real_subject_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = create_app(ProductionConfig, {**PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    # The app itself refuses to start without one (tests/test_settings.py); the worker checks
    # again in case the setting changed under it.
    app.config["VAPID_SUBJECT"] = None
    app.instance_path = str(tmp_path)
    with app.app_context():
        with pytest.raises(VapidConfigError, match="VAPID_SUBJECT is not set"):
            Dispatcher(app)
        result = app.test_cli_runner().invoke(args=["reminders", "run-once"])
    assert result.exit_code != 0 and "VAPID_SUBJECT is not set" in result.output


def test_the_testing_loopback_setting_is_refused_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = create_app(ProductionConfig, {**PRODUCTION_BASE,
                                        "VAPID_SUBJECT": "mailto:ops@riverside-health.org",
                                        "PUSH_ALLOW_LOOPBACK_FOR_TESTS": True})
    app.instance_path = str(tmp_path)
    with pytest.raises(VapidConfigError, match="testing setting"):
        vapid.check_configuration(app)


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


def _claims(header: str) -> dict:
    token = header.split("t=", 1)[1].split(",", 1)[0]
    return json.loads(b64url_decode(token.split(".")[1]))


def test_signed_headers_are_cached_per_origin_and_renewed_with_under_an_hour_left():
    clock = Clock()
    signer = VapidSigner(ec.generate_private_key(ec.SECP256R1()), "mailto:ops@trellis.org",
                         clock=clock)
    fcm = signer.authorization("https://fcm.googleapis.com")
    apple = signer.authorization("https://web.push.apple.com")
    assert signer.signatures == 2
    assert _claims(fcm)["aud"] == "https://fcm.googleapis.com"
    assert _claims(apple)["aud"] == "https://web.push.apple.com"  # no audience leaks across
    assert _claims(fcm)["exp"] - clock.now == 12 * 3600  # well inside the 24 h limit
    for minutes in (1, 59, 60, 600, 659):  # one signature per origin for the first 11 hours
        clock.now = 1_800_000_000.0 + minutes * 60
        assert signer.authorization("https://fcm.googleapis.com") == fcm
    assert signer.signatures == 2
    clock.now = 1_800_000_000.0 + 11 * 3600 + 1  # under an hour left: sign again
    renewed = signer.authorization("https://fcm.googleapis.com")
    assert renewed != fcm and signer.signatures == 3
    assert _claims(renewed)["exp"] == int(clock.now + 12 * 3600)


def test_one_signature_per_origin_across_many_sends(db, world, make_device, dispatcher,
                                                     fake_push, clock):
    from app.push import actions

    for _ in range(5):
        make_device(world.participant_a)
    worker = dispatcher()
    for _ in range(3):
        actions.send_test(world.participant_a, now=clock())
        db.session.commit()
        worker.run_once(plan=False)
    assert len(fake_push.received) == 15
    assert len({r.jwt for r in fake_push.received}) == 1
    assert worker.sender.signer.signatures == 1
    assert fake_push.errors == []
