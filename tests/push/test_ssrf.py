"""SSRF: endpoints that point anywhere but a known push service are refused, when posted and
again when sent; redirects are never followed."""

import socket

import pytest
import sqlalchemy as sa

from app.models import DeliveryOutcome, PushSubscription, Reminder, ReminderDelivery
from app.push import actions, subscriptions
from app.push.endpoints import InvalidSubscription, address_allowed, check_endpoint
from tests.conftest import csrf_token

KEYS = {"p256dh": "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-"
                  "eFivOM1drMV7Oy7ZAaDe_UfU", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}

REFUSED = [
    ("https://127.0.0.1/push/x", "private or local address"),
    ("http://127.0.0.1:8080/push/x", "must use https"),
    ("https://169.254.169.254/latest/meta-data/", "private or local address"),
    ("https://10.0.0.7/push", "private or local address"),
    ("https://192.168.1.20/push", "private or local address"),
    ("https://[::1]/push", "private or local address"),
    ("https://fcm.googleapis.com:8443/fcm/send/x", "port 443"),
    ("http://fcm.googleapis.com/fcm/send/x", "must use https"),
    ("https://evil.example/push", "not at a known push service"),
    ("https://fcm.googleapis.com.evil.example/x", "not at a known push service"),
    ("https://user:pw@fcm.googleapis.com/x", "not a valid push service URL"),
    ("https://8.8.8.8/push", "must name a push service"),
]


@pytest.mark.parametrize("endpoint,reason", REFUSED)
def test_refused_at_subscribe_time(client, db, world, login_as, app, monkeypatch,
                                   endpoint, reason):
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK_FOR_TESTS", False)
    login_as(world.participant_a)
    response = client.post("/me/reminders/subscriptions", json={"endpoint": endpoint,
                                                                 "keys": KEYS},
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 400
    assert reason in response.get_json()["reason"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/abc",
    "https://web.push.apple.com/QGx",
    "https://wns2-by3p.notify.windows.com/w/?token=abc",
    "https://fcm.googleapis.com:443/fcm/send/abc",
])
def test_known_push_services_are_accepted(app, endpoint):
    assert check_endpoint(endpoint).push_service in ("fcm", "mozilla", "apple", "windows")


def test_operators_can_add_push_service_hosts(app):
    with pytest.raises(InvalidSubscription):
        check_endpoint("https://push.example-vendor.net/x")
    assert check_endpoint("https://push.example-vendor.net/x",
                          extra=("push.example-vendor.net",)).push_service == "other"
    assert check_endpoint("https://eu.push.vendor.net/x", extra=("*.push.vendor.net",))


@pytest.mark.parametrize("address,allowed", [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("::1", False), ("10.1.2.3", False), ("172.16.0.1", False),
    ("192.168.0.1", False), ("169.254.169.254", False), ("fd00:ec2::254", False),
    ("100.64.0.1", False), ("::ffff:127.0.0.1", False), ("0.0.0.0", False),  # noqa: S104
    ("224.0.0.1", False), ("fe80::1", False),
])
def test_addresses_we_connect_to(address, allowed):
    assert address_allowed(address) is allowed


def _device_row(db, user, endpoint):
    """A device stored before the rules refused it (or with the testing setting on)."""
    row = PushSubscription(user_id=user.id, endpoint=endpoint,
                           endpoint_hash=subscriptions.endpoint_hash(endpoint),
                           p256dh=KEYS["p256dh"], auth=KEYS["auth"], push_service="other",
                           device_label="Chrome on Android")
    db.session.add(row)
    db.session.commit()
    return row


def _send_one_test(db, user, dispatcher, clock):
    actions.send_test(user, now=clock())
    db.session.commit()
    dispatcher().run_once(plan=False)
    return db.session.scalar(sa.select(ReminderDelivery))


@pytest.mark.parametrize("endpoint", [
    "https://169.254.169.254/push/x", "https://10.0.0.7/push/x",
    "https://fcm.googleapis.com:8443/x", "http://fcm.googleapis.com/x",
    "https://evil.example/push/x",
])
def test_refused_at_send_time(db, world, dispatcher, clock, endpoint):
    _device_row(db, world.participant_a, endpoint)
    delivery = _send_one_test(db, world.participant_a, dispatcher, clock)
    assert delivery.outcome == DeliveryOutcome.REFUSED


def test_loopback_is_refused_at_send_time_without_the_testing_setting(
        db, world, dispatcher, clock, fake_push, app, monkeypatch):
    data = fake_push.subscription()
    _device_row(db, world.participant_a, data["endpoint"])
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK_FOR_TESTS", False)
    delivery = _send_one_test(db, world.participant_a, dispatcher, clock)
    assert delivery.outcome == DeliveryOutcome.REFUSED
    assert fake_push.requests == 0


@pytest.mark.parametrize("resolved", ["10.20.30.40", "169.254.169.254", "127.0.0.1"])
def test_a_push_host_resolving_to_a_private_address_is_refused_at_send_time(
        db, world, dispatcher, clock, app, monkeypatch, resolved):
    monkeypatch.setitem(app.config, "PUSH_SERVICE_HOSTS", "push.vendor.example")
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK_FOR_TESTS", False)
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host == "push.vendor.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (resolved, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    _device_row(db, world.participant_a, "https://push.vendor.example/push/x")
    delivery = _send_one_test(db, world.participant_a, dispatcher, clock)
    assert delivery.outcome == DeliveryOutcome.REFUSED
    assert "does not connect to" in delivery.detail
    assert db.session.scalar(sa.select(Reminder.status)).value == "failed"


def test_redirects_are_not_followed(db, world, make_device, dispatcher, clock, fake_push):
    other = fake_push.subscription()
    make_device(world.participant_a)
    fake_push.respond((307, {"Location": other["endpoint"]}))
    delivery = _send_one_test(db, world.participant_a, dispatcher, clock)
    assert delivery.outcome == DeliveryOutcome.FAILED and delivery.detail == "redirect refused"
    assert fake_push.requests == 1
