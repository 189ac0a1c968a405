"""Devices: checking and storing posted subscriptions, removing them, listing them."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature

from app.database import utcnow
from app.extensions import db
from app.models import DeliveryOutcome, PushSubscription, Reminder, ReminderDelivery, User
from app.push.endpoints import InvalidSubscription, check_endpoint, check_keys, extra_hosts
from app.push.payload import device_serializer

#: What each delivery outcome means, in the words the person sees on Me → Reminders.
OUTCOME_TEXT = {
    DeliveryOutcome.DELIVERED: _l("Delivered to the push service"),
    DeliveryOutcome.GONE: _l("Reminders on this phone stopped and were removed. Turn "
                             "reminders on again"),
    DeliveryOutcome.REJECTED: _l("This device could not get it. Reminders here are paused "
                                 "until you turn them on again"),
    DeliveryOutcome.RETRYING: _l("Not delivered yet; trying again"),
    DeliveryOutcome.FAILED: _l("Could not be delivered"),
    DeliveryOutcome.REFUSED: _l("Not sent: this device's push address is not allowed"),
}

_BROWSERS = (("Edg/", "Edge"), ("EdgA/", "Edge"), ("SamsungBrowser/", "Samsung Internet"),
             ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
             ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Macintosh", "Mac"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def device_label(user_agent: str | None) -> str:
    """"Chrome on Android" from a User-Agent (only this label is stored)."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), "Browser")
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    label = f"{browser} on {system}" if system else browser
    return re.sub(r"[^\w .-]", "", label)[:80]


@dataclass
class Posted:
    """A checked subscription."""

    endpoint: str
    p256dh: str
    auth: str
    push_service: str


def check(data) -> Posted:
    """Check a posted PushSubscription JSON ({endpoint, keys: {p256dh, auth}}); raise
    InvalidSubscription with the reason when it cannot be used."""
    if not isinstance(data, dict):
        raise InvalidSubscription(_l("Send the subscription as a JSON object."))
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise InvalidSubscription(_l("The subscription has no keys."))
    endpoint = check_endpoint(data.get("endpoint"),
                              current_app.config["PUSH_ALLOW_LOOPBACK_FOR_TESTS"],
                              extra_hosts(current_app.config["PUSH_SERVICE_HOSTS"]))
    p256dh, auth = check_keys(keys.get("p256dh"), keys.get("auth"))
    return Posted(endpoint.url, p256dh, auth, endpoint.push_service)


def endpoint_hash(endpoint: str) -> str:
    """The stored, unique form of an endpoint."""
    return hashlib.sha256(endpoint.encode()).hexdigest()


class EndpointTaken(ValueError):
    """The endpoint is another active person's device: never moved to the poster silently."""


def save(user: User, data, user_agent: str | None, app_origin: str | None,
         now: datetime | None = None) -> tuple[PushSubscription, bool]:
    """Store a posted subscription for `user`; returns (row, created). The caller commits.

    The same endpoint posted again by its owner updates its row. An endpoint that is another
    active person's device is refused (EndpointTaken) and their row is left as it is: posting
    someone's endpoint must not take their reminders away. The browser can subscribe afresh,
    which gives it a new endpoint (static/js/push.js does). A deactivated person's row is
    taken over.
    """
    posted = check(data)
    now = now or utcnow()
    digest = endpoint_hash(posted.endpoint)
    row = db.session.scalar(sa.select(PushSubscription)
                            .where(PushSubscription.endpoint_hash == digest))
    if row is not None and row.user_id != user.id and row.user.is_active:
        raise EndpointTaken(_l("This browser's push address belongs to another account. "
                               "Subscribe again to get a new one."))
    created = row is None
    if created:
        row = PushSubscription(endpoint=posted.endpoint, endpoint_hash=digest, created_at=now)
    row.user_id = user.id
    row.p256dh, row.auth, row.push_service = posted.p256dh, posted.auth, posted.push_service
    row.device_label = device_label(user_agent)
    row.app_origin = (app_origin or "").rstrip("/")[:200] or None
    row.updated_at = now
    row.disabled_at = row.disabled_reason = None
    db.session.add(row)
    db.session.flush()
    return row, created


