"""Which participants, programs and records a staff member may see: what is not theirs is a 404.

The rule across transfers (every capability gets it by calling these functions):

- A staff member sees a participant while the participant has an active enrolment in one of
  the staff member's programs, and may change their records (`for_writing`).
- After a transfer, step-down or discharge, the former program's staff keep read-only access to
  what was recorded during their program's enrolment, for HANDOVER_DAYS (30 by default) after
  its last day; then nothing.
- A record belongs to the enrolment of its program whose period holds its time. Staff see a
  record only when that enrolment is one they may see (`CareAccess.records`), so a program's
  staff never read what was recorded in the participant's next program.
- Admins are staff for the programs they work in; for anyone else they use break-glass access
  (`app.care.break_glass`: time-limited, audited), which shows everything about one person.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, g, has_request_context
from sqlalchemy.dialects import postgresql

from app.database import utcnow
from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Program,
    Role,
    User,
    clinician_programs,
)


def staff_program_ids(staff: User) -> sa.Select:
    """The programs a staff member works in, as a subquery."""
    return sa.select(clinician_programs.c.program_id).where(
        clinician_programs.c.user_id == staff.id
    )


def handover_days() -> int:
    """How long a former program's staff keep read-only access (TRELLIS_HANDOVER_DAYS)."""
    return int(current_app.config["HANDOVER_DAYS"])


def readable_enrolment(today: date | None = None) -> sa.ColumnElement[bool]:
    """An enrolment whose program's staff may still read it: active, or ended in the handover."""
    today = today or utcnow().date()
    return sa.or_(Enrolment.status == EnrolmentStatus.ACTIVE,
                  Enrolment.end_date >= today - timedelta(days=handover_days()))


def readable_in_program(participant_id, program_id) -> sa.ColumnElement[bool]:
    """SQL: the participant has an enrolment in the program that its staff may read.

    For columns of another table (a session series' participant and program)."""
    return sa.exists().where(Enrolment.participant_id == participant_id,
                             Enrolment.program_id == program_id, readable_enrolment())


@dataclass(frozen=True)
class Period:
    """One enrolment as its program's staff see it: what was recorded in it, and until when."""

    enrolment_id: int
    program_id: int
    #: First instant a record of this enrolment can have (its first day, or when it was made).
    starts_at: datetime
    #: The instant it ended (after its last day, or when the move was recorded); None: active.
    ends_at: datetime | None
    #: The last day of the handover; None while active.
    readable_until: date | None

    @property
    def is_current(self) -> bool:
        return self.ends_at is None

    def holds(self, program_id: int | None, at: datetime) -> bool:
        """Whether a record of this program made at `at` belongs to this enrolment."""
        return (program_id == self.program_id and at >= self.starts_at
                and (self.ends_at is None or at < self.ends_at))


@dataclass(frozen=True)
class CareAccess:
    """What one staff member may see of one participant, and whether they may change it."""

    participant_id: int
    periods: tuple[Period, ...]
    break_glass: bool = False

    @property
    def can_read(self) -> bool:
        return self.break_glass or bool(self.periods)

    @property
    def can_write(self) -> bool:
        """A current enrolment in one of the staff member's programs (or break-glass)."""
        return self.break_glass or any(p.is_current for p in self.periods)

    @property
    def read_only_until(self) -> date | None:
        """For a former program's staff: the last day they may read; None otherwise."""
        if self.can_write or not self.periods:
            return None
        return max(p.readable_until for p in self.periods)

    def records(self, program_column, time_column) -> sa.ColumnElement[bool]:
        """SQL: a record (its program and time columns) belongs to an enrolment seen here."""
        if self.break_glass:
            return sa.true()
        if not self.periods:
            return sa.false()
        return sa.or_(*[
            sa.and_(program_column == p.program_id, time_column >= p.starts_at,
                    *([time_column < p.ends_at] if p.ends_at is not None else []))
            for p in self.periods])

    def holds(self, program_id: int | None, at: datetime) -> bool:
        """Whether one record (its program and time) belongs to an enrolment seen here."""
        return self.break_glass or any(p.holds(program_id, at) for p in self.periods)

    def enrolment_ids(self) -> set[int]:
        return {p.enrolment_id for p in self.periods}


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _period(enrolment: Enrolment | sa.Row, zone: str, moved_at: datetime | None) -> Period:
    """The period of an enrolment (or a row of its columns of the same names)."""
    starts = min(_midnight(enrolment.start_date, zone), enrolment.created_at)
    if enrolment.status == EnrolmentStatus.ACTIVE:
        return Period(enrolment.id, enrolment.program_id, starts, None, None)
    last_day = enrolment.end_date or (moved_at or utcnow()).date()
    ends = _midnight(last_day + timedelta(days=1), zone)
    if moved_at is not None and moved_at > ends:  # a move recorded after it took effect
        ends = moved_at
    return Period(enrolment.id, enrolment.program_id, starts, ends,
                  last_day + timedelta(days=handover_days()))


