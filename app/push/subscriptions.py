"""Devices: checking and storing posted subscriptions, removing them, listing them."""

import hashlib
import re
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
    DeliveryOutcome.GONE: _l("This phone's subscription expired and was removed: turn "
                             "reminders on again"),
    DeliveryOutcome.REJECTED: _l("The push service refused it; this device is paused until "
                                 "you turn reminders on again on it"),
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


def save(user: User, data, user_agent: str | None, app_origin: str | None,
         now: datetime | None = None) -> tuple[PushSubscription, bool]:
    """Store a posted subscription for `user`; returns (row, created). The caller commits.

    The same endpoint posted again updates its row, including its owner: a browser has one
    subscription, and it belongs to whoever turned reminders on in it last.
    """
    posted = check(data)
    now = now or utcnow()
    digest = endpoint_hash(posted.endpoint)
    row = db.session.scalar(sa.select(PushSubscription)
                            .where(PushSubscription.endpoint_hash == digest))
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


def device_token(subscription: PushSubscription) -> str:
    """A token the service worker keeps to re-subscribe this device without a session."""
    return device_serializer().dumps([subscription.id, subscription.user_id])


def user_for_device_token(token) -> tuple[User, int] | None:
    """The active person (and subscription id) a device token was issued to, or None."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        subscription_id, user_id = device_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return user, subscription_id


def remove(subscription: PushSubscription) -> None:
    """Forget a device (its pending device-only reminders are dropped). The caller commits."""
    db.session.delete(subscription)


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
