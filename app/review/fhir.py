"""A participant's PHQ-9 and GAD-7 answers and daily mood as a FHIR R4 Bundle, for EHR import.

- each PHQ-9/GAD-7 response: a QuestionnaireResponse (its LOINC panel as the questionnaire,
  every item's answer as valueInteger) and an Observation of the total score (LOINC code,
  valueQuantity in {score}, derivedFrom the QuestionnaireResponse);
- each check-in's mood: an Observation (valueInteger 1-5) coded in Trellis's own code system,
  since no standard code names a 1-5 self-rated mood.

The participant is named by an identifier in Trellis's namespace, never by name.
"""

import uuid
from datetime import datetime

import sqlalchemy as sa

from app.care.scope import CareAccess
from app.extensions import db
from app.models import Checkin, ScaleResponse, User
from app.scales.registry import SCALES
from app.urls import base_url

#: LOINC: the panel (questionnaire) and the total score of each exported scale.
LOINC = {
    "phq9": {"panel": "44249-1", "total": "44261-6",
             "display": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"},
    "gad7": {"panel": "69737-5", "total": "70274-6",
             "display": "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"},
}
SURVEY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                      "code": "survey", "display": "Survey"}]}
_NAMESPACE = uuid.UUID("6f3c1d0e-3b8e-4a6b-9d7e-2f1a0c9b8e71")


def _urn(*parts) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, ':'.join(map(str, parts)))}"


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _subject(participant: User) -> dict:
    return {"identifier": {"system": f"{base_url()}/fhir/participant",
                           "value": str(participant.id)}}


def _questionnaire_response(response: ScaleResponse, participant: User) -> dict:
    scale = SCALES[response.scale]
    items = []
    for item in scale.items:
        if item.key in response.answers:
            items.append({"linkId": item.key, "text": str(item.text),
                          "answer": [{"valueInteger": int(response.answers[item.key])}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": f"{base_url()}/fhir/scale-response",
                       "value": str(response.id)},
        "questionnaire": f"http://loinc.org/q/{LOINC[response.scale]['panel']}",
        "status": "completed",
        "subject": _subject(participant),
        "authored": _instant(response.submitted_at),
        "item": items,
    }


def _total(response: ScaleResponse, participant: User, qr_urn: str) -> dict:
    codes = LOINC[response.scale]
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [{"system": "http://loinc.org", "code": codes["total"],
                             "display": codes["display"]}],
                 "text": f"{SCALES[response.scale].name} total score"},
        "subject": _subject(participant),
        "effectiveDateTime": _instant(response.submitted_at),
        "valueQuantity": {"value": response.total, "unit": "{score}",
                          "system": "http://unitsofmeasure.org", "code": "{score}"},
        "derivedFrom": [{"reference": qr_urn}],
    }


def _mood(checkin: Checkin, participant: User) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [{"system": f"{base_url()}/fhir/CodeSystem/checkin",
                             "code": "mood", "display": "Mood, self-rated"}],
                 "text": "Mood, self-rated from 1 (very low) to 5 (very good)"},
        "subject": _subject(participant),
        "effectiveDateTime": _instant(checkin.occurred_at),
        "valueInteger": checkin.mood,
    }


def bundle(participant: User, access: CareAccess, start: datetime, end: datetime,
           now: datetime) -> dict:
    """A collection Bundle of everything in [start, end) the staff member may read."""
    entries = []
    responses = db.session.scalars(
        sa.select(ScaleResponse).where(
            ScaleResponse.participant_id == participant.id,
            ScaleResponse.scale.in_(list(LOINC)),
            ScaleResponse.submitted_at >= start, ScaleResponse.submitted_at < end,
            access.records(ScaleResponse.program_id, ScaleResponse.submitted_at))
        .order_by(ScaleResponse.submitted_at, ScaleResponse.id))
    for response in responses:
        qr_urn = _urn("qr", response.id)
        entries.append({"fullUrl": qr_urn,
                        "resource": _questionnaire_response(response, participant)})
        entries.append({"fullUrl": _urn("total", response.id),
                        "resource": _total(response, participant, qr_urn)})
    checkins = db.session.scalars(
        sa.select(Checkin).where(
            Checkin.participant_id == participant.id, Checkin.deleted_at.is_(None),
            Checkin.mood.is_not(None), Checkin.occurred_at >= start, Checkin.occurred_at < end,
            access.records(Checkin.program_id, Checkin.occurred_at))
        .order_by(Checkin.occurred_at, Checkin.id))
    for checkin in checkins:
        entries.append({"fullUrl": _urn("mood", checkin.id),
                        "resource": _mood(checkin, participant)})
    return {"resourceType": "Bundle", "type": "collection", "timestamp": _instant(now),
            "entry": entries}
