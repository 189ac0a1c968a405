"""Per-program check-in settings (admin), and when a scale is due (Today says so)."""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.checkins import settings as checkin_settings
from app.models import CheckinSettings, ScaleResponse
from app.scales import service as scale_responses
from app.scales.registry import PHQ9
from tests.conftest import post_form
from tests.scales.helpers import phq9_answers


def _settings_form(**overrides) -> dict:
    data = {"items": ["feelings", "anxiety", "sleep_hours", "self_harm_urge", "note"],
            "phq9_enabled": "y", "phq9_cadence": "7", "gad7_cadence": "14",
            "pcl5_enabled": "y", "pcl5_cadence": "28"}
    data.update(overrides)
    return data


def test_by_default_every_item_is_on_with_phq9_and_gad7_weekly(world):
    settings = checkin_settings.for_program(world.iop)
    assert settings.visible_items[0] == "mood" and "craving" in settings.visible_items
    assert {k: (s.enabled, s.cadence_days) for k, s in settings.scales.items()} == {
        "phq9": (True, 7), "gad7": (True, 7), "pcl5": (False, 14)}


def test_an_admin_chooses_a_program_s_items_and_scales(app, world, login_as, db):
    client = app.test_client()
    login_as(world.admin, on=client)
    url = f"/admin/programs/{world.php.id}/checkin-items"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input checked id="items-\d+" name="items" type="checkbox" '
                     r'value="craving">', page)
    assert client.get("/admin/programs").get_data(as_text=True).count("checkin-items") == 2
    response = post_form(client, url, _settings_form())
    assert response.status_code == 302
    row = db.session.get(CheckinSettings, world.php.id)
    assert sorted(row.hidden_items) == ["craving", "took_medications", "used_substances"]
    settings = checkin_settings.for_program(world.php)
    assert not settings.shows("craving") and settings.shows("mood")
    assert settings.shows("safety_thoughts")
    assert (settings.scales["gad7"].enabled, settings.scales["gad7"].cadence_days) == (False, 14)
    assert (settings.scales["pcl5"].enabled, settings.scales["pcl5"].cadence_days) == (True, 28)


def test_a_cadence_outside_1_to_90_days_is_refused(app, world, login_as, db):
    client = app.test_client()
    login_as(world.admin, on=client)
    response = post_form(client, f"/admin/programs/{world.php.id}/checkin-items",
                         _settings_form(phq9_cadence="0", gad7_cadence="abc"))
    assert response.status_code == 400
    assert "from 1 to 90" in response.get_data(as_text=True)
    assert db.session.get(CheckinSettings, world.php.id) is None


def test_mood_and_the_safety_question_cannot_be_switched_off(world, db):
    checkin_settings.save(world.iop, set(), {}, world.admin)
    db.session.commit()
    settings = checkin_settings.for_program(world.iop)
    assert settings.visible_items == ("mood", "safety_thoughts")


def test_today_says_when_a_questionnaire_is_due(participant_client, db, world):
    html = participant_client.get("/today").get_data(as_text=True)
    assert "Mood questionnaire (PHQ-9) is due" in html
    assert "Anxiety questionnaire (GAD-7) is due" in html
    assert "Stress questionnaire (PCL-5) is due" not in html
    post_form(participant_client, "/checkin/scales/phq9", phq9_answers(q1=1))
    html = participant_client.get("/today").get_data(as_text=True)
    assert "Mood questionnaire (PHQ-9) is due" not in html
    assert "Anxiety questionnaire (GAD-7) is due" in html


def test_a_scale_is_due_again_after_its_cadence(participant_client, db, world):
    post_form(participant_client, "/checkin/scales/phq9", phq9_answers())
    row = db.session.scalar(sa.select(ScaleResponse))
    status = {s.scale.key: s for s in scale_responses.scale_statuses(world.participant_a)}
    assert not status["phq9"].is_due
    now = datetime.now(UTC)
    later = scale_responses.scale_statuses(world.participant_a, now + timedelta(days=7))
    assert {s.scale.key: s.is_due for s in later}["phq9"]
    row.submitted_at = now - timedelta(days=8)
    db.session.commit()
    today = participant_client.get("/today").get_data(as_text=True)
    assert "Mood questionnaire (PHQ-9) is due" in today


def test_a_scale_the_program_does_not_ask_is_a_404(participant_client):
    assert participant_client.get("/checkin/scales/pcl5").status_code == 404
    assert participant_client.get("/checkin/scales/cssrs").status_code == 404
    assert participant_client.get("/checkin/scales/phq9").status_code == 200


def test_the_scale_form_keeps_answers_and_names_the_missing_item(participant_client, db):
    answers = phq9_answers(q3=2)
    del answers["q5"]
    response = post_form(participant_client, "/checkin/scales/phq9", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Question 5</a>: Answer this question." in html
    assert 'name="q3" value="2" checked' in html
    assert db.session.scalar(sa.select(ScaleResponse)) is None


def test_the_scale_page_shows_the_published_text_and_copyright(participant_client):
    html = participant_client.get("/checkin/scales/phq9").get_data(as_text=True)
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "Developed by Drs. Robert L. Spitzer" in html
    assert "More than half the days" in html


def test_history_flags_a_change_of_5_or_more_on_phq9(participant_client, db, world):
    for q2, q3 in ((0, 0), (3, 3), (3, 2)):
        post_form(participant_client, "/checkin/scales/phq9", phq9_answers(q2=q2, q3=q3))
    rows = scale_responses.history(world.participant_a.id, PHQ9)
    assert [(r.change, r.meaningful) for r in rows] == [(-1, False), (6, True), (None, False)]
    html = participant_client.get("/checkin/scales/phq9/history").get_data(as_text=True)
    assert html.count('class="row--flagged"') == 1
    assert "+6" in html and "-1" in html and "Change of 5 or more" in html
