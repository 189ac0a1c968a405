"""Sessions a person may see: a program's series for its staff, a participant's own sessions.

What is not theirs is a 404.
"""

from flask import abort

from app.care.scope import care_access, programs_for_staff, works_in
from app.extensions import db
from app.models import SessionSeries, User
from app.schedule.service import Occurrence, belongs_to, find_occurrence, parse_key


def get_series_for_staff(staff: User, series_id: int, for_writing: bool = False
                         ) -> SessionSeries:
    """A session series of one of the staff member's programs, or 404.

    A program's group sessions are administrative; an appointment with one participant says
    something about that person, so only staff working in the program see it, while the
    participant is enrolled there or in the handover after (`app.care.scope`); changing it
    (`for_writing`) needs the participant to be enrolled there now.
    """
    series = db.session.get(SessionSeries, series_id)
    if series is None or series.program not in programs_for_staff(staff):
        abort(404)
    if series.participant_id is not None:
        periods = [p for p in care_access(staff, series.participant_id).periods
                   if p.program_id == series.program_id]
        allowed = any(p.is_current for p in periods) if for_writing else bool(periods)
        if not works_in(staff, series.program_id) or not allowed:
            abort(404)
    return series


def get_occurrence_for_staff(
    staff: User, series_id: int, key: str, clinical: bool = False, for_writing: bool = False
) -> Occurrence:
    """An occurrence (series id + original local start) in the staff member's programs, or 404.

    `clinical` (rosters, attendance) also needs the staff member to work in the program;
    `for_writing` (cancel, move) is passed on to `get_series_for_staff`.
    """
    series = get_series_for_staff(staff, series_id, for_writing=for_writing)
    if clinical and not works_in(staff, series.program_id):
        abort(404)
    start = parse_key(key)
    occurrence = find_occurrence(series, start) if start else None
    if occurrence is None:
        abort(404)
    return occurrence


def get_occurrence_for_participant(participant: User, series_id: int, key: str) -> Occurrence:
    """One of the participant's own sessions, or 404 (another's, or one not on their days)."""
    series = db.session.get(SessionSeries, series_id)
    start = parse_key(key)
    occurrence = find_occurrence(series, start) if series and start else None
    if occurrence is None or not belongs_to(occurrence, participant.id):
        abort(404)
    return occurrence
