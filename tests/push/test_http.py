"""The sender's HTTP side (aiohttp): kept connections, the limit per push service, time limits,
certificate checks, and the resolver that refuses private addresses."""

import asyncio
import datetime
import ipaddress
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.models import DeliveryOutcome
from app.push import actions
from app.push.client import CheckedResolver
from app.push.endpoints import BlockedAddress
from app.push.sender import PushJob, Sender
from app.push.vapid import VapidSigner, keys
from tests.push.fake_push_service import FakePushService


def _sender(**options) -> Sender:
    return Sender(VapidSigner(keys().private_key, "mailto:ops@trellis.org"),
                  allow_loopback=True, **options)


def _job(subscription: dict) -> PushJob:
    return PushJob(1, 1, subscription["endpoint"], subscription["keys"]["p256dh"],
                   subscription["keys"]["auth"], b'{"notification": {}}', 60, "normal", "t")


def _send(sender: Sender, jobs: list[PushJob]) -> list:
    results = []
    try:
        sender.send(jobs, results.append)
    finally:
        sender.close()
    return results


def test_the_worker_keeps_its_connection_from_one_batch_to_the_next(
        db, world, make_device, dispatcher, fake_push, clock):
    make_device(world.participant_a)
    worker = dispatcher()
    for _ in range(3):
        actions.send_test(world.participant_a, now=clock())
        db.session.commit()
        assert worker.run_once(plan=False).sent == 1
    assert fake_push.requests == 3 and fake_push.connections == 1


def test_connections_to_one_push_service_are_limited(app, fake_push):
    fake_push.delay = 0.05
    jobs = [_job(fake_push.subscription()) for _ in range(12)]
    with app.app_context():
        results = _send(_sender(concurrency=12, connections_per_host=3), jobs)
    assert [r.outcome for r in results] == [DeliveryOutcome.DELIVERED] * 12
    assert fake_push.connections <= 3 and fake_push.errors == []


def test_name_lookup_and_connecting_have_their_own_time_limit(app, fake_push, monkeypatch):
    release = threading.Event()
    real = socket.getaddrinfo

    def stuck_lookup(host, *args, **kwargs):
        if host == "push.slow.example":
            release.wait(20)  # a resolver that does not answer
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", stuck_lookup)
    subscription = {"endpoint": "https://push.slow.example/push/x",
                    "keys": fake_push.subscription()["keys"]}
    with app.app_context():
        sender = _sender(extra_hosts=("push.slow.example",), connect_timeout=0.2,
                         total_timeout=60)
        try:
            [result] = _send(sender, [_job(subscription)])
            answered_while_stuck = not release.is_set()
        finally:
            release.set()
    # The connect limit gave up while the lookup was still hanging (not the 60 s total limit,
    # and not a connection attempt after the lookup came back).
    assert answered_while_stuck
    assert result.outcome == DeliveryOutcome.RETRYING and result.detail == "no answer in time"


@pytest.mark.parametrize("resolved,kept", [
    (["10.0.0.7", "127.0.0.1"], ["127.0.0.1"]),
    (["169.254.169.254", "8.8.8.8"], ["8.8.8.8"]),
])
def test_the_resolver_returns_only_addresses_trellis_may_connect_to(monkeypatch, resolved, kept):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in resolved]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)

    async def resolve():
        return await CheckedResolver(allow_loopback=True).resolve("push.vendor.example", 443)

    assert [r["host"] for r in _run(resolve())] == kept


def test_the_resolver_refuses_a_name_with_only_private_addresses(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))])

    async def resolve():
        return await CheckedResolver(allow_loopback=True).resolve("push.vendor.example", 443)

    with pytest.raises(BlockedAddress):
        _run(resolve())


def _run(coroutine):
    """Run on a fresh loop in its own thread (the browser tests keep a loop on this one)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _tls(tmp_path):
    """A server context with a self-signed certificate for 127.0.0.1, and a client context
    that trusts only that certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))


@pytest.mark.parametrize("trusted", [True, False])
def test_certificates_are_checked(app, tmp_path, trusted):
    server_context, trusting = _tls(tmp_path)
    with app.app_context():
        service = FakePushService(keys().public_key, ssl_context=server_context).start()
        try:
            sender = _sender(ssl_context=trusting if trusted else ssl.create_default_context())
            [result] = _send(sender, [_job(service.subscription())])
        finally:
            service.stop()
    if trusted:
        assert result.outcome == DeliveryOutcome.DELIVERED and service.errors == []
    else:
        assert result.outcome == DeliveryOutcome.RETRYING and result.detail == "TLS failed"
        assert service.requests == 0
