"""The Progress page: server-drawn SVG charts with a summary and a data table each."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.models import CheckinSettings, ScaleResponse
from app.progress import charts as progress
from app.scales.registry import PHQ9


def _phq9(db, participant, days_ago: int, total: int, band: str):
    db.session.add(ScaleResponse(
        participant_id=participant.id, scale="phq9", client_uuid=str(uuid.uuid4()),
        content_hash="x" * 64, answers={}, total=total, band=band,
        submitted_at=datetime.now(UTC) - timedelta(days=days_ago)))
    db.session.commit()


def test_progress_draws_mood_anxiety_craving_and_scales(participant_client, db, world,
                                                        make_checkin):
    make_checkin(world.participant_a, 3, mood=2, anxiety=7, craving=4)
    make_checkin(world.participant_a, 2, mood=4, anxiety=3)
    make_checkin(world.participant_a, 2, mood=5)
    _phq9(db, world.participant_a, 5, 14, "moderate")
    html = participant_client.get("/progress").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 5  # mood, anxiety, craving, PHQ-9, GAD-7
    for chart in ("mood", "anxiety", "craving", "phq9", "gad7"):
        assert f'<title id="chart-{chart}-title">' in html
        assert f'<desc id="chart-{chart}-desc">' in html
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in html
    assert "You checked in 3 times, on 2 of the last 14 days." in html
    assert "average 3.7 on a scale of 1 to 5" in html  # (2 + 4 + 5) / 3
    assert "latest 4.5 on" in html  # the day's average
    assert "latest 14 of 27" in html and "in the Moderate band" in html
    assert "<table" in html and "<caption>Mood</caption>" in html
    assert "<polyline" in html and "<circle" in html


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


def test_no_data_says_so_kindly(participant_client):
    html = participant_client.get("/progress").get_data(as_text=True)
    assert "Welcome back whenever you are ready." in html
    assert "Mood: no answers in the last 14 days." in html


def test_chart_geometry_places_days_and_values_inside_the_drawing(world, make_checkin):
    make_checkin(world.participant_a, 0, mood=5)
    make_checkin(world.participant_a, 1, mood=1)
    make_checkin(world.participant_a, 5, mood=3)
    (chart,), counts = progress.item_charts(world.participant_a, ["mood"], 14,
                                            "America/New_York")
    assert [p.value for p in chart.points] == [3, 1, 5]
    assert counts == {"checkins": 3, "days_with_checkin": 3, "days": 14}
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
