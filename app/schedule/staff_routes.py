"""Staff pages: the week's sessions, series, cancellations and moves, attendance rosters.

Series and occurrences are loaded through `app.schedule.scope`: another program's are a 404,
and rosters (who attends, their notices) need the staff member to work in the program.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.care import scope
from app.care.enrolments import current_enrolment
from app.database import utcnow
from app.extensions import db
from app.forms import options
from app.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    SessionKind,
    SessionSeries,
    User,
)
from app.schedule import attendance, staff_bp
from app.schedule import series as session_series
from app.schedule.forms import (
    FIRST_YEAR,
    LAST_YEAR,
    REPEAT_ONCE,
    REPEAT_RULE,
    REPEAT_WEEKLY,
    CancelForm,
    MoveForm,
    SeriesEditForm,
    SeriesForm,
)
from app.schedule.recurrence import ScheduleError, split_rule, weekly_rule
from app.schedule.scope import get_occurrence_for_staff, get_series_for_staff
from app.schedule.series import SeriesDetails
from app.schedule.service import (
    Occurrence,
    commit_with_retry,
    find_occurrence,
    program_occurrences,
    series_occurrences,
)
from app.security import audit
from app.security.audit import Action
from app.security.ids import parse_id
from app.templating import wants_fragment

#: How many weeks of a series' coming sessions its page lists.
SERIES_PAGE_WEEKS = 8


def _worked_program_ids() -> set[int]:
    return {p.id for p in current_user.programs}


@staff_bp.route("/")
def overview():
    """The week's sessions in the staff member's programs, and their series."""
    programs = scope.programs_for_staff(current_user)
    worked = _worked_program_ids()
    appointments = _readable_appointment_keys(worked)
    zone = ZoneInfo(programs[0].time_zone if programs else "UTC")
    try:
        week = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        week = utcnow().astimezone(zone).date()
    if not FIRST_YEAR <= week.year <= LAST_YEAR:
        week = utcnow().astimezone(zone).date()
    monday = week - timedelta(days=week.weekday())
    start = datetime.combine(monday - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    occurrences = [
        o for o in program_occurrences([p.id for p in programs], start, start + timedelta(days=9))
        if monday <= o.start_at.astimezone(ZoneInfo(o.series.time_zone)).date()
        < monday + timedelta(days=7)
        and (o.series.participant_id is None
             or (o.series.participant_id, o.series.program_id) in appointments)
    ]
    occurrences.sort(key=lambda o: (o.start_at, o.series.title))
    notices = _notice_counts(occurrences, worked)
    marked = _marked_counts(occurrences, worked)
    series = db.session.scalars(
        sa.select(SessionSeries).options(sa.orm.joinedload(SessionSeries.program),
                                         sa.orm.joinedload(SessionSeries.participant))
        .where(SessionSeries.program_id.in_([p.id for p in programs]))
        .where(sa.or_(SessionSeries.participant_id.is_(None), sa.and_(
            SessionSeries.program_id.in_(worked),
            scope.readable_in_program(SessionSeries.participant_id, SessionSeries.program_id))))
        .where(sa.or_(SessionSeries.end_date.is_(None), SessionSeries.end_date >= monday))
        .order_by(SessionSeries.title, SessionSeries.id)).all()
    return render_template(
        "schedule/staff/overview.html", occurrences=occurrences, series_list=series,
        monday=monday, notices=notices, marked=marked, worked=worked, now=utcnow(),
        previous_week=monday - timedelta(weeks=1), next_week=monday + timedelta(weeks=1))


def _readable_appointment_keys(worked: set[int]) -> set[tuple[int, int]]:
    """(participant, program) pairs whose appointments the reader may see: enrolled there now,
    or in the handover after (`app.care.scope`)."""
    return set(db.session.execute(
        sa.select(Enrolment.participant_id, Enrolment.program_id)
        .where(Enrolment.program_id.in_(worked), scope.readable_enrolment())).tuples())


def _notice_counts(occurrences: list[Occurrence], worked: set[int]) -> dict[int, int]:
    """How many participants sent a notice, per occurrence of a program the reader works in."""
    ids = [o.record.id for o in occurrences
           if o.record is not None and o.series.program_id in worked]
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Attendance.occurrence_id, sa.func.count())
        .where(Attendance.occurrence_id.in_(ids), Attendance.notice.is_not(None))
        .group_by(Attendance.occurrence_id)).all())


def _marked_counts(occurrences: list[Occurrence], worked: set[int]) -> dict[int, int]:
    """How many participants' attendance is marked, per occurrence the reader works in."""
    ids = [o.record.id for o in occurrences
           if o.record is not None and o.series.program_id in worked]
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Attendance.occurrence_id, sa.func.count())
        .where(Attendance.occurrence_id.in_(ids), Attendance.status.is_not(None))
        .group_by(Attendance.occurrence_id)).all())


