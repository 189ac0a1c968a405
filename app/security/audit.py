"""One audit mechanism for every feature: `record(Action.X, subject=..., target=...)`.

Events are added to the caller's database transaction, so an edit and its audit event are
saved together or not at all. Views that only read (a staff member opening a participant's
page) commit the event themselves with `record_view`.
"""

import enum
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.database import utcnow
from app.extensions import db
from app.models.audit import AuditEvent
from app.models.user import User


class Action(enum.StrEnum):
    """The audit vocabulary. Codes only: the event never says more than this."""

    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGN_OUT = "auth.sign_out"
    SESSION_TIMEOUT = "auth.session_timeout"
    PASSWORD_CHANGE = "auth.password_change"  # noqa: S105 - an event code
    PASSWORD_RESET = "auth.password_reset"  # noqa: S105 - a link was used to set a password
    PASSWORD_RESET_ISSUE = "auth.password_reset_issue"  # noqa: S105 - staff issued a link
    PASSWORD_RESET_EMAIL = "auth.password_reset_email"  # noqa: S105 - a link was e-mailed
    MFA_ENROL = "mfa.enrol"
    MFA_VERIFY = "mfa.verify"
    MFA_FAILED = "mfa.failed"
    MFA_RECOVERY_USED = "mfa.recovery_code_used"
    MFA_RESET = "mfa.reset"
    APP_LOCK_SET = "app_lock.set"
    APP_LOCK_FAILED = "app_lock.failed"
    CONSENT_ACCEPT = "consent.accept"
    INVITE_CREATE = "invite.create"
    INVITE_ACCEPT = "invite.accept"
    INVITE_REVOKE = "invite.revoke"
    PARTICIPANT_VIEW = "participant.view"
    PARTICIPANT_EDIT = "participant.edit"
    #: A group session's roster was opened (many participants: no single subject).
    ROSTER_VIEW = "roster.view"
    PROGRAM_CREATE = "admin.program_create"
    PROGRAM_EDIT = "admin.program_edit"
    STAFF_CREATE = "admin.staff_create"
    STAFF_PROGRAMS = "admin.staff_programs"
    #: A participant's primary clinician changed (their clinician left the program).
    PRIMARY_CLINICIAN = "admin.primary_clinician"
    STAFF_DEACTIVATE = "admin.staff_deactivate"
    ENROL = "admin.enrol"
    TRANSITION = "admin.transition"
    BREAK_GLASS = "break_glass.grant"
    EXPORT = "export"
    AUDIT_EXPORT = "audit.export"
    AUDIT_PURGE = "audit.purge"


#: Actions that show a participant that staff looked at their information.
VIEW_ACTIONS = (Action.PARTICIPANT_VIEW, Action.EXPORT, Action.BREAK_GLASS)


def request_id() -> str | None:
    """This request's id (also sent back as X-Request-ID), for tying events to logs."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = str(uuid.uuid4())
    return g.request_id


def record(
    action: Action,
    subject: User | int | None = None,
    target: str | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    subject_id = subject.id if isinstance(subject, User) else subject
    entry = AuditEvent(
        action=action.value,
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role.value if actor is not None else None,
        subject_participant_id=subject_id,
        target=target,
        ip=request.remote_addr if has_request_context() else None,
        request_id=request_id(),
    )
    db.session.add(entry)
    return entry


def record_view(subject: User, target: str | None = None) -> None:
    """A staff member opened a participant's information: record it and commit at once."""
    record(Action.PARTICIPANT_VIEW, subject=subject, target=target)
    db.session.commit()


def staff_views_of(participant_id: int, limit: int = 50) -> list[tuple[AuditEvent, User]]:
    """Who on staff viewed this participant's information, newest first."""
    return list(
        db.session.execute(
            sa.select(AuditEvent, User)
            .join(User, AuditEvent.actor_id == User.id)
            .where(AuditEvent.subject_participant_id == participant_id)
            .where(AuditEvent.action.in_([a.value for a in VIEW_ACTIONS]))
            .where(User.id != participant_id)
            .order_by(AuditEvent.at.desc())
            .limit(limit)
        ).tuples()
    )


def purge_older_than(retention: timedelta, now: datetime | None = None) -> int:
    """Delete events older than the retention period; the only deletion there is."""
    cutoff = (now or utcnow()) - retention
    result = db.session.execute(sa.delete(AuditEvent).where(AuditEvent.at < cutoff))
    return result.rowcount


class AuditIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event through the ORM."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditIsAppendOnly("audit events cannot be changed or deleted")


def init_app(app: Flask) -> None:
    """Send each request's id back to the client so support can find it in the logs."""

    @app.after_request
    def _request_id_header(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
