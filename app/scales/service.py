"""Saving scored scale responses, when a scale is next due, and the history with its changes."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app import submissions
from app.care.team import care_enrolment, participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.service import Invalid, local_date
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


def save_response(participant: User, scale: Scale, raw: Mapping,
                  now: datetime | None = None,
                  client_recorded_at: datetime | None = None) -> ResponseResult:
    """Validate, score and save a scale response with any safety alert, in one transaction.

    Every scored item must be answered (else Invalid, nothing saved). Submitting the same form
    twice saves it once. `client_recorded_at` (answers sent later by the offline queue) is
    when the phone says they were given; a safety alert records it beside its receipt time.
    """
    answers, errors = validate_answers(scale, raw)
    if errors:
        raise Invalid(errors, answers)
    # A form without a UUID has nothing to deduplicate against: give it a fresh one.
    client_uuid = submissions.parse_client_uuid(raw.get("client_uuid")) or str(uuid.uuid4())
    digest = submissions.content_hash({"scale": scale.key, "answers": answers})
    found = safety.triggers(scale.key, answers)
    created_alert = []

    def create() -> ScaleResponse:
        scored = score(scale, answers)
        enrolment = care_enrolment(participant)
        response = ScaleResponse(
            participant_id=participant.id,
            program_id=enrolment.program_id if enrolment else None,
            scale=scale.key, client_uuid=client_uuid, content_hash=digest, answers=answers,
            total=scored.total, band=scored.band.key, subscores=scored.subscores,
            submitted_at=now or utcnow(),
        )
        db.session.add(response)
        if found:  # saved with the response, or not at all
            created_alert.append(safety.raise_alert(participant, found, scale_response=response,
                                                    enrolment=enrolment,
                                                    client_recorded_at=client_recorded_at))
        return response

    saved = submissions.save_once(ScaleResponse, participant.id, client_uuid, digest, create)
    if not saved.created:
        alerts = db.session.scalars(
            sa.select(SafetyAlert).where(SafetyAlert.scale_response_id == saved.record.id))
        return ResponseResult(saved.record, created=False,
                              triggers=[t for a in alerts for t in a.triggers])
    return ResponseResult(saved.record, created=True, triggers=found,
                          alert=created_alert[0] if created_alert else None)


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


def history(participant_id: int, scale: Scale, limit: int = 52,
            where: sa.ColumnElement[bool] | None = None) -> list[HistoryRow]:
    """The participant's responses to a scale, newest first, each with its change.

    `where` narrows them further (staff see those of enrolments they may see: app.care.scope).
    """
    query = sa.select(ScaleResponse).where(ScaleResponse.participant_id == participant_id,
                                           ScaleResponse.scale == scale.key)
    if where is not None:
        query = query.where(where)
    responses = list(db.session.scalars(
        query.order_by(ScaleResponse.submitted_at.desc(), ScaleResponse.id.desc())
        .limit(limit + 1)))
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
