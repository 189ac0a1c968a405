"""What helps, against an example worked out by hand."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.skills import insights
from tests.skills.helpers import add_practice

NY = ZoneInfo("America/New_York")

#: Participant A's practices: (skill, distress before, after, helpful).
EXAMPLE = (
    # Paced breathing: eight rated practices, changes -4 -3 -2 -3 -5 -1 -3 -3 (sum -24, mean
    # -3), and one with only an "after" (kept, not in the change): 9 practices. Helpful 5 4 4 3
    # (mean 4).
    [("paced-breathing", b, a, h) for b, a, h in (
        (8, 4, 5), (7, 4, 4), (6, 4, 4), (7, 4, 3), (9, 4, None), (5, 4, None), (6, 3, None),
        (8, 5, None))] + [("paced-breathing", None, 2, None)]
    # Urge surfing: -1 -2 -2, mean -5/3 = -1.67, shown as 1.7.
    + [("urge-surfing", b, a, None) for b, a in ((6, 5), (7, 5), (4, 2))]
    # Grounding: +1 and 0, mean +0.5.
    + [("grounding-54321", 4, 5, 2), ("grounding-54321", 6, 6, None)]
    # HALT: once, no ratings.
    + [("halt", None, None, None)]
)


@pytest.fixture
def example(db, world):
    start = datetime.now(UTC) - timedelta(days=5)  # within the enrolment (staff see its records)
    for n, (key, before, after, helpful) in enumerate(EXAMPLE):
        add_practice(world.participant_a, key, start + timedelta(hours=n), before=before,
                     after=after, helpful=helpful)
    # Not counted: another person's practice, and a deleted one.
    add_practice(world.participant_b, "halt", start, before=9, after=0)
    add_practice(world.participant_a, "halt", start, before=9, after=0,
                 deleted_at=datetime.now(UTC))


def test_the_figures_match_the_hand_worked_example(example, world):
    rows = insights.for_participant(world.participant_a)
    figures = [(i.name, i.count, i.rated, None if i.average_change is None
                else round(i.average_change, 4), i.helpful_count, i.average_helpful)
               for i in rows]
    assert figures == [
        ("Paced breathing", 9, 8, -3.0, 4, 4.0),
        ("Urge surfing", 3, 3, round(-5 / 3, 4), 0, None),
        ("5-4-3-2-1 grounding", 2, 2, 0.5, 1, 2.0),
        ("HALT check", 1, 0, None, 0, None),
    ]


def test_the_sentences_say_it_plainly(example, world, app):
    with app.test_request_context():
        lines = [insights.summary_line(i) for i in insights.for_participant(world.participant_a)]
    assert lines == [
        "Paced breathing: distress down 3 points on average, 8 times",
        "Urge surfing: distress down 1.7 points on average, 3 times",
        "5-4-3-2-1 grounding: distress up 0.5 points on average, 2 times",
        "HALT check: 1 time",
    ]


def test_the_participant_s_page_shows_them(example, participant_client):
    page = participant_client.get("/skills/what-helps").get_data(as_text=True)
    assert "Paced breathing: distress down 3 points on average, 8 times" in page
    assert "Practised 9 times in all · Helpful: 4 of 5 on average" in page
    assert page.index("Paced breathing:") < page.index("Urge surfing:") \
        < page.index("HALT check:")


def test_one_point_is_singular_and_no_change_is_said_as_such(db, world, app):
    for before, after in ((5, 4), (3, 3)):
        add_practice(world.participant_a, "halt", datetime.now(UTC), before=before, after=after)
    add_practice(world.participant_a, "stop", datetime.now(UTC), before=3, after=3)
    with app.test_request_context():
        lines = {i.name: insights.summary_line(i)
                 for i in insights.for_participant(world.participant_a)}
    assert lines["HALT check"] == "HALT check: distress down 0.5 points on average, 2 times"
    assert lines["STOP"] == "STOP: no change in distress on average, 1 time"
    add_practice(world.participant_a, "stop", datetime.now(UTC), before=4, after=2)
    with app.test_request_context():
        stop = next(i for i in insights.for_participant(world.participant_a) if i.name == "STOP")
        assert insights.change_text(stop) == "distress down 1 point on average"


def test_the_weekly_count_runs_monday_to_sunday_in_local_time(db, world):
    now = datetime(2027, 3, 17, 12, 0, tzinfo=NY)  # a Wednesday
    for moment in (datetime(2027, 3, 15, 0, 10, tzinfo=NY),  # this week
                   datetime(2027, 3, 14, 23, 50, tzinfo=NY),  # Sunday (spring forward): last
                   datetime(2027, 3, 8, 9, 0, tzinfo=NY),
                   datetime(2027, 3, 1, 9, 0, tzinfo=NY)):
        add_practice(world.participant_a, "halt", moment)
    weeks = insights.weekly_counts(world.participant_a, "America/New_York", now=now)
    assert weeks == [(date(2027, 3, 15), 1), (date(2027, 3, 8), 2), (date(2027, 3, 1), 1)]
    add_practice(world.participant_a, "halt", datetime(2027, 2, 9, 9, 0, tzinfo=NY))
    weeks = insights.weekly_counts(world.participant_a, "America/New_York", now=now)
    assert len(weeks) == insights.WEEKS
    assert weeks[3:] == [(date(2027, 2, 22), 0), (date(2027, 2, 15), 0), (date(2027, 2, 8), 1)]
    assert insights.weekly_counts(world.participant_b, "America/New_York", now=now) == [
        (date(2027, 3, 15), 0)]


def test_the_weekly_words_never_scold(participant_client, db, world):
    page = participant_client.get("/skills/what-helps").get_data(as_text=True)
    assert "Nothing logged this week yet. Whenever you are ready, a few minutes is enough." \
        in page
    for word in ("streak", "missed", "failed", "behind"):
        assert word not in page.lower()
    add_practice(world.participant_a, "halt", datetime.now(UTC))
    page = participant_client.get("/skills/what-helps").get_data(as_text=True)
    assert "You practised 1 time this week." in page


def test_a_program_sees_which_skills_are_practised_and_rated_helpful(
        db, world, make_participant, clinician_client, app, login_as):
    other = make_participant(world.iop, world.clinician_a)
    now = datetime.now(UTC)
    add_practice(world.participant_a, "paced-breathing", now, before=8, after=4, helpful=5)
    add_practice(world.participant_a, "paced-breathing", now, before=6, after=4, helpful=4)
    add_practice(other, "paced-breathing", now, before=5, after=5, helpful=3)
    add_practice(other, "halt", now)
    add_practice(world.participant_b, "paced-breathing", now, before=9, after=1)  # South PHP
    add_practice(other, "halt", now - timedelta(days=40))  # outside the last 30 days
    rows = insights.for_program(world.iop.id, now - timedelta(days=30))
    assert [(i.name, i.count, i.participants, i.rated, round(i.average_change, 2),
             i.average_helpful) for i in rows if i.average_change is not None] == [
        ("Paced breathing", 3, 2, 3, -2.0, 4.0)]
    assert [(i.name, i.count, i.participants) for i in rows][1] == ("HALT check", 1, 1)
    page = clinician_client.get(f"/clinician/skills/programs/{world.iop.id}/what-helps")
    text = page.get_data(as_text=True)
    assert "-2.0" in text and "4.0" in text and other.display_name not in text
    longer = insights.for_program(world.iop.id, now - timedelta(days=90))
    assert [(i.name, i.count) for i in longer][1] == ("HALT check", 2)
    assert clinician_client.get(f"/clinician/skills/programs/{world.iop.id}/what-helps?days=90"
                                ).status_code == 200
    outsider = app.test_client()
    login_as(world.clinician_b, on=outsider)
    assert outsider.get(f"/clinician/skills/programs/{world.iop.id}/what-helps"
                        ).status_code == 404


def test_the_clinician_sees_one_participant_s_figures_on_their_page(example, clinician_client,
                                                                    world):
    page = clinician_client.get(f"/clinician/participants/{world.participant_a.id}")
    text = page.get_data(as_text=True)
    assert "Coping skills" in text and "-3.0" in text and "8 rated practices" in text
