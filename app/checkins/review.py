"""What a clinician sees of a participant's check-ins until the full review views arrive."""

from dataclasses import dataclass
from datetime import timedelta

from app.care.scope import care_access
from app.care.team import participant_zone
from app.checkins import service as checkins
from app.checkins.items import FEELINGS, MOOD_LABELS
from app.database import utcnow
from app.models import Checkin, SafetyAlert, ScaleResponse, User
from app.safety import alerts as safety
from app.scales import service as scale_responses
from app.scales.registry import SCALES, Scale

DAYS = 14


@dataclass(frozen=True)
class Summary:
    zone: str
    days: int
    alerts: list[SafetyAlert]
    checkins: list[Checkin]
    scales: list[tuple[Scale, list]]
    mood_labels: dict
    feelings: dict


def summary_for(staff: User, participant: User) -> Summary:
    """Alerts, check-ins of the last two weeks and scale histories of one participant.

    The caller has already checked that the staff member may see this participant. Each record
    shown belongs to an enrolment the staff member may see (`app.care.scope`): a former
    program's staff see only what was recorded in their program, during the handover.
    """
    access = care_access(staff, participant.id)
    visible_responses = access.records(ScaleResponse.program_id, ScaleResponse.submitted_at)
    histories = [(scale, scale_responses.history(participant.id, scale, limit=12,
                                                 where=visible_responses))
                 for scale in SCALES.values()]
    return Summary(
        zone=participant_zone(participant),
        days=DAYS,
        alerts=safety.alerts_of_participant(staff, participant.id),
        checkins=checkins.recent(participant, utcnow() - timedelta(days=DAYS),
                                 where=access.records(Checkin.program_id, Checkin.received_at)),
        scales=[(scale, rows) for scale, rows in histories if rows],
        mood_labels=MOOD_LABELS,
        feelings=FEELINGS,
    )
