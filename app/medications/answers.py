"""The JSON a saved mark is answered with (API and notification endpoint alike)."""

from app.medications.doses import key_of
from app.models import MedicationDose


def dose_json(mark: MedicationDose) -> dict:
    """What a client needs to know about a saved mark (no medication name)."""
    return {"id": mark.id, "client_uuid": mark.client_uuid, "dose": key_of(mark),
            "medication_id": mark.medication_id, "status": mark.status.value,
            "taken_at": mark.taken_at.isoformat() if mark.taken_at else None}