# --- series ----------------------------------------------------------------------------------

def _details(form: SeriesForm, start_date: date, zone: str) -> SeriesDetails:
    if form.repeat.data == REPEAT_WEEKLY:
        recurrence = weekly_rule(form.days.data)
    elif form.repeat.data == REPEAT_RULE:
        recurrence = form.rule.data.strip()
    else:
        recurrence = None
    clean = lambda value: (value or "").strip() or None  # noqa: E731
    return SeriesDetails(
        kind=SessionKind(form.kind.data), title=form.title.data.strip(),
        time_zone=form.time_zone.data or zone, start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data, start_date=start_date,
        end_date=form.end_date.data, recurrence=recurrence,
        facilitator=clean(form.facilitator.data), location=clean(form.location.data),
        telehealth_url=clean(form.telehealth_url.data),
        what_to_bring=clean(form.what_to_bring.data))


def _field_error(form, error: ScheduleError) -> None:
    repeat = getattr(form, "repeat", None)
    field = {"recurrence": "rule" if repeat and repeat.data == REPEAT_RULE else "days"}.get(
        error.field, error.field)
    target = getattr(form, field, None)
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = [*target.errors, error.message]


def _series_form() -> SeriesForm:
    form = SeriesForm()
    programs = scope.programs_for_staff(current_user)
    form.program_id.choices = options((p.id, p.name) for p in programs)
    people = db.session.scalars(  # appointments are made only for people enrolled now
        scope.current_participants_for_staff(current_user).order_by(User.display_name)).all()
    form.participant_id.choices = options(
        [(0, _("Everyone enrolled in the program"))] + [(u.id, u.display_name) for u in people])
    chosen = parse_id(request.args.get("participant"))
    if not form.is_submitted() and chosen is not None:  # "New appointment" on a participant
        person = scope.get_participant_for_staff(current_user, chosen, for_writing=True)
        enrolment = current_enrolment(person)
        form.participant_id.data = person.id
        form.program_id.data = enrolment.program_id if enrolment else None
        form.repeat.data = REPEAT_ONCE
        form.kind.data = SessionKind.INDIVIDUAL_THERAPY.value
    return form


