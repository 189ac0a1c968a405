"""Consent to the program's privacy notice: asked at first sign-in and again for a new version."""

import sqlalchemy as sa
from flask import g

from app.care.enrolments import current_enrolment
from app.extensions import db
from app.models import User
from app.models.consent import Consent


def needs_consent(participant: User) -> bool:
    """True when the participant has not accepted their program's current notice."""
    if "needs_consent" not in g:
        enrolment = current_enrolment(participant)
        if enrolment is None:
            g.needs_consent = False
        else:
            program = enrolment.program
            accepted = db.session.scalar(
                sa.select(Consent.id).where(
                    Consent.participant_id == participant.id,
                    Consent.program_id == program.id,
                    Consent.notice_version == program.privacy_notice_version,
                )
            )
            g.needs_consent = accepted is None
    return g.needs_consent


def accept(participant: User) -> Consent | None:
    """Record acceptance of the current notice of the participant's program."""
    enrolment = current_enrolment(participant)
    if enrolment is None or not needs_consent(participant):
        return None
    consent = Consent(
        participant_id=participant.id,
        program_id=enrolment.program_id,
        notice_version=enrolment.program.privacy_notice_version,
    )
    db.session.add(consent)
    g.needs_consent = False
    return consent
