"""Web Push: devices (subscriptions), reminder preferences, the reminder outbox and its
deliveries, and the lock row that lets one worker at a time send on SQLite.

The outbox (`reminders`) is the single source of truth for what is to be sent. Planning fills
it idempotently (one row per unique `dedupe_key`); workers claim due rows, send them to each of
the person's devices and record one `ReminderDelivery` per device. See app/push.
"""

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.user import User


class PushSubscription(db.Model):
    """One browser on one device that accepted push: its endpoint and encryption keys.

    The endpoint is a capability URL at the browser vendor's push service; it is never logged
    or shown. Posting the same endpoint again updates this row; an endpoint another active
    person owns is refused (docs/push.md, "Device tokens and ownership").
    """

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.Text)
    #: SHA-256 of the endpoint: unique, so an endpoint is stored once whatever its length.
    endpoint_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
    p256dh: Mapped[str] = mapped_column(sa.String(100))
    auth: Mapped[str] = mapped_column(sa.String(40))
    #: "fcm", "mozilla", "apple", "windows" or "other" (an operator-added host).
    push_service: Mapped[str] = mapped_column(sa.String(20))
    #: "Chrome on Android", from the User-Agent when it was posted (the raw string is not kept).
    device_label: Mapped[str] = mapped_column(sa.String(80))
    #: Scheme and host the subscription was made on, for absolute links in notifications.
    app_origin: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last time the browser posted this subscription (turned on, or re-subscribed on open).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last time a push service accepted a message for this device.
    last_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when the push service refused our VAPID signature or key (401/403): no more sends
    #: until the browser posts the subscription again. Operators see it in `push status`.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(200))
    #: The current device token's nonce: each token issued replaces it, so a token works once
    #: (app.push.subscriptions.device_token); None: no token is valid.
    token_nonce: Mapped[str | None] = mapped_column(sa.String(32))

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class ReminderPreference(db.Model):
    """A person's reminder choices. No row: the defaults below."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: Minutes before a session (15, 30, 60 or 120); 0: no session reminder.
    session_lead_minutes: Mapped[int] = mapped_column(default=60)
    is_session_evening_before: Mapped[bool] = mapped_column(default=False)
    is_session_change_on: Mapped[bool] = mapped_column(default=True)
    is_checkin_on: Mapped[bool] = mapped_column(default=True)
    #: Local time (the participant's zone) of the daily check-in reminder.
    checkin_time: Mapped[time] = mapped_column(default=time(18, 0))
    is_scale_on: Mapped[bool] = mapped_column(default=True)
    #: Skills homework: a nudge on days with homework still to do. Off unless turned on.
    is_homework_on: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Local time of the homework reminder.
    homework_time: Mapped[time] = mapped_column(default=time(17, 0), server_default="17:00:00")
    #: Quiet hours, local: non-urgent reminders wait until they end (or are dropped if stale).
    quiet_start: Mapped[time] = mapped_column(default=time(21, 0))
    quiet_end: Mapped[time] = mapped_column(default=time(8, 0))
    #: Kinds whose notification shows details ("Group at 10:00") instead of the neutral text.
    detailed_kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderStatus(enum.StrEnum):
    """Where an outbox row is in its life."""

    PENDING = "pending"  #: waiting for its time (or its next attempt)
    SENDING = "sending"  #: claimed by a worker until `lease_expires_at`
    SENT = "sent"  #: every device's push service accepted it (or the device is gone)
    FAILED = "failed"  #: gave up: attempts exhausted, or an answer that retrying cannot fix
    CANCELLED = "cancelled"  #: no longer wanted (checked in, session cancelled, preference off)
    DROPPED = "dropped"  #: stale before it could go out, or no device to send it to


class Reminder(db.Model):
    """The outbox: one reminder for one person (every device, or one), sent once."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.Index("ix_reminders_status_next_attempt", "status", "next_attempt_at"),
        sa.Index("ix_reminders_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "session:12:7:20270315T0900:60:1805101200"; planning the same reminder twice hits it.
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: One device only (a test reminder; its context says {"device": id} too, so a row whose
    #: device was removed is dropped rather than sent everywhere); None: every active device.
    subscription_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    #: A key of app.push.kinds.KINDS.
    kind: Mapped[str] = mapped_column(sa.String(30))
    #: True for rows the planner owns and may update or cancel; False for snoozes and tests.
    is_planned: Mapped[bool] = mapped_column(default=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: After this the reminder is pointless (the session started): dropped, never sent late.
    stale_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_column(ReminderStatus), default=ReminderStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: When a worker may claim it: its due time, or later after a failed attempt.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Which worker holds it while SENDING, and until when; after that another worker retries.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the text and link need ({"what": "group", "at": "10:00", "path": "/schedule"}).
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class DeliveryOutcome(enum.StrEnum):
    """What happened when a reminder was sent to one device."""

    DELIVERED = "delivered"  #: the push service accepted it (201/202)
    GONE = "gone"  #: 404/410: the subscription expired; it was removed
    REJECTED = "rejected"  #: 401/403: our key or signature was refused; device paused
    RETRYING = "retrying"  #: 429, 5xx or no answer: tried again later
    FAILED = "failed"  #: 400, 413, a redirect, too large, or retries exhausted
    REFUSED = "refused"  #: the endpoint's address is not allowed (private, loopback, ...)


class ReminderDelivery(db.Model):
    """The latest attempt to send one reminder to one device."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (sa.UniqueConstraint("reminder_id", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    #: None once the device's subscription was removed; the label stays for the history.
    subscription_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_label: Mapped[str] = mapped_column(sa.String(80))
    outcome: Mapped[DeliveryOutcome] = mapped_column(enum_column(DeliveryOutcome))
    http_status: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(sa.String(200))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reminder: Mapped[Reminder] = relationship()


class WorkerLock(db.Model):
    """A named lease one process holds at a time ("send" on SQLite, "plan" everywhere)."""

    __tablename__ = "worker_locks"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
