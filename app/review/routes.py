"""Staff pages: the caseload, the alerts, and the review queue."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.care import break_glass, memberships, scope
from app.care.team import participant_zone, staff_zone
from app.database import utcnow
from app.extensions import db
from app.models import LevelOfCare
from app.review import bp, queue
from app.review import caseload as caseload_service
from app.review import flags as review_flags
from app.review.alerts import history_for_staff
from app.review.display import RelativeTimes
from app.safety import alerts as safety
from app.security import audit
from app.security.audit import Action
from app.templating import render, wants_fragment


@bp.route("/")
def caseload():
    """Everyone in the staff member's programs, who needs attention first."""
    programs = list(current_user.programs)
    program_ids = [p.id for p in programs]
    filters = caseload_service.parse_filters(request.args, programs)
    now = utcnow()
    result = caseload_service.build(current_user, filters, now)
    current = {row.participant.id for row in result.rows}
    handover = scope.handover_enrolments(current_user, exclude=current)
    visible = current | {e.participant_id for e, _until in handover}
    page = render(
        "review/caseload.html", "review/_caseload_table.html",
        result=result, filters=filters, programs=programs, levels=list(LevelOfCare),
        participant_url=caseload_service.id_url("review.participant", "participant_id"),
        queue_url=caseload_service.id_url("review.queue", "participant"),
        flags=review_flags.ordered(), now=now, relative_time=RelativeTimes(now),
        alert_cards=safety.open_groups_for_staff(current_user),
        handover=handover, handover_days=scope.handover_days(),
        team_changes=memberships.recent_changes(program_ids), zone=staff_zone(current_user),
        grants=[g for g in break_glass.grants_in_programs(program_ids)
                if g.participant_id in visible])
    # After rendering: committing first would expire what the page reads.
    audit.record(Action.CASELOAD_VIEW)
    db.session.commit()
    return page


@bp.route("/alerts")
def alerts():
    """Open safety alerts (riskiest, then newest first) and the latest acknowledged ones."""
    programs = scope.programs_for_staff(current_user)
    program_id = request.args.get("program", type=int)
    if program_id is not None and program_id not in {p.id for p in current_user.programs}:
        program_id = None
    return render_template(
        "review/alerts.html", alert_cards=safety.open_groups_for_staff(current_user, program_id),
        history=history_for_staff(current_user, program_id=program_id, limit=20),
        programs=[p for p in programs if scope.works_in(current_user, p.id)],
        program_id=program_id, now=utcnow())


@bp.route("/alerts/history")
def alert_history():
    """Every past alert of a program (or of all the staff member's programs), newest first."""
    program_id = request.args.get("program", type=int)
    if program_id is not None and not scope.works_in(current_user, program_id):
        abort(404)
    return render_template(
        "review/alert_history.html",
        history=history_for_staff(current_user, program_id=program_id, limit=500,
                                  acknowledged_only=False),
        programs=list(current_user.programs), program_id=program_id, now=utcnow())


def _queue_page(status: int = 200, message: str | None = None):
    programs = list(current_user.programs)
    program_id = request.values.get("program", type=int)
    if program_id not in {p.id for p in programs}:
        program_id = None
    participant_id = request.values.get("participant", type=int)
    person = None
    if participant_id is not None:
        person = scope.get_participant_or_audited_404(current_user, participant_id)
    now = utcnow()
    shown, waiting = queue.items(current_user, participant_id=person.id if person else None,
                                 program_id=program_id, now=now)
    page = render("review/queue.html", "review/_queue_list.html", items=shown, waiting=waiting,
                  programs=programs, program_id=program_id, person=person, now=now,
                  message=message, page_size=queue.PAGE_SIZE)
    for participant_id in sorted({i.checkin.participant_id for i in shown}):
        audit.record(Action.PARTICIPANT_VIEW, subject=participant_id, target="review_queue")
    db.session.commit()
    return page, status


@bp.route("/review", endpoint="queue")
def queue_page():
    """Unreviewed check-ins, riskiest first, each with its answers, note and the day's scores."""
    return _queue_page()


@bp.route("/review/<int:checkin_id>", methods=["POST"])
def mark_reviewed(checkin_id: int):
    """Mark one check-in reviewed; htmx gets the card back saying so, and the new count."""
    done = queue.mark_reviewed(current_user, [checkin_id])
    if not done:
        abort(404)
    audit.record(Action.PARTICIPANT_EDIT, subject=_participant_of(checkin_id),
                 target=f"checkin_review:{checkin_id}")
    db.session.commit()
    if wants_fragment():
        review = queue.reviews_of([checkin_id])[checkin_id]
        return render_template("review/_reviewed_card.html", review=review,
                               zone=participant_zone(review.checkin.participant),
                               unreviewed_count=queue.count(current_user), now=utcnow())
    return _queue_page(message=_("Marked as reviewed."))


@bp.route("/review/shown", methods=["POST"])
def mark_shown_reviewed():
    """Mark every check-in that was shown reviewed (their ids come with the form)."""
    ids = [int(v) for v in request.form.getlist("checkin") if v.isdigit() and len(v) < 12]
    done = queue.mark_reviewed(current_user, ids)
    for checkin_id in done:
        audit.record(Action.PARTICIPANT_EDIT, subject=_participant_of(checkin_id),
                     target=f"checkin_review:{checkin_id}")
    db.session.commit()
    return _queue_page(message=ngettext("%(num)s check-in marked as reviewed.",
                                        "%(num)s check-ins marked as reviewed.", len(done)))


def _participant_of(checkin_id: int) -> int:
    from app.models import Checkin

    return db.session.get(Checkin, checkin_id).participant_id

