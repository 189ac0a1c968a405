"""Today asks "How are you today?" until the participant's local day has a check-in."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.checkins import today
from app.models import Checkin
from tests.checkins.helpers import checkin_form
from tests.schedule.conftest import visible_text

NY = ZoneInfo("America/New_York")


def _checkin_at(db, participant, at: datetime, **answers) -> Checkin:
    row = Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                  content_hash="0" * 64, occurred_at=at, received_at=datetime.now(UTC),
                  feelings=[], **{"mood": 3, **answers})
    db.session.add(row)
    db.session.commit()
    return row


def test_before_checking_in_today_asks_how_are_you(participant_client):
    text = visible_text(participant_client.get("/today"))
    assert "How are you today? Check in" in text
    assert 'href="/checkin"' in participant_client.get("/today").get_data(as_text=True)


def test_after_checking_in_today_says_when_with_a_link_to_change_it(participant_client, db,
                                                                    world):
    nine_twelve = datetime.combine(datetime.now(NY).date(), time(9, 12), tzinfo=NY)
    row = _checkin_at(db, world.participant_a, nine_twelve.astimezone(UTC))
    response = participant_client.get("/today")
    text = visible_text(response)
    assert "Checked in at 9:12 AM" in text and "How are you today?" not in text
    assert f'href="/checkin/{row.id}/edit"' in response.get_data(as_text=True)


def test_a_check_in_through_the_form_turns_the_card_over(participant_client):
    assert checkin_form(participant_client, {"mood": "4"}).status_code == 200
    text = visible_text(participant_client.get("/today"))
    assert "Checked in at" in text and "How are you today?" not in text


def test_a_safety_yes_last_night_still_asks_how_are_you_today(participant_client, db, world):
    """Last night's answer raised an alert; today is a new day and the check-in is asked."""
    assert checkin_form(participant_client, {"safety_thoughts": "yes"}).status_code == 200
    row = db.session.query(Checkin).one()
    row.occurred_at = datetime.combine(datetime.now(NY).date() - timedelta(days=1), time(22, 30),
                                       tzinfo=NY).astimezone(UTC)
    db.session.commit()
    text = visible_text(participant_client.get("/today"))
    assert "How are you today? Check in" in text


def test_a_safety_yes_today_says_who_sees_it_and_where_help_is(participant_client):
    assert checkin_form(participant_client, {"safety_thoughts": "yes"}).status_code == 200
    text = visible_text(participant_client.get("/today"))
    assert "Checked in at" in text
    assert "Your care team sees your answers during program hours." in text
    assert "call or text 988, or call 911" in text


def test_the_day_is_the_participants_local_day_across_daylight_saving(db, world):
    """Spring forward in New York (2027-03-14): 00:30 EST is that day, 23:50 the day before."""
    morning = datetime(2027, 3, 14, 5, 30, tzinfo=UTC)  # 00:30 EST on the 14th
    late = datetime(2027, 3, 14, 4, 50, tzinfo=UTC)  # 23:50 EST on the 13th
    noon = datetime(2027, 3, 14, 16, 0, tzinfo=UTC)  # 12:00 EDT on the 14th
    _checkin_at(db, world.participant_a, late)
    assert today.todays_checkin(world.participant_a, "America/New_York", noon) is None
    kept = _checkin_at(db, world.participant_a, morning)
    assert today.todays_checkin(world.participant_a, "America/New_York", noon) == kept