def _has_break_glass(staff: User, participant_id: int) -> bool:
    if staff.role != Role.ADMIN:
        return False
    from app.care.break_glass import has_grant

    return has_grant(staff, participant_id)


def care_access(staff: User, participant_id: int) -> CareAccess:
    """The enrolments of a participant a staff member may see now (cached for the request)."""
    key = ("care_access", staff.id, participant_id)
    cache = g.setdefault("care_access", {}) if has_request_context() else {}
    if key in cache:
        return cache[key]
    rows = db.session.execute(
        sa.select(Enrolment, Program.time_zone, EnrolmentTransition.recorded_at)
        .join(Program, Program.id == Enrolment.program_id)
        .outerjoin(EnrolmentTransition, EnrolmentTransition.from_enrolment_id == Enrolment.id)
        .where(Enrolment.participant_id == participant_id,
               Enrolment.program_id.in_(staff_program_ids(staff)), readable_enrolment())
        .order_by(Enrolment.start_date, Enrolment.id)).all()
    access = CareAccess(participant_id, tuple(_period(e, zone, moved) for e, zone, moved in rows),
                        _has_break_glass(staff, participant_id))
    cache[key] = access
    return access


def forget_care_access() -> None:
    """Drop the request's cached answers (after enrolments or memberships changed)."""
    if has_request_context():
        g.pop("care_access", None)


def handover_enrolments(staff: User, exclude: set[int] = frozenset()
                        ) -> list[tuple[Enrolment, date]]:
    """Enrolments in the staff member's programs that ended but are still in the handover
    (read-only), with the last day they can be read, newest end first; participants in
    `exclude` (enrolled now) left out."""
    rows = db.session.scalars(
        sa.select(Enrolment).join(User, Enrolment.participant_id == User.id)
        .where(Enrolment.program_id.in_(staff_program_ids(staff)),
               Enrolment.status != EnrolmentStatus.ACTIVE, readable_enrolment())
        .options(sa.orm.joinedload(Enrolment.participant), sa.orm.joinedload(Enrolment.program))
        .order_by(Enrolment.end_date.desc(), User.display_name)).unique()
    seen, found = set(exclude), []
    for enrolment in rows:
        if enrolment.participant_id not in seen:
            seen.add(enrolment.participant_id)
            last_day = enrolment.end_date or utcnow().date()
            found.append((enrolment, last_day + timedelta(days=handover_days())))
    return found


def _visible_participants(staff: User, current_only: bool) -> sa.Select:
    condition = (Enrolment.status == EnrolmentStatus.ACTIVE if current_only
                 else readable_enrolment())
    enrolled = sa.select(Enrolment.participant_id).where(
        Enrolment.program_id.in_(staff_program_ids(staff)), condition)
    visible = User.id.in_(enrolled)
    if staff.role == Role.ADMIN:
        from app.care.break_glass import granted_participant_ids

        visible = visible | User.id.in_(granted_participant_ids(staff))
    return sa.select(User).where(User.role == Role.PARTICIPANT, visible)


def participants_for_staff(staff: User) -> sa.Select:
    """Participants a staff member may read: enrolled now in one of their programs, or within
    the handover after leaving one (plus break-glass)."""
    return _visible_participants(staff, current_only=False)


def current_participants_for_staff(staff: User) -> sa.Select:
    """Participants with an active enrolment in one of the staff member's programs (plus
    break-glass): the people whose records the staff member may change."""
    return _visible_participants(staff, current_only=True)


