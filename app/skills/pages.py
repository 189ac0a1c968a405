"""The context of the skills partials other pages include: Today's practice card and the
clinician's section of a participant's page. One function each, so the shells that include
them make one call."""

from dataclasses import dataclass
from datetime import timedelta

from app.care import scope
from app.care.team import participant_zone
from app.database import utcnow
from app.models import SkillHomework, SkillPractice, User
from app.skills import homework, insights, practices

#: How far back the clinician's list of practices goes.
STAFF_DAYS = 14


def today_context(participant: User) -> dict:
    """For templates/skills/_today.html: the participant's current homework."""
    return {"skills_homework": homework.current(participant)}


@dataclass(frozen=True)
class StaffSummary:
    zone: str
    days: int
    current: list[homework.Progress]
    past: list[homework.Progress]
    what_helps: list[insights.SkillInsight]
    recent_practices: list[SkillPractice]
    #: Whether the staff member may assign homework (a current enrolment in their program).
    can_assign: bool


def staff_participant_context(staff: User, participant: User) -> dict:
    """For templates/skills/staff/_participant.html. The caller has already checked that the
    staff member may see this participant (and recorded the view). Practices and homework are
    those of the enrolments this staff member may see (app.care.scope.care_access): after a
    transfer, the former program's staff see only what was recorded with them."""
    access = scope.care_access(staff, participant.id)
    practices_seen = access.records(SkillPractice.program_id, SkillPractice.practised_at)
    homework_seen = access.records(SkillHomework.program_id, SkillHomework.created_at)
    return {"skills_summary": StaffSummary(
        zone=participant_zone(participant), days=STAFF_DAYS,
        current=homework.current(participant, None, homework_seen),
        past=homework.recent_past(participant, None, homework_seen),
        what_helps=insights.for_participant(participant, None, practices_seen),
        recent_practices=practices.history(participant, utcnow() - timedelta(days=STAFF_DAYS),
                                           practices_seen),
        can_assign=access.can_write)}

