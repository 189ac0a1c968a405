"""Which programs a staff member works in: changed by another admin, audited, shown to the
program's clinicians; primary clinicians who leave a program are replaced or cleared.

Working in a program opens its participants' records, so an admin cannot change their own
memberships (emergency access to one person is break-glass, `app.care.break_glass`).
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.care.scope import forget_care_access
from app.database import utcnow
from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStatus,
    Program,
    ProgramMembershipChange,
    Role,
    User,
)
from app.security import audit
from app.security.audit import Action

#: How long the programs' clinicians see a change on their caseload.
NOTICE_DAYS = 14


class MembershipError(ValueError):
    """A change that cannot be made; the message is for the admin."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class PrimaryChoice:
    """For one program the staff member leaves: whom their participants get as primary."""

    program: Program
    enrolments: list[Enrolment]
    #: Active clinicians who stay in the program: the ones who can take over.
    candidates: list[User]


def primaries_to_replace(user: User, removed: set[int]) -> list[PrimaryChoice]:
    """Programs the staff member leaves where they are someone's primary clinician (active
    enrolments), with who could take over; empty when nothing needs choosing."""
    if not removed:
        return []
    rows = db.session.scalars(
        sa.select(Enrolment).options(joinedload(Enrolment.participant),
                                     joinedload(Enrolment.program))
        .where(Enrolment.program_id.in_(removed), Enrolment.status == EnrolmentStatus.ACTIVE,
               Enrolment.primary_clinician_id == user.id)
        .order_by(Enrolment.program_id, Enrolment.id)).all()
    choices: dict[int, PrimaryChoice] = {}
    for enrolment in rows:
        program = enrolment.program
        if program.id not in choices:
            candidates = [c for c in program.clinicians
                          if c.id != user.id and c.is_active and c.is_staff]
            choices[program.id] = PrimaryChoice(program, [], candidates)
        choices[program.id].enrolments.append(enrolment)
    for choice in choices.values():
        choice.enrolments.sort(key=lambda e: e.participant.display_name.casefold())
    return list(choices.values())


def change_programs(user: User, programs: list[Program], admin: User,
                    new_primaries: dict[int, User | None] | None = None
                    ) -> list[ProgramMembershipChange]:
    """Set the programs a staff member works in (the caller commits).

    Refused for the admin's own account. Each program added or removed is recorded and
    audited. Where the staff member leaves a program in which they are someone's primary
    clinician, `new_primaries` (program id -> clinician or None) says who takes over; every
    such program must be in it.
    """
    if user.id == admin.id:
        raise MembershipError(_l("You cannot change your own programs. Another admin can; "
                                 "for urgent access to one participant, use emergency "
                                 "access."))
    if user.role == Role.PARTICIPANT:
        raise MembershipError(_l("Only staff work in programs."))
    before = {p.id for p in user.programs}
    after = {p.id for p in programs}
    new_primaries = new_primaries or {}
    for choice in primaries_to_replace(user, before - after):
        if choice.program.id not in new_primaries:
            raise MembershipError(_l("Choose who takes over as primary clinician in "
                                     "%(program)s.", program=choice.program.name))
        successor = new_primaries[choice.program.id]
        if successor is not None and successor not in choice.candidates:
            raise MembershipError(_l("The new primary clinician must work in %(program)s.",
                                     program=choice.program.name))
        for enrolment in choice.enrolments:
            enrolment.primary_clinician = successor
            audit.record(Action.PRIMARY_CLINICIAN, subject=enrolment.participant_id,
                         target=f"enrolment:{enrolment.id}", actor=admin)
    user.programs = programs
    changes = [ProgramMembershipChange(program_id=pid, user_id=user.id, is_added=pid in after,
                                       changed_by_id=admin.id, changed_at=utcnow())
               for pid in sorted(before ^ after)]
    db.session.add_all(changes)
    db.session.flush()
    for change in changes:
        audit.record(Action.STAFF_PROGRAMS, target=f"membership:{change.id}", actor=admin)
    forget_care_access()
    return changes


def record_initial_programs(user: User, admin: User) -> None:
    """A new staff account's programs count as changes too (the caller commits)."""
    changes = [ProgramMembershipChange(program_id=p.id, user_id=user.id, is_added=True,
                                       changed_by_id=admin.id, changed_at=utcnow())
               for p in user.programs]
    db.session.add_all(changes)
    db.session.flush()
    for change in changes:
        audit.record(Action.STAFF_PROGRAMS, target=f"membership:{change.id}", actor=admin)


def recent_changes(program_ids: list[int], days: int = NOTICE_DAYS
                   ) -> list[ProgramMembershipChange]:
    """Membership changes in these programs lately, newest first (for their clinicians)."""
    if not program_ids:
        return []
    since = utcnow() - timedelta(days=days)
    return list(db.session.scalars(
        sa.select(ProgramMembershipChange)
        .options(joinedload(ProgramMembershipChange.user),
                 joinedload(ProgramMembershipChange.changed_by),
                 joinedload(ProgramMembershipChange.program))
        .where(ProgramMembershipChange.program_id.in_(program_ids),
               ProgramMembershipChange.changed_at >= since)
        .order_by(ProgramMembershipChange.changed_at.desc(), ProgramMembershipChange.id.desc())))