def get_participant_for_staff(staff: User, participant_id: int, *,
                              for_writing: bool = False) -> User:
    """A participant the staff member may see, or 404.

    `for_writing` (plan edits, appointments, attendance, notes) needs the participant to be
    enrolled now in one of the staff member's programs.
    """
    access = care_access(staff, participant_id)
    if not (access.can_write if for_writing else access.can_read):
        abort(404)
    participant = db.session.get(User, participant_id)
    if participant is None or participant.role != Role.PARTICIPANT:
        abort(404)
    return participant


def programs_for_staff(staff: User) -> list[Program]:
    """Programs the staff member works in (every program for an admin, for administration:
    group sessions and invites; clinical information still follows `care_access`)."""
    if staff.role == Role.ADMIN:
        return list(db.session.scalars(sa.select(Program).order_by(Program.name)))
    return list(staff.programs)


def get_program_for_staff(staff: User, program_id: int) -> Program:
    """A program the staff member works in, or 404."""
    program = db.session.get(Program, program_id)
    if program is None or program not in programs_for_staff(staff):
        abort(404)
    return program


def works_in(staff: User, program_id: int) -> bool:
    """Whether the staff member works in the program (and so sees its clinical information)."""
    return any(p.id == program_id for p in staff.programs)


# --- many participants at once (the caseload, the review queue, a program's export) ----------

def caseload_enrolments(staff: User) -> sa.Select:
    """Active enrolments in the programs the staff member works in: their caseload.

    Admins see a caseload only for programs they work in; anyone else through break-glass.
    """
    return sa.select(Enrolment).where(
        Enrolment.program_id.in_(staff_program_ids(staff)),
        Enrolment.status == EnrolmentStatus.ACTIVE,
    )


def readable_periods(staff: User) -> list[tuple[int, Period]]:
    """Every enrolment in the staff member's programs they may still read, as (participant id,
    period): one query, cached for the request."""
    key = ("readable_periods", staff.id)
    cache = g.setdefault("care_access", {}) if has_request_context() else {}
    if key not in cache:
        # Only the columns a period is made of, as rows rather than Enrolment objects: a
        # caseload of 200 reads several hundred enrolments.
        rows = db.session.execute(
            sa.select(Enrolment.id, Enrolment.participant_id, Enrolment.program_id,
                      Enrolment.start_date, Enrolment.end_date, Enrolment.status,
                      Enrolment.created_at, Program.time_zone, EnrolmentTransition.recorded_at)
            .join(Program, Program.id == Enrolment.program_id)
            .outerjoin(EnrolmentTransition,
                       EnrolmentTransition.from_enrolment_id == Enrolment.id)
            .where(Enrolment.program_id.in_(staff_program_ids(staff)), readable_enrolment())
            .order_by(Enrolment.participant_id, Enrolment.start_date, Enrolment.id)).all()
        cache[key] = [(row.participant_id, _period(row, row.time_zone, row.recorded_at))
                      for row in rows]
    return cache[key]


#: How a period's instants are written into the readable-periods parameter: naive UTC in the
#: text form SQLite stores UTCDateTime columns in (text comparison there matches time order),
#: which PostgreSQL also reads as a timestamp.
_INSTANT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _instant_text(instant: datetime | None) -> str | None:
    if instant is None:
        return None
    return instant.astimezone(UTC).replace(tzinfo=None).strftime(_INSTANT_FORMAT)