@staff_bp.route("/series/new", methods=["GET", "POST"])
def series_new():
    """A new series of sessions, or an appointment for one participant."""
    form = _series_form()
    if form.validate_on_submit():
        program = scope.get_program_for_staff(current_user, form.program_id.data)
        participant = None
        if form.participant_id.data:
            participant = scope.get_participant_for_staff(
                current_user, form.participant_id.data, for_writing=True)
        try:
            if participant is not None and not scope.works_in(current_user, program.id):
                raise ScheduleError("participant_id", _(
                    "Appointments can be made only in programs you work in."))
            series = session_series.create_series(
                program, _details(form, form.start_date.data, program.time_zone),
                current_user._get_current_object(), participant)
            db.session.commit()
        except ScheduleError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            flash(_("Series saved."), "success")
            return redirect(url_for("sessions.series", series_id=series.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("schedule/staff/series_form.html", form=form, series=None), status


@staff_bp.route("/series/<int:series_id>")
def series(series_id: int):
    """A series and its coming sessions, each with its roster, move and cancel."""
    item = get_series_for_staff(current_user, series_id)
    zone = ZoneInfo(item.time_zone)
    today = utcnow().astimezone(zone).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    coming = series_occurrences(item, start, start + timedelta(weeks=SERIES_PAGE_WEEKS))
    return render_template("schedule/staff/series.html", series=item, occurrences=coming,
                           clinical=scope.works_in(current_user, item.program_id))


def _fill_edit_form(form: SeriesEditForm, item: SessionSeries) -> None:
    for name in ("title", "facilitator", "location", "telehealth_url", "what_to_bring",
                 "time_zone", "start_time", "duration_minutes", "end_date"):
        getattr(form, name).data = getattr(item, name)
    form.kind.data = item.kind.value
    today = utcnow().astimezone(ZoneInfo(item.time_zone)).date()
    form.effective_from.data = max(today, item.start_date)
    if item.recurrence is None:
        form.repeat.data = REPEAT_ONCE
        form.end_date.data = None
        return
    parts = split_rule(item.recurrence)
    if item.recurrence == weekly_rule(parts.get("BYDAY", "").split(",")):
        form.repeat.data, form.days.data = REPEAT_WEEKLY, parts["BYDAY"].split(",")
    else:
        form.repeat.data, form.rule.data = REPEAT_RULE, item.recurrence


@staff_bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def series_edit(series_id: int):
    """Change a series from a date onwards (earlier sessions keep their record)."""
    item = get_series_for_staff(current_user, series_id, for_writing=True)
    form = SeriesEditForm()
    if not form.is_submitted():
        _fill_edit_form(form, item)
    elif form.validate():
        try:
            target = session_series.edit_series_from(
                item, form.effective_from.data,
                _details(form, form.effective_from.data, item.program.time_zone),
                current_user._get_current_object())
            db.session.commit()
        except ScheduleError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            flash(_("Series saved."), "success")
            return redirect(url_for("sessions.series", series_id=target.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("schedule/staff/series_form.html", form=form, series=item), status


# --- one occurrence --------------------------------------------------------------------------

def _roster_context(occurrence: Occurrence) -> dict:
    return {"occurrence": occurrence, "now": utcnow(),
            "rows": attendance.roster(occurrence, readable=scope.readable_enrolment()),
            "statuses": list(AttendanceStatus)}


@staff_bp.route("/series/<int:series_id>/<occurrence_key>")
def roster(series_id: int, occurrence_key: str):
    """One occurrence: its details and the attendance roster with participants' notices."""
    occurrence = get_occurrence_for_staff(current_user, series_id, occurrence_key,
                                          clinical=True)
    page = render_template("schedule/staff/roster.html", **_roster_context(occurrence))
    # Recorded after rendering: committing first would expire the rows the page reads.
    audit.record(Action.ROSTER_VIEW, target=f"session:{series_id}:{occurrence_key}")
    db.session.commit()
    return page


@staff_bp.route("/series/<int:series_id>/<occurrence_key>/attendance/<int:attendee_id>",
                methods=["POST"])
def mark(series_id: int, occurrence_key: str, attendee_id: int):
    """Record one participant's attendance; htmx gets their roster row back."""
    occurrence = get_occurrence_for_staff(current_user, series_id, occurrence_key,
                                          clinical=True)
    person = scope.get_participant_for_staff(current_user, attendee_id, for_writing=True)
    error = None
    try:
        status = AttendanceStatus(request.form.get("status", ""))
    except ValueError:
        error = _("Choose present, late, absent or excused.")
    if error is None:
        staff = current_user._get_current_object()

        def save() -> Occurrence:
            fresh = find_occurrence(occurrence.series, occurrence.original_start_local)
            attendance.mark(fresh, person, status, staff)
            audit.record(Action.PARTICIPANT_EDIT, subject=person,
                         target=f"attendance:{series_id}:{occurrence_key}")
            return fresh

        try:
            occurrence = commit_with_retry(save)
        except ScheduleError as problem:
            db.session.rollback()
            error = problem.message
    if wants_fragment():
        row = attendance.RosterRow(person, attendance.own_row(occurrence, person.id))
        return render_template("schedule/staff/_roster_row.html", row=row, error=error,
                               occurrence=occurrence, now=utcnow(),
                               statuses=list(AttendanceStatus)), 400 if error else 200
    if error:
        return render_template("schedule/staff/roster.html", roster_error=error,
                               **_roster_context(occurrence)), 400
    flash(_("Attendance saved for %(name)s.", name=person.display_name), "success")
    return redirect(url_for("sessions.roster", series_id=series_id,
                            occurrence_key=occurrence_key))


def _change(form, occurrence: Occurrence, template: str, apply) -> object:
    if form.validate_on_submit():
        try:
            apply()
            db.session.commit()
        except ScheduleError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            flash(_("Saved. Participants see the change in their schedule."), "success")
            return redirect(url_for("sessions.series", series_id=occurrence.series.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, occurrence=occurrence), status


@staff_bp.route("/series/<int:series_id>/<occurrence_key>/cancel", methods=["GET", "POST"])
def cancel(series_id: int, occurrence_key: str):
    """Cancel one session without touching the rest of its series."""
    occurrence = get_occurrence_for_staff(current_user, series_id, occurrence_key,
                                          for_writing=True)
    form = CancelForm()
    return _change(form, occurrence, "schedule/staff/cancel.html", lambda: (
        session_series.cancel_occurrence(occurrence, current_user._get_current_object(),
                                         form.note.data)))


@staff_bp.route("/series/<int:series_id>/<occurrence_key>/move", methods=["GET", "POST"])
def move(series_id: int, occurrence_key: str):
    """Move one session to another day or time without touching the rest of its series."""
    occurrence = get_occurrence_for_staff(current_user, series_id, occurrence_key,
                                          for_writing=True)
    form = MoveForm()
    if not form.is_submitted():
        local = occurrence.start_at.astimezone(ZoneInfo(occurrence.series.time_zone))
        form.new_date.data, form.new_time.data = local.date(), local.time()
        form.duration_minutes.data = int((occurrence.end_at - occurrence.start_at)
                                         .total_seconds() // 60)
    return _change(form, occurrence, "schedule/staff/move.html", lambda: (
        session_series.move_occurrence(
            occurrence, datetime.combine(form.new_date.data, form.new_time.data),
            form.duration_minutes.data, current_user._get_current_object(), form.note.data)))

