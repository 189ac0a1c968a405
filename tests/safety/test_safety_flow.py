"""The crisis safety flow from the form and the scales: help first, one alert, acknowledgement."""

import re

import pytest
import sqlalchemy as sa

from app.checkins import service as checkins
from app.models import Checkin, SafetyAlert, ScaleResponse
from app.models.safety import AlertsAreNeverDeleted
from app.safety import alerts as safety
from tests.checkins.helpers import checkin_form
from tests.conftest import post_form
from tests.scales.helpers import phq9_answers

CRISIS_LINKS = ('href="tel:911"', 'href="tel:988"', 'href="sms:988"', 'href="tel:+15550100100"',
                'href="/safety-plan"')


def _alerts(db):
    return db.session.scalars(sa.select(SafetyAlert).order_by(SafetyAlert.id)).all()


def _assert_help_before_thanks(html: str, thanks: str):
    help_at = html.index("You don't have to go through this alone")
    assert help_at < html.index(thanks)
    for link in CRISIS_LINKS:
        assert link in html, link
        assert html.index(link, help_at) < html.index(thanks), link
    assert "during program hours" in html  # who sees it, and when


@pytest.mark.parametrize("answers, code", [
    ({"safety_thoughts": "yes"}, "safety_question"),
    ({"self_harm_urge": "5"}, "self_harm_urge_top"),
])
def test_a_triggering_check_in_shows_help_first_and_raises_one_alert(
        participant_client, db, world, answers, code):
    response = checkin_form(participant_client, answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _assert_help_before_thanks(html, "Your check-in is saved")
    (alert,) = _alerts(db)
    checkin = db.session.scalar(sa.select(Checkin))
    assert alert.checkin_id == checkin.id and alert.participant_id == world.participant_a.id
    assert alert.program_id == world.iop.id
    assert alert.primary_clinician_id == world.clinician_a.id
    assert [t["code"] for t in alert.triggers] == [code]
    assert alert.is_open and alert.notified_at is None  # waiting for the push dispatcher


@pytest.mark.parametrize("answers", [{"safety_thoughts": "no"}, {"self_harm_urge": "4"},
                                     {"mood": "1", "anxiety": "10"}])
def test_other_answers_raise_no_alert(participant_client, db, answers):
    html = checkin_form(participant_client, answers).get_data(as_text=True)
    assert "You don't have to go through this alone" not in html.split("data-crisis-help")[0]
    assert _alerts(db) == []


def test_both_triggers_in_one_check_in_make_one_alert_naming_both(participant_client, db):
    checkin_form(participant_client, {"safety_thoughts": "yes", "self_harm_urge": "5"})
    (alert,) = _alerts(db)
    assert [t["code"] for t in alert.triggers] == ["safety_question", "self_harm_urge_top"]


def test_a_replayed_form_shows_help_again_but_raises_no_second_alert(participant_client, db):
    data = {"client_uuid": "5d2c0a4e-2f0b-4c4e-9a55-6c0a8b1f2e33", "safety_thoughts": "yes"}
    checkin_form(participant_client, data)
    again = checkin_form(participant_client, data).get_data(as_text=True)
    _assert_help_before_thanks(again, "Your check-in is saved")
    assert len(_alerts(db)) == 1


def test_an_invalid_form_with_a_positive_answer_keeps_the_help_visible(participant_client, db):
    response = checkin_form(participant_client, {"mood": "", "safety_thoughts": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "data-crisis-help>" in html and "data-crisis-help hidden" not in html
    assert _alerts(db) == [] and db.session.scalar(sa.select(Checkin)) is None


def test_the_alert_and_the_check_in_are_saved_together_or_not_at_all(world, db, monkeypatch):
    def broken_alert(*args, **kwargs):
        alert = SafetyAlert(participant_id=None, triggers=[])  # violates NOT NULL at commit
        db.session.add(alert)
        return alert

    monkeypatch.setattr(safety, "raise_alert", broken_alert)
    with pytest.raises(sa.exc.IntegrityError):
        checkins.save(world.participant_a, {"mood": "2", "safety_thoughts": "yes"})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0
    assert _alerts(db) == []


def test_an_edit_that_adds_a_positive_answer_raises_an_alert_once(participant_client, db):
    checkin_form(participant_client, {"mood": "3"})
    row = db.session.scalar(sa.select(Checkin))
    response = post_form(participant_client, f"/checkin/{row.id}/edit",
                         {"mood": "3", "safety_thoughts": "yes"})
    _assert_help_before_thanks(response.get_data(as_text=True), "Your check-in is saved")
    post_form(participant_client, f"/checkin/{row.id}/edit",
              {"mood": "2", "safety_thoughts": "yes"})
    (alert,) = _alerts(db)
    assert alert.checkin_id == row.id


def test_deleting_the_check_in_keeps_its_alert(participant_client, db):
    checkin_form(participant_client, {"safety_thoughts": "yes", "note": "hard night"})
    row = db.session.scalar(sa.select(Checkin))
    post_form(participant_client, f"/checkin/{row.id}/delete")
    (alert,) = _alerts(db)
    assert alert.is_open and alert.triggers[0]["code"] == "safety_question"


def test_alerts_are_never_deleted(participant_client, db):
    checkin_form(participant_client, {"safety_thoughts": "yes"})
    (alert,) = _alerts(db)
    db.session.delete(alert)
    with pytest.raises(AlertsAreNeverDeleted):
        db.session.flush()
    db.session.rollback()
    assert len(_alerts(db)) == 1


def test_phq9_item_9_above_zero_shows_help_and_raises_an_alert(participant_client, db, world):
    response = post_form(participant_client, "/checkin/scales/phq9",
                         {"client_uuid": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
                          **phq9_answers(q9=1, q2=2)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _assert_help_before_thanks(html, "Your answers are saved")
    (alert,) = _alerts(db)
    response_row = db.session.scalar(sa.select(ScaleResponse))
    assert alert.scale_response_id == response_row.id and alert.checkin_id is None
    assert alert.triggers == [{"code": "phq9_q9", "value": 1}]
    assert (response_row.total, response_row.band) == (3, "minimal")
    post_form(participant_client, "/checkin/scales/phq9",
              {"client_uuid": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
               **phq9_answers(q9=1, q2=2)})
    assert len(_alerts(db)) == 1  # a double submit does not alert twice


def test_phq9_item_9_at_zero_raises_no_alert_even_with_a_high_total(participant_client, db):
    answers = {f"q{n}": "3" for n in range(1, 9)} | {"q9": "0"}
    html = post_form(participant_client, "/checkin/scales/phq9", answers).get_data(as_text=True)
    assert "24 of 27: Severe" in html
    assert _alerts(db) == []


def test_clinician_home_lists_open_alerts_first(participant_client, clinician_client, db, world):
    checkin_form(participant_client, {"safety_thoughts": "yes"})
    html = clinician_client.get("/clinician/").get_data(as_text=True)
    alerts_at = html.index("Open safety alerts")
    assert alerts_at < html.index("Everyone in your programs, who needs attention first")
    section = html[alerts_at:html.index("Everyone in your programs, who needs attention first")]
    assert "Participant A" in section
    assert "Answered yes to the safety question" in section
    # the zone's abbreviation, not its IANA name
    assert re.search(r"\d:\d\d\W?[AP]M E[SD]T", section)
    assert "America/New_York" not in section
    assert 'name="alert-' in section and "What was done" in section


def test_acknowledging_records_who_when_and_what_was_done(participant_client, clinician_client,
                                                           db, world):
    checkin_form(participant_client, {"safety_thoughts": "yes"})
    (alert,) = _alerts(db)
    field = f"alert-{alert.id}-action_taken"
    empty = post_form(clinician_client, f"/clinician/alerts/{alert.id}", {field: "  "})
    assert empty.status_code == 400 and "Say what was done" in empty.get_data(as_text=True)
    too_long = post_form(clinician_client, f"/clinician/alerts/{alert.id}", {field: "x" * 1001})
    assert too_long.status_code == 400
    db.session.refresh(alert)
    assert alert.is_open
    done = post_form(clinician_client, f"/clinician/alerts/{alert.id}",
                     {field: "Called; safe with family tonight. <b>plan</b> reviewed"})
    assert done.status_code == 302
    db.session.refresh(alert)
    assert alert.acknowledged_by_id == world.clinician_a.id and alert.acknowledged_at
    assert alert.action_taken == "Called; safe with family tonight. <b>plan</b> reviewed"
    listing = clinician_client.get("/clinician/alerts").get_data(as_text=True)
    assert "No open safety alerts." in listing
    page = clinician_client.get(f"/clinician/alerts/{alert.id}").get_data(as_text=True)
    assert "Acknowledged by Clinician A" in page and "&lt;b&gt;plan&lt;/b&gt;" in page
    again = post_form(clinician_client, f"/clinician/alerts/{alert.id}", {field: "second"})
    assert again.status_code == 200
    db.session.refresh(alert)
    assert alert.action_taken.startswith("Called")  # the first acknowledgement stands


def test_acknowledging_over_htmx_returns_the_card(participant_client, clinician_client, db):
    checkin_form(participant_client, {"safety_thoughts": "yes"})
    (alert,) = _alerts(db)
    response = post_form(clinician_client, f"/clinician/alerts/{alert.id}",
                         {f"alert-{alert.id}-action_taken": "Called."},
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="alert-{alert.id}"' in html and "Acknowledged by" in html


def test_alerts_are_scoped_to_the_clinician_s_programs(app, participant_client, db, world,
                                                       login_as):
    checkin_form(participant_client, {"safety_thoughts": "yes"})
    (alert,) = _alerts(db)
    other = app.test_client()
    login_as(world.clinician_b, on=other)
    assert "Participant A" not in other.get("/clinician/").get_data(as_text=True)
    assert other.get(f"/clinician/alerts/{alert.id}").status_code == 404
    response = post_form(other, f"/clinician/alerts/{alert.id}",
                         {f"alert-{alert.id}-action_taken": "not mine"})
    assert response.status_code == 404
    db.session.refresh(alert)
    assert alert.is_open


def test_every_staff_page_shows_the_open_alert_count(participant_client, clinician_client):
    checkin_form(participant_client, {"safety_thoughts": "yes"})
    html = clinician_client.get("/clinician/invites").get_data(as_text=True)
    assert "1 open safety alert" in html


def test_the_clinician_participant_page_shows_alerts_and_check_ins(participant_client,
                                                                    clinician_client, world):
    checkin_form(participant_client, {"safety_thoughts": "yes", "mood": "1"})
    html = clinician_client.get(
        f"/clinician/participants/{world.participant_a.id}").get_data(as_text=True)
    assert "Answered yes to the safety question" in html
    assert "Mood 1 (Very low)" in html
    assert f"/clinician/participants/{world.participant_a.id}/safety-plan" in html


def test_staff_actions_on_alerts_and_plans_are_audited_without_content(
        participant_client, clinician_client, db, world):
    from app.models import AuditEvent

    checkin_form(participant_client, {"safety_thoughts": "yes", "note": "secret words"})
    (alert,) = _alerts(db)
    clinician_client.get(f"/clinician/alerts/{alert.id}")
    post_form(clinician_client, f"/clinician/alerts/{alert.id}",
              {f"alert-{alert.id}-action_taken": "Called and safe."})
    url = f"/clinician/participants/{world.participant_a.id}/safety-plan"
    clinician_client.get(url)
    post_form(clinician_client, url, {"version": "0", "warning_signs": "words"})
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.actor_id == world.clinician_a.id,
                                    AuditEvent.subject_participant_id == world.participant_a.id)
        .order_by(AuditEvent.id)).all()
    assert [(e.action, e.target.split(":")[0]) for e in events] == [
        ("participant.view", "safety_alert"), ("participant.edit", "safety_alert"),
        ("participant.view", "safety_plan"), ("participant.edit", "safety_plan")]
    assert not any("secret" in (e.target or "") or "Called" in (e.target or "")
                   for e in events)


def _crisis_actions(html: str) -> list[str]:
    """The crisis action links of a page, as "href label" lines."""
    import re

    block = re.search(r'<ul class="crisis-actions".*?</ul>', html, re.S).group(0)
    return [" ".join(m) for m in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', block)]


def test_the_crisis_page_and_the_check_in_help_offer_the_same_actions(participant_client):
    """One crisis macro: the actions after a positive answer are exactly /crisis's actions."""
    page = participant_client.get("/crisis").get_data(as_text=True)
    saved = checkin_form(participant_client, {"safety_thoughts": "yes"}).get_data(as_text=True)
    actions = _crisis_actions(page)
    assert actions == _crisis_actions(saved)
    assert [a.split()[0] for a in actions][:3] == ["tel:911", "tel:988", "sms:988"]
    assert any(a.startswith("/safety-plan") for a in actions)
    for html in (page, saved):  # 988 in Spanish: how to reach it, in both places
        assert "in English or Spanish, 24 hours a day" in html
        assert "In Spanish: call 988 and press 2, or text AYUDA to 988." in html