def _periods_parameter(staff: User) -> str:
    """The staff member's readable periods as one JSON text (cached for the request)."""
    key = ("readable_periods_json", staff.id)
    cache = g.setdefault("care_access", {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = json.dumps([
            {"participant_id": participant_id, "program_id": p.program_id,
             "starts_at": _instant_text(p.starts_at), "ends_at": _instant_text(p.ends_at)}
            for participant_id, p in readable_periods(staff)])
    return cache[key]


def readable_periods_table(staff: User) -> sa.Subquery:
    """The staff member's readable periods as a table (participant_id, program_id, starts_at,
    ends_at; ends_at NULL while active), for joins in SQL.

    The periods travel as a single JSON parameter rather than one clause or VALUES row each, so
    the statement's text (and SQLAlchemy's compiled-statement cache) does not depend on the
    caseload's size, and building it costs the same for 5 people as for 200.
    """
    parameter = sa.bindparam("readable_periods", _periods_parameter(staff), type_=sa.Text,
                             unique=True)
    if db.engine.dialect.name == "postgresql":
        rows = sa.func.json_to_recordset(sa.cast(parameter, postgresql.JSON)).table_valued(
            sa.column("participant_id", sa.Integer), sa.column("program_id", sa.Integer),
            sa.column("starts_at", sa.DateTime), sa.column("ends_at", sa.DateTime),
        ).render_derived(name="readable_period", with_types=True)
        return sa.select(rows).subquery("readable_periods")
    rows = sa.func.json_each(parameter).table_valued("value").alias("readable_period")
    return sa.select(*[
        sa.func.json_extract(rows.c.value, f"$.{name}").label(name)
        for name in ("participant_id", "program_id", "starts_at", "ends_at")
    ]).subquery("readable_periods")


def records_for_staff(staff: User, participant_column, program_column,
                      time_column) -> sa.ColumnElement[bool]:
    """SQL for queries over many participants at once (the caseload's flags, the review queue,
    a program's export): a record, named by its participant, program and time columns, that
    belongs to an enrolment the staff member may read (plus an admin's break-glass). The bulk
    counterpart of `CareAccess.records`, with the same rule: the record's program is the
    period's and its time is in [starts_at, ends_at)."""
    clauses = []
    if readable_periods(staff):
        period = readable_periods_table(staff)
        # The program test is implied by the periods; stated alone it lets the database narrow
        # by program first (a program's sessions, say) instead of reading every program's.
        clauses.append(sa.and_(program_column.in_(staff_program_ids(staff)), sa.exists().where(
            period.c.participant_id == participant_column,
            period.c.program_id == program_column,
            time_column >= period.c.starts_at,
            sa.or_(period.c.ends_at.is_(None), time_column < period.c.ends_at))))
    if staff.role == Role.ADMIN:
        from app.care.break_glass import granted_participant_ids

        clauses.append(participant_column.in_(granted_participant_ids(staff)))
    return sa.or_(*clauses) if clauses else sa.false()


def latest_readable(staff: User, participant_ids: list[int], model, time_column,
                    *conditions) -> sa.Select:
    """SQL rows (participant id, time) giving the newest record of `model` (a table with
    participant_id and program_id columns) that each of these participants has and the staff
    member may read, under the rule of `records_for_staff`; `conditions` narrow the records.

    One row per readable period (the newest record in it) and, for an admin, one per
    break-glass participant: several rows per person can come back, the newest is theirs.
    Each row is a newest-first index lookup bounded by its period, so the cost follows the
    number of people, not the length of their history."""
    branches = []
    if readable_periods(staff):
        period = readable_periods_table(staff)
        newest = (
            sa.select(time_column)
            .where(model.participant_id == period.c.participant_id,
                   model.program_id == period.c.program_id,
                   time_column >= period.c.starts_at,
                   sa.or_(period.c.ends_at.is_(None), time_column < period.c.ends_at),
                   *conditions)
            .order_by(time_column.desc()).limit(1).correlate(period).scalar_subquery())
        branches.append(sa.select(period.c.participant_id, newest.label("latest"))
                        .where(period.c.participant_id.in_(participant_ids)))
    if staff.role == Role.ADMIN:
        from app.care.break_glass import granted_participant_ids

        newest = (sa.select(time_column).where(model.participant_id == User.id, *conditions)
                  .order_by(time_column.desc()).limit(1).correlate(User).scalar_subquery())
        branches.append(sa.select(User.id, newest.label("latest")).where(
            User.id.in_(participant_ids), User.id.in_(granted_participant_ids(staff))))
    if not branches:
        return sa.select(User.id, sa.null().label("latest")).where(sa.false())
    return branches[0] if len(branches) == 1 else sa.union_all(*branches)


def get_participant_or_audited_404(staff: User, participant_id: int, *,
                                   for_writing: bool = False) -> User:
    """`get_participant_for_staff`, recording the attempt in the audit trail when it is a 404
    (a staff member asking for someone outside their programs)."""
    from werkzeug.exceptions import NotFound

    from app.security import audit

    try:
        return get_participant_for_staff(staff, participant_id, for_writing=for_writing)
    except NotFound:
        db.session.rollback()
        subject = db.session.get(User, participant_id) if participant_id < 2**31 else None
        audit.record(audit.Action.PARTICIPANT_DENIED,
                     subject=subject if subject is not None and subject.is_participant else None,
                     target=f"participant:{participant_id}"[:64])
        db.session.commit()
        raise
