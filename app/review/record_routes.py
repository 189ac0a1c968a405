"""A participant's record for staff, and what staff write on it: notes, messages, contact.

Reading is audited (one event per opening); a participant outside the staff member's programs
is a 404 and an audit event of the attempt. Writing needs a current enrolment in one of the
staff member's programs (`for_writing`).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import reset
from app.care import scope
from app.care.staff_view import care_history
from app.checkins.items import MOOD_LABELS
from app.database import utcnow
from app.extensions import db
from app.medications import review as medication_review
from app.participant.forms import ContactForm
from app.progress import summaries
from app.review import bp, notes, record
from app.review.alerts import history_for_staff
from app.review.forms import MessageForm, NoteForm
from app.review.queue import counts_by_participant
from app.safety import alerts as safety
from app.safety import plans as safety_plans
from app.security import audit
from app.security.audit import Action
from app.skills import pages as skills_pages


def _record_page(person, status=200, note_form=None, message_form=None, contact_form=None):
    now = utcnow()
    access = scope.care_access(current_user, person.id)
    zone = record.zone_of(person)
    span = record.record_range(request.args.get("range", ""), person, current_user, zone, now)
    view = "table" if request.args.get("view") == "table" else "timeline"
    item_charts, scale_charts, counts = record.charts(person, access, span, zone, now)
    open_cards = [c for c in safety.open_groups_for_staff(current_user)
                  if c.participant.id == person.id]
    history = care_history(current_user, person)
    page = render_template(
        "review/participant.html", person=person, access=access, zone=zone, span=span,
        ranges=record.RANGES, range_labels=record.RANGE_LABELS, view=view, now=now,
        charts=item_charts, scale_charts=scale_charts, counts=counts, mood_labels=MOOD_LABELS,
        legend=summaries.line_legend,
        hits=record.flags_for(current_user, person, now),
        entries=record.timeline_for(current_user, person, access, span, zone),
        written=record.written_for(current_user, person, access, zone, now),
        score_histories=record.score_histories(person, access),
        alert_cards=open_cards,
        past_alerts=history_for_staff(current_user, participant_id=person.id, limit=50),
        plan=safety_plans.plan_for(person), plan_sections=safety_plans.SECTIONS,
        enrolments=history.enrolments, transitions=history.transitions, grants=history.grants,
        **skills_pages.staff_participant_context(current_user, person),
        medications=medication_review.record_for(current_user, person),
        can_reset_password=reset.may_reset(current_user, person),
        unreviewed=counts_by_participant(current_user, [person.id], now).get(person.id, 0),
        note_form=note_form or NoteForm(prefix="note", formdata=None),
        message_form=message_form or MessageForm(prefix="message", formdata=None),
        contact_form=contact_form or ContactForm(prefix="contact", obj=person, formdata=None))
    return page, status


@bp.route("/participants/<int:participant_id>")
def participant(participant_id: int):
    """One participant: flags, alerts, trends, timeline, notes and messages, safety plan,
    enrolment history."""
    person = scope.get_participant_or_audited_404(current_user, participant_id)
    page = _record_page(person)
    audit.record_view(person)  # after rendering: committing first would expire its objects
    return page


@bp.route("/participants/<int:participant_id>/notes", methods=["POST"])
def add_note(participant_id: int):
    """A private clinical note."""
    person = scope.get_participant_or_audited_404(current_user, participant_id,
                                                  for_writing=True)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _record_page(person, 400, note_form=form)
    note = notes.add_note(current_user, person, form.body.data)
    db.session.flush()
    audit.record(Action.PARTICIPANT_EDIT, subject=person, target=f"clinical_note:{note.id}")
    db.session.commit()
    flash(_("Note saved. Only the care team sees it."), "success")
    return redirect(url_for("review.participant", participant_id=person.id) + "#notes")


@bp.route("/participants/<int:participant_id>/messages", methods=["POST"])
def send_message(participant_id: int):
    """A message the participant sees in Trellis."""
    person = scope.get_participant_or_audited_404(current_user, participant_id,
                                                  for_writing=True)
    form = MessageForm(prefix="message")
    if not form.validate_on_submit():
        return _record_page(person, 400, message_form=form)
    message = notes.send_message(current_user, person, form.body.data)
    db.session.flush()
    audit.record(Action.PARTICIPANT_EDIT, subject=person, target=f"care_message:{message.id}")
    db.session.commit()
    flash(_("Message sent. They see it next time they open Trellis."), "success")
    return redirect(url_for("review.participant", participant_id=person.id) + "#notes")


@bp.route("/participants/<int:participant_id>/contact", methods=["POST"])
def edit_contact(participant_id: int):
    """The participant's phone number and emergency contact."""
    person = scope.get_participant_or_audited_404(current_user, participant_id,
                                                  for_writing=True)
    form = ContactForm(prefix="contact")
    if not form.validate_on_submit():
        return _record_page(person, 400, contact_form=form)
    form.apply_to(person)
    audit.record(Action.PARTICIPANT_EDIT, subject=person, target="contact")
    db.session.commit()
    flash(_("Contact details saved."), "success")
    return redirect(url_for("review.participant", participant_id=person.id) + "#contact")
