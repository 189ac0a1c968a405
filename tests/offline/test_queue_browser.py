"""The offline queue in Chromium: a check-in or questionnaire without signal is kept on the
phone, shown as pending, and reaches the server exactly once when the signal is back; a lost
answer or a double tap never makes two; crisis help shows at once without signal."""

import uuid

import pytest
import sqlalchemy as sa

from app.models import Checkin, SafetyAlert
from tests.browser.fixtures import settle
from tests.offline.browser import (
    checkins_of,
    controlled,
    fill_checkin,
    go_offline,
    go_online,
    open_checkin,
    queued,
    scale_responses_of,
    wait_for,
    wait_until_saved,
)

pytestmark = pytest.mark.browser

PENDING = "Saved on this phone — will send when you're back online."


def _ready_on_checkin(page, world, sign_in):
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    open_checkin(page)
    wait_until_saved(page, ["/checkin"])


def test_a_check_in_without_signal_is_kept_and_sent_once_when_back(world, open_page, sign_in,
                                                                  check_a11y):
    page = open_page("phone")
    _ready_on_checkin(page, world, sign_in)
    go_offline(page)
    fill_checkin(page, mood="2")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("heading", name=PENDING).wait_for()
    (item,) = queued(page)
    assert item["body"]["mood"] == "2" and item["status"] == "pending"
    assert checkins_of(world.participant_a) == 0
    check_a11y(page)  # the pending state

    go_online(page)
    page.get_by_role("heading", name="Sent. Your care team can see it now.").wait_for()
    assert queued(page) == [] and checkins_of(world.participant_a) == 1
    page.reload()
    settle(page)
    assert page.locator("[data-offline-queue-panel]").is_hidden()


def test_crisis_help_shows_at_once_offline_and_the_alert_keeps_the_phone_s_time(
        world, db, open_page, sign_in):
    page = open_page("phone")
    _ready_on_checkin(page, world, sign_in)
    go_offline(page)
    fill_checkin(page, mood="1", safety="yes")
    page.get_by_role("button", name="Save check-in").click()
    card = page.locator(".offline-saved")
    card.wait_for()
    # the same actions as the crisis page, without a round trip
    for href in ("tel:911", "tel:988", "sms:988", "/safety-plan"):
        assert card.locator(f'a[href="{href}"]').is_visible()
    focused = page.evaluate("document.activeElement.textContent")
    assert "You don't have to go through this alone" in focused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SafetyAlert)) == 0

    go_online(page)
    wait_for(lambda: queued(page) == [], message="the check-in to be sent")
    db.session.expire_all()
    (alert,) = db.session.scalars(sa.select(SafetyAlert)).all()
    assert alert.triggers == [{"code": "safety_question", "value": True}]
    assert alert.client_recorded_at is not None
    assert alert.client_recorded_at <= alert.created_at


def test_a_questionnaire_without_signal_is_sent_once(world, open_page, sign_in):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    page.goto("/checkin/scales/phq9")
    settle(page)
    wait_until_saved(page, ["/checkin/scales/phq9"])
    go_offline(page)
    for n in range(1, 10):
        page.locator(f"input[name=q{n}][value='{1 if n == 9 else 0}']").check(force=True)
    page.get_by_role("button", name="Save answers").click()
    card = page.locator(".offline-saved")
    card.wait_for()
    assert card.locator('a[href="tel:988"]').is_visible()  # item 9 calls for crisis help
    (item,) = queued(page)
    assert item["body"]["scale"] == "phq9" and item["body"]["answers"]["q9"] == "1"

    go_online(page)
    wait_for(lambda: queued(page) == [], message="the questionnaire to be sent")
    assert scale_responses_of(world.participant_a) == 1


