"""Saving scored scale responses, when a scale is next due, and the history with its changes."""

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.care.team import care_enrolment, participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.service import Conflict, Invalid, local_date
from app.database import utcnow
from app.extensions import db
from app.models import SafetyAlert, ScaleResponse, User
from app.safety import alerts as safety
from app.scales.registry import Scale, score, validate_answers


@dataclass
class ResponseResult:
    response: ScaleResponse
    created: bool
    triggers: list[dict] = field(default_factory=list)
    alert: SafetyAlert | None = None


def _digest(scale: Scale, answers: dict) -> str:
    text = json.dumps({"scale": scale.key, "answers": answers}, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _find(participant_id: int, client_uuid: str) -> ScaleResponse | None:
    return db.session.scalar(sa.select(ScaleResponse).where(
        ScaleResponse.participant_id == participant_id,
        ScaleResponse.client_uuid == client_uuid))


def _replay(existing: ScaleResponse, digest: str) -> ResponseResult:
    if existing.content_hash != digest:
        raise Conflict(existing)
    alerts = db.session.scalars(
        sa.select(SafetyAlert).where(SafetyAlert.scale_response_id == existing.id))
    return ResponseResult(existing, created=False,
                          triggers=[t for a in alerts for t in a.triggers])


def _client_uuid(raw: Mapping) -> str:
    try:
        return str(uuid.UUID(str(raw.get("client_uuid"))))
    except ValueError:
        return str(uuid.uuid4())  # a form without one: nothing to deduplicate against


def save_response(participant: User, scale: Scale, raw: Mapping,
                  now: datetime | None = None) -> ResponseResult:
    """Validate, score and save a scale response with any safety alert, in one transaction.

    Every scored item must be answered (else Invalid, nothing saved). Submitting the same form
    twice saves it once.
    """
    answers, errors = validate_answers(scale, raw)
    if errors:
        raise Invalid(errors, answers)
    client_uuid = _client_uuid(raw)
    digest = _digest(scale, answers)
    existing = _find(participant.id, client_uuid)
    if existing is not None:
        return _replay(existing, digest)
    scored = score(scale, answers)
    enrolment = care_enrolment(participant)
    response = ScaleResponse(
        participant_id=participant.id,
        program_id=enrolment.program_id if enrolment else None,
        scale=scale.key, client_uuid=client_uuid, content_hash=digest, answers=answers,
        total=scored.total, band=scored.band.key, subscores=scored.subscores,
        submitted_at=now or utcnow(),
    )
    found = safety.triggers(scale.key, answers)
    participant_id = participant.id
    try:
        db.session.add(response)
        alert = (safety.raise_alert(participant, found, scale_response=response,
                                    enrolment=enrolment) if found else None)
        db.session.commit()  # the response and its alert together, or neither
    except IntegrityError:
        db.session.rollback()
        existing = _find(participant_id, client_uuid)
        if existing is None:
            raise
        return _replay(existing, digest)
    return ResponseResult(response, created=True, triggers=found, alert=alert)


def last_response(participant_id: int, scale_key: str) -> ScaleResponse | None:
    """The participant's latest response to a scale."""
    return db.session.scalar(
        sa.select(ScaleResponse)
        .where(ScaleResponse.participant_id == participant_id, ScaleResponse.scale == scale_key)
        .order_by(ScaleResponse.submitted_at.desc(), ScaleResponse.id.desc()).limit(1))


@dataclass(frozen=True)
class ScaleStatus:
    scale: Scale
    cadence_days: int
    last: ScaleResponse | None
    due_on: date  #: the local day it is (or was) due
    is_due: bool


def scale_statuses(participant: User, now: datetime | None = None) -> list[ScaleStatus]:
    """Each scale the participant's program asks, with when it is due (never done: due now)."""
    now = now or utcnow()
    enrolment = care_enrolment(participant)
    if enrolment is None or not enrolment.is_active:
        return []
    zone = participant_zone(participant, enrolment)
    today = local_date(now, zone)
    statuses = []
    for setting in checkin_settings.for_program(enrolment.program).enabled_scales:
        last = last_response(participant.id, setting.scale.key)
        due_on = (local_date(last.submitted_at, zone) + timedelta(days=setting.cadence_days)
                  if last else today)
        statuses.append(ScaleStatus(setting.scale, setting.cadence_days, last, due_on,
                                    due_on <= today))
    return statuses


@dataclass(frozen=True)
class HistoryRow:
    response: ScaleResponse
    change: int | None  #: points since the response before it
    meaningful: bool  #: the change is at least the scale's meaningful change (e.g. PHQ-9: 5)


def history(participant_id: int, scale: Scale, limit: int = 52) -> list[HistoryRow]:
    """The participant's responses to a scale, newest first, each with its change."""
    responses = list(db.session.scalars(
        sa.select(ScaleResponse)
        .where(ScaleResponse.participant_id == participant_id, ScaleResponse.scale == scale.key)
        .order_by(ScaleResponse.submitted_at.desc(), ScaleResponse.id.desc()).limit(limit + 1)))
    rows = []
    for index, response in enumerate(responses[:limit]):
        before = responses[index + 1] if index + 1 < len(responses) else None
        change = response.total - before.total if before else None
        meaningful = (change is not None and scale.meaningful_change is not None
                      and abs(change) >= scale.meaningful_change)
        rows.append(HistoryRow(response, change, meaningful))
    return rows


def due_scales(participant: User, now: datetime | None = None) -> list[ScaleStatus]:
    """The participant's scales that are due today (Today and the check-in page show them)."""
    return [s for s in scale_statuses(participant, now) if s.is_due]
