"""Safety alerts: waiting time, order, one card per answer, acknowledging with what was done
(in place, with the counts), and past alerts per program and participant."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from app.models import SafetyAlert
from tests.checkins.helpers import checkin_form
from tests.conftest import post_form
from tests.review.conftest import text_of


def _cards(html: str) -> list[str]:
    return re.findall(r'id="alert-(\d+)-heading"', html)


def test_open_alerts_show_how_long_they_waited_riskiest_then_newest_first(
        app, world, make_participant, make_alert, login_as):
    old = make_participant(world.iop, world.clinician_a, display_name="Old")
    new = make_participant(world.iop, world.clinician_a, display_name="New")
    risky = make_participant(world.iop, world.clinician_a, display_name="Risky")
    first = make_alert(old, world.iop, hours_ago=26)
    second = make_alert(new, world.iop, hours_ago=2)
    riskiest = make_alert(risky, world.iop, hours_ago=30, triggers=[
        {"code": "safety_question", "value": True}, {"code": "self_harm_urge_top", "value": 5}])
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = client.get("/clinician/alerts")
    assert _cards(response.get_data(as_text=True)) == [str(riskiest.id), str(second.id),
                                                       str(first.id)]
    text = text_of(response)
    assert "waiting 26 h" in text and "waiting 2 h" in text and "waiting 30 h" in text


def test_two_alerts_from_one_check_in_are_one_card_and_one_acknowledgement(
        app, world, make_checkin, make_alert, login_as, db):
    checkin = make_checkin(world.participant_a, mood=1, safety_thoughts=True)
    one = make_alert(world.participant_a, world.iop, hours_ago=3, checkin=checkin)
    two = make_alert(world.participant_a, world.iop, hours_ago=1, checkin=checkin,
                     triggers=[{"code": "self_harm_urge_top", "value": 5}])
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    html = client.get("/clinician/alerts").get_data(as_text=True)
    assert _cards(html) == [str(two.id)]
    assert "Answered yes to the safety question" in html and "Urge to self-harm" in html
    assert re.search(r'class="badge badge--crisis open-alert-count">1<', html)
    response = post_form(client, f"/clinician/alerts/{one.id}", {
        f"alert-{two.id}-actions": ["called", "plan_reviewed"]})
    assert response.status_code == 302
    for alert in (one, two):
        db.session.refresh(alert)
        assert alert.acknowledged_by_id == world.clinician_a.id
        assert alert.acknowledged_actions == ["called", "plan_reviewed"]


def test_acknowledging_needs_what_was_done_and_other_needs_words(app, world, make_alert,
                                                                  login_as, db):
    alert = make_alert(world.participant_a, world.iop)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    url, prefix = f"/clinician/alerts/{alert.id}", f"alert-{alert.id}-"
    nothing = post_form(client, url, {})
    assert nothing.status_code == 400 and "Say what was done" in nothing.get_data(as_text=True)
    other = post_form(client, url, {prefix + "actions": "other", prefix + "action_taken": " "})
    assert other.status_code == 400 and "Say what “Other” was." in other.get_data(as_text=True)
    forged = post_form(client, url, {prefix + "actions": "deleted_it"})
    assert forged.status_code == 400
    db.session.refresh(alert)
    assert alert.is_open
    done = post_form(client, url, {prefix + "actions": ["emergency", "other"],
                                   prefix + "action_taken": "Mobile crisis team sent."})
    assert done.status_code == 302
    db.session.refresh(alert)
    assert alert.acknowledged_actions == ["emergency", "other"]
    assert alert.action_taken == "Mobile crisis team sent."
    page = text_of(client.get(url))
    assert "Emergency services" in page and "Mobile crisis team sent." in page


def test_acknowledging_over_htmx_updates_the_counts_in_place(app, world, make_participant,
                                                             make_alert, login_as):
    other = make_participant(world.iop, world.clinician_a)
    alert = make_alert(world.participant_a, world.iop)
    make_alert(other, world.iop)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = post_form(client, f"/clinician/alerts/{alert.id}",
                         {f"alert-{alert.id}-actions": "called"},
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="alert-{alert.id}"' in html and "Acknowledged by Clinician A" in html
    assert '<span hx-swap-oob="innerHTML:.open-alert-count">1</span>' in html
    assert 'id="alert-banner"' in html and "1 open safety alert" in html
    # Every staff page carries the elements the swap targets.
    page = client.get("/clinician/invites").get_data(as_text=True)
    assert 'open-alert-count">1<' in page and 'id="alert-banner"' in page


def test_past_alerts_per_program_and_per_participant(app, world, make_alert, login_as, db):
    done = make_alert(world.participant_a, world.iop, hours_ago=50)
    done.acknowledged_at = datetime.now(UTC)
    done.acknowledged_by_id = world.clinician_a.id
    done.acknowledged_actions = ["called"]
    db.session.commit()
    make_alert(world.participant_b, world.php)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    listing = client.get(f"/clinician/alerts/history?program={world.iop.id}")
    assert listing.status_code == 200
    text = text_of(listing)
    assert "Participant A" in text and "Called the participant" in text
    assert "Participant B" not in text
    assert client.get(f"/clinician/alerts/history?program={world.php.id}").status_code == 404
    record = text_of(client.get(f"/clinician/participants/{world.participant_a.id}"))
    assert "Past safety alerts" in record and "Called the participant" in record
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SafetyAlert)) == 2


def test_a_real_check_in_alert_reaches_the_caseload_and_the_alerts_page(
        participant_client, clinician_client):
    checkin_form(participant_client, {"safety_thoughts": "yes", "mood": "1"})
    caseload = text_of(clinician_client.get("/clinician/"))
    assert "Open safety alert" in caseload and "1 open alert" in caseload
    assert "Answered yes to the safety question" in text_of(
        clinician_client.get("/clinician/alerts"))
