"""The Progress page: server-drawn SVG charts with a summary and a data table each."""

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import Checkin, CheckinSettings, ScaleResponse
from app.progress import charts as progress
from app.scales.registry import PHQ9


def _phq9(db, participant, days_ago: int, total: int, band: str):
    db.session.add(ScaleResponse(
        participant_id=participant.id, scale="phq9", client_uuid=str(uuid.uuid4()),
        content_hash="x" * 64, answers={}, total=total, band=band,
        submitted_at=datetime.now(UTC) - timedelta(days=days_ago)))
    db.session.commit()


NY = ZoneInfo("America/New_York")


def _local(days_ago: int, hour: int) -> datetime:
    """A New York wall-clock time `days_ago` days back (the demo programs' zone)."""
    day = datetime.now(NY).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=NY).astimezone(UTC)


def _checkin_at(db, participant, at: datetime, **answers) -> None:
    db.session.add(Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                           content_hash="0" * 64, occurred_at=at, received_at=at,
                           feelings=[], **answers))
    db.session.commit()


def test_progress_draws_mood_anxiety_craving_and_scales(participant_client, db, world):
    _checkin_at(db, world.participant_a, _local(3, 9), mood=2, anxiety=7, craving=4)
    _checkin_at(db, world.participant_a, _local(2, 9), mood=4, anxiety=3)
    _checkin_at(db, world.participant_a, _local(2, 18), mood=5)
    _phq9(db, world.participant_a, 5, 14, "moderate")
    html = participant_client.get("/progress").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 5  # mood, anxiety, craving, PHQ-9, GAD-7
    for chart in ("mood", "anxiety", "craving", "phq9", "gad7"):
        assert f'<title id="chart-{chart}-title">' in html
        assert f'<desc id="chart-{chart}-desc">' in html
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in html
    assert "You checked in 3 times. Days with a check-in: 2 of 14." in html
    assert "Mood: 3 answers. Answered on 2 days." in html
    assert "Average of all answers 3.7, on a scale of 1 to 5." in html  # (2 + 4 + 5) / 3
    assert "Latest 5 on" in html  # the last answer itself, not the day's average
    assert "Craving or urge to use: 1 answer. Answered on 1 day." in html
    assert "Latest 14 of 27" in html and "in the Moderate band" in html
    assert "<table" in html and "<caption>Mood</caption>" in html
    assert "<polyline" in html and "<circle" in html


def test_a_hard_moment_is_not_averaged_away(participant_client, db, world):
    """A day with moods 1 and 4: both are drawn, the line goes through 1, "lowest" is 1."""
    _checkin_at(db, world.participant_a, _local(1, 8), mood=1, anxiety=9)
    _checkin_at(db, world.participant_a, _local(1, 20), mood=4, anxiety=2)
    (mood, anxiety), _counts = progress.item_charts(world.participant_a, ["mood", "anxiety"],
                                                    14, "America/New_York")
    assert [p.value for p in mood.points] == [1, 4]
    assert [p.value for p in mood.day_marks] == [1]  # the day's lowest mood
    assert [p.value for p in anxiety.day_marks] == [9]  # the day's highest anxiety
    assert mood.lowest.value == 1 and mood.highest.value == 4 and mood.latest.value == 4
    assert mood.points[0].x < mood.points[1].x  # morning before evening, within the day
    html = participant_client.get("/progress").get_data(as_text=True)
    assert "Mood: 2 answers. Answered on 1 day. Lowest 1 on" in html
    assert "Latest 4 on" in html and "Lowest 2.5" not in html and "Latest 2.5" not in html
    assert "The line joins each day&#39;s lowest answer." in html
    table = html[html.index("<caption>Mood</caption>"):]
    table = table[:table.index("</table>")]
    assert table.count("<tr><th scope=\"row\">") == 2  # one row per answer


def test_each_range_is_offered_and_others_fall_back_to_14_days(participant_client):
    for days in (14, 30, 90):
        html = participant_client.get(f"/progress?days={days}").get_data(as_text=True)
        assert f'href="/progress?days={days}" aria-current="page"' in html
    html = participant_client.get("/progress?days=1000").get_data(as_text=True)
    assert 'href="/progress?days=14" aria-current="page"' in html


def test_a_hidden_item_is_not_charted(participant_client, db, world):
    db.session.add(CheckinSettings(program_id=world.iop.id, hidden_items=["craving"],
                                   scales={"gad7": {"enabled": False, "cadence_days": 7}}))
    db.session.commit()
    html = participant_client.get("/progress").get_data(as_text=True)
    assert "chart-craving" not in html and "chart-gad7" not in html and "chart-mood" in html


def test_a_newcomer_is_invited_to_a_first_check_in_not_welcomed_back(participant_client):
    html = participant_client.get("/progress").get_data(as_text=True)
    assert "Welcome back" not in html
    assert "Make your first check-in" in html
    assert "Mood: no answers in the last 14 days." in html


def test_someone_who_checked_in_before_is_welcomed_back(participant_client, db, world):
    _checkin_at(db, world.participant_a, _local(40, 12), mood=3)
    html = participant_client.get("/progress").get_data(as_text=True)
    assert "No check-ins in the last 14 days. Welcome back whenever you are ready." in html
    assert "Make your first check-in" not in html


def test_chart_geometry_places_days_and_values_inside_the_drawing(world, make_checkin):
    make_checkin(world.participant_a, 0, mood=5)
    make_checkin(world.participant_a, 1, mood=1)
    make_checkin(world.participant_a, 5, mood=3)
    (chart,), counts = progress.item_charts(world.participant_a, ["mood"], 14,
                                            "America/New_York")
    assert [p.value for p in chart.points] == [3, 1, 5]
    assert counts == {"checkins": 3, "days_with_checkin": 3, "days": 14, "ever": True}
    top, bottom = progress.TOP, progress.HEIGHT - progress.BOTTOM
    assert [p.y for p in chart.points] == [
        round(top + (5 - v) / 4 * (bottom - top), 1) for v in (3, 1, 5)]
    assert all(progress.LEFT < p.x < progress.WIDTH - progress.RIGHT for p in chart.points)
    assert chart.points[0].x < chart.points[1].x < chart.points[2].x
    assert len(chart.lines) == 1  # the last two days are consecutive; day -5 stands alone


def test_scale_bands_are_stacked_from_the_registry(world, db):
    chart = progress.scale_chart(world.participant_a, PHQ9, 30, "America/New_York")
    assert [b.label for b in chart.bands] == [str(b.label) for b in PHQ9.bands]
    heights = sum(b.height for b in chart.bands)
    assert heights == pytest.approx(progress.HEIGHT - progress.TOP - progress.BOTTOM, abs=0.5)


def test_the_charts_hold_no_user_markup(participant_client, world, make_checkin):
    make_checkin(world.participant_a, 1, mood=3, note="<svg onload=alert(1)>")
    html = participant_client.get("/progress").get_data(as_text=True)
    assert "onload" not in html
    assert not re.search(r"<script(?![^>]*src=)", html)
