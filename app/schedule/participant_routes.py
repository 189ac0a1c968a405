"""Participant pages: one session, notices, attendance history, the calendar link and feed.

Every session is loaded through `get_occurrence_for_participant`, so another person's
session, or a program session on a day the participant was not enrolled, is a 404.
"""

from flask import Response, abort, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.database import utcnow
from app.extensions import db
from app.i18n import locale_for
from app.models import NoticeKind
from app.schedule import attendance, bp, calendar_feed
from app.schedule.forms import CalendarTitlesForm, NoticeForm
from app.schedule.pages import display_zone
from app.schedule.recurrence import ScheduleError
from app.schedule.scope import get_occurrence_for_participant
from app.schedule.service import Occurrence, commit_with_retry, find_occurrence
from app.security.access import Rule, access
from app.templating import render
from app.urls import base_host, external_url

#: What the notice buttons may send; "withdraw" takes a notice back.
NOTICE_CHOICES = {"running_late": NoticeKind.RUNNING_LATE,
                  "cannot_attend": NoticeKind.CANNOT_ATTEND, "withdraw": None}


def _session_link(occurrence: Occurrence) -> str:
    return external_url("schedule.session", series_id=occurrence.series.id,
                        occurrence_key=occurrence.key)


def _session_page(occurrence: Occurrence, form: NoticeForm, status: int = 200, saved=False):
    context = {"occurrence": occurrence, "form": form, "zone": display_zone(current_user),
               "now": utcnow(), "saved": saved,
               "attendance": attendance.own_row(occurrence, current_user.id)}
    return render("schedule/session.html", "schedule/_notice.html", **context), status


@bp.route("/sessions/<int:series_id>/<occurrence_key>")
def session(series_id: int, occurrence_key: str):
    """One session: kind, title, facilitator, place, link, what to bring; tell the team."""
    occurrence = get_occurrence_for_participant(current_user, series_id, occurrence_key)
    return _session_page(occurrence, NoticeForm())


@bp.route("/sessions/<int:series_id>/<occurrence_key>/notice", methods=["POST"])
def notice(series_id: int, occurrence_key: str):
    """"I'm running late" / "I can't make it" (or take it back) until the session starts."""
    occurrence = get_occurrence_for_participant(current_user, series_id, occurrence_key)
    form = NoticeForm()
    choice = request.form.get("notice", "")
    if not form.validate_on_submit():
        return _session_page(occurrence, form, 400)
    if choice not in NOTICE_CHOICES:
        form.form_errors.append(_("Choose “I'm running late” or “I can't make it”."))
        return _session_page(occurrence, form, 400)
    participant = current_user._get_current_object()

    def save() -> Occurrence:
        fresh = find_occurrence(occurrence.series, occurrence.original_start_local)
        attendance.set_notice(fresh, participant, NOTICE_CHOICES[choice], form.reason.data)
        return fresh

    try:
        occurrence = commit_with_retry(save)
    except ScheduleError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _session_page(occurrence, form, 400)
    return _session_page(occurrence, NoticeForm(formdata=None), saved=True)


@bp.route("/sessions/<int:series_id>/<occurrence_key>/calendar.ics")
def session_ics(series_id: int, occurrence_key: str):
    """"Add to calendar": this one session as an .ics file."""
    occurrence = get_occurrence_for_participant(current_user, series_id, occurrence_key)
    body = calendar_feed.calendar([occurrence], calendar_feed.is_discreet(current_user),
                                  _session_link, base_host())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'attachment; filename="trellis-session.ics"'})


@bp.route("/attendance")
def attendance_history():
    """Which past sessions the participant attended, missed or was excused from."""
    entries, counts = attendance.history(current_user)
    return render_template("schedule/attendance.html", entries=entries, counts=counts,
                           zone=display_zone(current_user))


# --- calendar link ---------------------------------------------------------------------------

def _feed_urls(token: str) -> dict:
    https = external_url("schedule.feed", feed_token=token)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _calendar_card(**extra):
    feed = calendar_feed.feed_of(current_user)
    return render("schedule/calendar_link.html", "schedule/_calendar_card.html", feed=feed,
                  titles_form=calendar_titles_form(feed), **extra)


@bp.route("/me/calendar", methods=["POST"])
def calendar_link():
    """Make a calendar link (a new one replaces the old); shown once, never stored."""
    token = calendar_feed.new_link(current_user)
    db.session.commit()
    return _calendar_card(new_link=_feed_urls(token))


@bp.route("/me/calendar/off", methods=["POST"])
def calendar_link_off():
    """Turn the calendar link off: calendars following it stop getting sessions."""
    calendar_feed.turn_off(current_user)
    db.session.commit()
    return _calendar_card(turned_off=True)


@bp.route("/me/calendar/titles", methods=["POST"])
def calendar_titles():
    """Choose discreet ("Trellis session") or full titles for calendar events."""
    form = CalendarTitlesForm()
    form.validate_on_submit()  # a checkbox: always valid once the CSRF check has passed
    calendar_feed.set_discreet(current_user, not form.full_titles.data)
    db.session.commit()
    return _calendar_card(saved=True)


@bp.route("/calendar/<feed_token>.ics")
@access(Rule.PUBLIC)
def feed(feed_token: str):
    """The subscription feed for phone calendars: the token is the only key (404 otherwise)."""
    found = calendar_feed.participant_for_token(feed_token)
    if found is None:
        abort(404)
    participant, settings = found
    with force_locale(locale_for(participant.language)):
        body = calendar_feed.calendar(
            calendar_feed.feed_occurrences(participant), settings.is_discreet, _session_link,
            base_host())
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "no-store, private"})


@bp.app_template_global("calendar_feed_of")
def calendar_feed_of(participant):
    """For the Me page's calendar card: the participant's feed settings, if any."""
    return calendar_feed.feed_of(participant)


@bp.app_template_global("calendar_titles_form")
def calendar_titles_form(feed) -> CalendarTitlesForm:
    """For the Me page's calendar card: the titles preference as it is saved."""
    return CalendarTitlesForm(formdata=None, full_titles=feed is not None and not feed.is_discreet)
