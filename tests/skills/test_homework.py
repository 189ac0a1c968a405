"""Homework: a clinician assigns skills with a target and a due date; progress is the practices
of that skill in the window, counted in the participant's own local days (DST days included)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, SkillHomework
from app.skills import editing, homework, library
from tests.conftest import post_form
from tests.skills.helpers import add_practice, count

NY = ZoneInfo("America/New_York")


def _homework(participant, clinician, key="paced-breathing", target=3, starts_on=None,
              due_on=None, db=None) -> SkillHomework:
    row = SkillHomework(participant_id=participant.id, skill_id=library.get_skill_for_program(
        participant_program(participant), key).skill.id, assigned_by_id=clinician.id,
        target_count=target, starts_on=starts_on, due_on=due_on)
    db.session.add(row)
    db.session.commit()
    return row


def participant_program(participant):
    from app.care.team import care_enrolment

    return care_enrolment(participant).program


def _done(participant, row) -> int:
    return homework.progress_of(participant, [row])[0].done


@pytest.mark.parametrize(("day", "inside", "outside"), [
    # Spring forward, 14 March 2027: the local day is 23 hours long.
    (date(2027, 3, 14),
     [datetime(2027, 3, 14, 0, 0, tzinfo=NY), datetime(2027, 3, 14, 3, 30, tzinfo=NY),
      datetime(2027, 3, 14, 23, 59, tzinfo=NY)],
     [datetime(2027, 3, 13, 23, 59, tzinfo=NY), datetime(2027, 3, 15, 0, 0, tzinfo=NY)]),
    # Fall back, 7 November 2027: 25 hours, and 01:30 happens twice.
    (date(2027, 11, 7),
     [datetime(2027, 11, 7, 0, 0, tzinfo=NY), datetime(2027, 11, 7, 1, 30, tzinfo=NY),
      datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=NY), datetime(2027, 11, 7, 23, 59, tzinfo=NY)],
     [datetime(2027, 11, 6, 23, 59, tzinfo=NY), datetime(2027, 11, 8, 0, 0, tzinfo=NY)]),
])
def test_the_window_is_whole_local_days_on_daylight_saving_days(db, world, day, inside,
                                                                 outside):
    row = _homework(world.participant_a, world.clinician_a, starts_on=day, due_on=day,
                    target=len(inside), db=db)
    for moment in inside + outside:
        add_practice(world.participant_a, "paced-breathing", moment)
    add_practice(world.participant_a, "halt", inside[1])  # another skill never counts
    assert _done(world.participant_a, row) == len(inside)
    assert homework.progress_of(world.participant_a, [row])[0].is_complete
    start, end = homework.window(day, day, "America/New_York")
    assert end - start == timedelta(hours=23 if day.month == 3 else 25)


def test_progress_follows_the_participant_s_own_zone(db, world):
    """The same practices count differently in New York and in Los Angeles: 23:30 on the due
    day in Los Angeles is already the next day in New York."""
    row = _homework(world.participant_a, world.clinician_a, starts_on=date(2027, 3, 8),
                    due_on=date(2027, 3, 12), db=db)
    la = ZoneInfo("America/Los_Angeles")
    add_practice(world.participant_a, "paced-breathing", datetime(2027, 3, 12, 23, 30, tzinfo=la))
    add_practice(world.participant_a, "paced-breathing", datetime(2027, 3, 8, 0, 30, tzinfo=NY))
    assert _done(world.participant_a, row) == 1  # program zone: New York
    world.participant_a.time_zone = "America/Los_Angeles"
    db.session.commit()
    # In Los Angeles the 00:30 New York practice was still 7 March, the 23:30 one counts.
    assert _done(world.participant_a, row) == 1
    add_practice(world.participant_a, "paced-breathing", datetime(2027, 3, 8, 3, 30, tzinfo=NY))
    assert _done(world.participant_a, row) == 2


def test_deleted_practices_and_ended_homework_do_not_count(participant_client, db, world):
    today = homework.local_today(world.participant_a)
    row = _homework(world.participant_a, world.clinician_a, starts_on=today, due_on=today,
                    db=db)
    practice = add_practice(world.participant_a, "paced-breathing", datetime.now(UTC))
    assert _done(world.participant_a, row) == 1
    post_form(participant_client, f"/skills/practices/{practice.id}/delete")
    assert _done(world.participant_a, row) == 0
    homework.end(world.clinician_a, row)
    assert homework.current(world.participant_a) == []


def _assign(client, participant, **data):
    payload = {"skills": ["paced-breathing", "urge-surfing"], "target": "3",
               "due_on": (homework.local_today(participant) + timedelta(days=4)).isoformat(),
               "note": "Before bed works well.", **data}
    return post_form(client, f"/clinician/skills/participants/{participant.id}/homework/new",
                     payload)


def test_a_clinician_assigns_and_today_shows_2_of_3(participant_client, clinician_client, db,
                                                      world):
    response = _assign(clinician_client, world.participant_a)
    assert response.status_code == 302
    rows = db.session.scalars(sa.select(SkillHomework).order_by(SkillHomework.id)).all()
    assert [(r.skill.key, r.target_count, r.assigned_by_id) for r in rows] == [
        ("paced-breathing", 3, world.clinician_a.id), ("urge-surfing", 3, world.clinician_a.id)]
    assert rows[0].starts_on == homework.local_today(world.participant_a)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.target.like("skill_homework:%"))) == 2
    for _n in range(2):
        add_practice(world.participant_a, "paced-breathing", datetime.now(UTC))
    today = participant_client.get("/today").get_data(as_text=True)
    assert "2 of 3" in today and "0 of 3" in today and "Before bed works well." in today
    assert "Log a practice" in today
    for _n in range(1):
        add_practice(world.participant_a, "paced-breathing", datetime.now(UTC))
    assert "Done: 3 of 3" in participant_client.get("/today").get_data(as_text=True)
    staff_page = clinician_client.get(f"/clinician/participants/{world.participant_a.id}")
    text = staff_page.get_data(as_text=True)
    assert "Done: 3 of 3" in text and "0 of 3" in text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"target": "0"}, "target", "Set a target from 1 to 50 times."),
    ({"target": "three"}, "target", "whole number"),
    ({"due_on": "2020-01-01"}, "due_on", "The due date has passed"),
    ({"due_on": "next friday"}, "due_on", "Enter the due date"),
    ({"skills": []}, "skills", "Choose at least one skill."),
    ({"skills": ["halt", "no-such-skill"]}, "skills", "hidden or no longer there"),
    ({"note": "x" * 1001}, "note", "1,000 characters"),
])
def test_bad_homework_is_refused_next_to_its_field_and_nothing_is_saved(
        clinician_client, db, world, data, field, message):
    response = _assign(clinician_client, world.participant_a, **data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    if field != "note":
        assert "Before bed works well." in page  # what was typed stays
    assert count(SkillHomework) == 0


def test_a_hidden_skill_cannot_be_assigned(clinician_client, db, world):
    editing.set_hidden(world.clinician_a, world.iop,
                       library.get_skill_for_program(world.iop, "urge-surfing"), True)
    page = clinician_client.get(
        f"/clinician/skills/participants/{world.participant_a.id}/homework/new")
    assert "Urge surfing" not in page.get_data(as_text=True)
    assert _assign(clinician_client, world.participant_a).status_code == 400
    assert count(SkillHomework) == 0


def test_a_clinician_outside_the_program_gets_404(app, db, world, login_as, clinician_client):
    other = app.test_client()
    login_as(world.clinician_b, on=other)
    assert other.get(f"/clinician/skills/participants/{world.participant_a.id}/homework/new"
                     ).status_code == 404
    assert _assign(other, world.participant_a).status_code == 404
    _assign(clinician_client, world.participant_a)
    row = db.session.scalar(sa.select(SkillHomework))
    assert post_form(other, f"/clinician/skills/homework/{row.id}/end").status_code == 404
    db.session.refresh(row)
    assert row.ended_at is None
    assert post_form(clinician_client, f"/clinician/skills/homework/{row.id}/end"
                     ).status_code == 302
    db.session.refresh(row)
    assert row.ended_at is not None and row.ended_by_id == world.clinician_a.id


def test_homework_is_assigned_only_while_the_participant_is_enrolled(clinician_client, db,
                                                                      world):
    from app.care.team import care_enrolment
    from app.models import EnrolmentStatus

    enrolment = care_enrolment(world.participant_a)
    enrolment.status = EnrolmentStatus.DISCHARGED  # discharged today: read-only handover
    enrolment.end_date = date.today()
    db.session.commit()
    assert _assign(clinician_client, world.participant_a).status_code == 404
    page = clinician_client.get(f"/clinician/participants/{world.participant_a.id}")
    assert page.status_code == 200 and "Assign homework" not in page.get_data(as_text=True)


def test_the_participant_sees_only_their_own_homework(app, db, world, login_as):
    today = homework.local_today(world.participant_b)
    _homework(world.participant_b, world.clinician_b, key="halt", starts_on=today,
              due_on=today, db=db)
    client = app.test_client()
    login_as(world.participant_a, on=client)
    assert "HALT check" not in client.get("/today").get_data(as_text=True)
    assert "HALT check" not in client.get("/skills").get_data(as_text=True).split(
        'id="skill-list"')[0]