#: How long a device token lasts; pages re-post the subscription (and get a new token) daily.
DEVICE_TOKEN_MAX_AGE = 60 * 24 * 3600


def _sessions_fingerprint(user: User) -> str:
    """Changes whenever the person's sessions are revoked (sign-out, password change,
    deactivation, second-factor reset), and with it every device token they hold."""
    return hashlib.sha256(f"device:{user.session_token}".encode()).hexdigest()[:16]


def device_token(subscription: PushSubscription) -> str:
    """A token the service worker keeps to re-subscribe this device without a session.

    Issuing one replaces the device's previous token (the caller commits). A token works for
    this device only, once, for at most DEVICE_TOKEN_MAX_AGE, and only while the person's
    sessions have not been revoked since it was issued; removing the device ends it too.
    """
    subscription.token_nonce = secrets.token_urlsafe(16)
    return device_serializer().dumps([subscription.id, subscription.user_id,
                                      subscription.token_nonce,
                                      _sessions_fingerprint(subscription.user)])


def device_for_token(token) -> PushSubscription | None:
    """The device a valid device token belongs to (its owner active), or None."""
    if not isinstance(token, str) or len(token) > 300:
        return None
    try:
        subscription_id, user_id, nonce, fingerprint = device_serializer().loads(
            token, max_age=DEVICE_TOKEN_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    device = db.session.get(PushSubscription, subscription_id) \
        if isinstance(subscription_id, int) else None
    if (device is None or device.user_id != user_id or not device.token_nonce
            or not secrets.compare_digest(str(nonce), device.token_nonce)):
        return None
    user = device.user
    if not user.is_active or not secrets.compare_digest(str(fingerprint),
                                                        _sessions_fingerprint(user)):
        return None
    return device


def user_for_device_token(token) -> tuple[User, int] | None:
    """The active person (and subscription id) a valid device token was issued to, or None."""
    device = device_for_token(token)
    return (device.user, device.id) if device is not None else None


def remove(subscription: PushSubscription) -> None:
    """Forget a device (its pending device-only reminders are dropped; its token ends). The
    caller commits."""
    db.session.delete(subscription)


def end_device(user_id: int, device_id: int) -> None:
    """The person signed out (or was signed out protectively) on the browser that turned this
    device on: forget it, so its token ends and nothing more is sent there. The caller commits."""
    device = db.session.get(PushSubscription, device_id)
    if device is not None and device.user_id == user_id:
        remove(device)


def remove_all(user: User) -> None:
    """Forget every device of a person (deactivation). The caller commits."""
    for device in devices_of(user):
        remove(device)


def devices_of(user: User) -> list[PushSubscription]:
    """The person's devices, the most recently used first."""
    return list(db.session.scalars(
        sa.select(PushSubscription).where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.updated_at.desc(), PushSubscription.id.desc())))


@dataclass
class DeliveryLine:
    """One line of "last reminders sent" on Me → Reminders."""

    kind: str
    outcome: DeliveryOutcome
    attempted_at: datetime
    device_label: str
    subscription_id: int | None

    @property
    def text(self):
        return OUTCOME_TEXT[self.outcome]


def recent_deliveries(user: User, limit: int = 20) -> list[DeliveryLine]:
    """The person's latest deliveries, newest first (removed devices included)."""
    rows = db.session.execute(
        sa.select(Reminder.kind, ReminderDelivery.outcome, ReminderDelivery.attempted_at,
                  ReminderDelivery.device_label, ReminderDelivery.subscription_id)
        .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
        .where(ReminderDelivery.user_id == user.id)
        .order_by(ReminderDelivery.attempted_at.desc(), ReminderDelivery.id.desc())
        .limit(limit))
    return [DeliveryLine(*row) for row in rows]


def get_own_push_device(user: User, device_id: int):
    """One of the signed-in person's own push devices (participant or staff), or 404."""
    device = db.session.scalar(sa.select(PushSubscription).where(
        PushSubscription.id == device_id, PushSubscription.user_id == user.id))
    if device is None:
        abort(404)
    return device