def test_an_answer_lost_after_the_server_saved_is_resent_and_stays_one(world, open_page,
                                                                       sign_in):
    page = open_page("phone")
    _ready_on_checkin(page, world, sign_in)

    def save_then_lose_the_answer(route):
        route.fetch()  # the server saves the check-in...
        route.abort("connectionreset")  # ...and the phone never hears back

    page.route("**/checkin", lambda route: save_then_lose_the_answer(route)
               if route.request.method == "POST" else route.continue_())
    fill_checkin(page, mood="4")
    page.get_by_role("button", name="Save check-in").click()
    # kept on the phone, then resent at once (the phone is online): the server has it already
    page.get_by_role("heading", name="Sent. Your care team can see it now.").wait_for()
    assert queued(page) == [] and checkins_of(world.participant_a) == 1


def test_a_double_tap_saves_one_check_in(world, open_page, sign_in):
    page = open_page("phone")
    _ready_on_checkin(page, world, sign_in)
    fill_checkin(page, mood="3")
    page.get_by_role("button", name="Save check-in").dblclick()
    page.wait_for_url("**/checkin")
    page.get_by_role("heading", name="Thank you. Your check-in is saved.").wait_for()
    settle(page)
    assert checkins_of(world.participant_a) == 1

    page.goto("/checkin")  # and offline: one item, sent once
    settle(page)
    go_offline(page)
    fill_checkin(page, mood="3")
    page.get_by_role("button", name="Save check-in").dblclick()
    page.get_by_role("heading", name=PENDING).wait_for()
    assert len(queued(page)) == 1
    go_online(page)
    wait_for(lambda: queued(page) == [], message="the queue to empty")
    assert checkins_of(world.participant_a) == 2


def test_a_422_is_shown_with_what_to_fix_and_kept_until_fixed(world, open_page, sign_in,
                                                             check_a11y):
    page = open_page("phone")
    _ready_on_checkin(page, world, sign_in)
    go_offline(page)
    page.locator("input[name=anxiety][value='4']").check(force=True)  # but no mood
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("heading", name=PENDING).wait_for()

    go_online(page)
    panel = page.locator("[data-offline-queue-panel]")
    panel.get_by_text("Not sent: the answers need a change.").first.wait_for()
    assert "Choose how your mood is" in panel.inner_text()
    assert checkins_of(world.participant_a) == 0
    (item,) = queued(page)
    assert item["status"] == "invalid"
    check_a11y(page)

    page.reload()  # still there on the next page: never dropped
    settle(page)
    panel.get_by_role("link", name="Change answers").click()
    page.wait_for_url("**/checkin#queued=*")
    settle(page)
    page.get_by_role("alert").get_by_text("Choose how your mood is", exact=False).wait_for()
    assert page.locator("input[name=anxiety][value='4']").is_checked()
    fill_checkin(page, mood="2")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("heading", name="Thank you. Your check-in is saved.").wait_for()
    wait_for(lambda: queued(page) == [], message="the fixed item to leave the queue")
    (row,) = [c for c in _checkins(world.participant_a)]
    assert row.client_uuid == item["id"] and row.mood == 2 and row.anxiety == 4


def test_a_409_is_shown_and_can_be_sent_as_new_answers(world, open_page, sign_in, app):
    from app.checkins import service as checkins

    taken = str(uuid.uuid4())
    with app.test_request_context():
        checkins.save(world.participant_a, {"client_uuid": taken, "mood": "5"})
    page = open_page("phone")
    _ready_on_checkin(page, world, sign_in)
    go_offline(page)
    page.evaluate("(id) => { document.querySelector('[name=client_uuid]').value = id; }", taken)
    fill_checkin(page, mood="1")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("heading", name=PENDING).wait_for()
    go_online(page)
    panel = page.locator("[data-offline-queue-panel]")
    panel.get_by_text("Not sent: these answers clash", exact=False).wait_for()
    panel.get_by_role("button", name="Send as new answers").click()
    wait_for(lambda: queued(page) == [], message="the new answers to be sent")
    assert sorted(c.mood for c in _checkins(world.participant_a)) == [1, 5]


def _checkins(participant):
    from app.extensions import db

    db.session.expire_all()
    return db.session.scalars(sa.select(Checkin).where(Checkin.participant_id == participant.id))
