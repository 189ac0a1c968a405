"""The practice log: three fields at most to save, everything else optional; bad input gets a
message next to its field with what was typed kept, and nothing is saved half-way."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import SkillPractice
from app.skills import editing, library, practices
from tests.conftest import post_form
from tests.skills.helpers import add_practice, count, practice_form

NY = ZoneInfo("America/New_York")


def test_a_practice_needs_only_the_skill(participant_client, db, world):
    page = participant_client.get("/skills/log?skill=paced-breathing").get_data(as_text=True)
    assert 'data-offline-queue="skill-practice"' in page and 'name="client_uuid"' in page
    response = practice_form(participant_client)
    assert response.status_code == 200
    assert "Saved. Well done for taking this time for yourself." in response.get_data(as_text=True)
    row = db.session.scalar(sa.select(SkillPractice))
    assert (row.participant_id, row.skill.key, row.source) == (world.participant_a.id,
                                                             "paced-breathing", "form")
    assert row.version.name == "Paced breathing" and row.version.program_id is None
    assert (row.distress_before, row.distress_after, row.helpful, row.minutes, row.note) == (
        None, None, None, None, None)
    assert abs(row.practised_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_every_optional_answer_is_saved(participant_client, db):
    earlier = (datetime.now(NY) - timedelta(hours=3)).replace(second=0, microsecond=0)
    practice_form(participant_client, {
        "distress_before": "8", "distress_after": "4", "helpful": "5", "minutes": "6",
        "note": "Helped before the call.", "practised_at": earlier.strftime("%Y-%m-%dT%H:%M")})
    row = db.session.scalar(sa.select(SkillPractice))
    assert (row.distress_before, row.distress_after, row.helpful, row.minutes, row.note) == (
        8, 4, 5, 6, "Helped before the call.")
    assert row.practised_at == earlier
    assert row.distress_change == -4


def test_an_after_without_a_before_is_kept(participant_client, db):
    practice_form(participant_client, {"distress_after": "2"})
    row = db.session.scalar(sa.select(SkillPractice))
    assert row.distress_after == 2 and row.distress_before is None
    assert row.distress_change is None


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"distress_before": "11"}, "distress_before", "from 0 (calm) to 10"),
    ({"distress_after": "-1"}, "distress_after", "from 0 (calm) to 10"),
    ({"distress_before": "5.5"}, "distress_before", "whole number"),
    ({"helpful": "0"}, "helpful", "1 (not at all) to 5"),
    ({"minutes": "600"}, "minutes", "from 1 to 240"),
    ({"note": "x" * 2001}, "note", "2,000 characters"),
])
def test_bad_values_are_named_next_to_their_field_and_what_was_typed_stays(
        participant_client, db, data, field, message):
    typed = {"distress_before": "7", "note": "kept as typed", **data}
    response = practice_form(participant_client, typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert "Nothing was saved yet" in page
    assert "kept as typed" in page or field == "note"
    assert 'value="7" checked' in page or field == "distress_before"
    assert count() == 0


def test_a_time_in_the_future_or_more_than_7_days_back_is_refused(participant_client, db):
    now = datetime.now(NY)
    for moment, message in ((now + timedelta(hours=2), "That time is in the future."),
                            (now - timedelta(days=8), "at most 7 days back")):
        value = moment.strftime("%Y-%m-%dT%H:%M")
        response = practice_form(participant_client, {"practised_at": value})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page
        assert f'value="{value}"' in page
    assert count() == 0


def test_the_time_is_read_in_the_participant_s_own_zone(participant_client, db, world):
    world.participant_a.time_zone = "Europe/Berlin"
    db.session.commit()
    local = datetime.now(ZoneInfo("Europe/Berlin")).replace(second=0, microsecond=0) \
        - timedelta(hours=1)
    practice_form(participant_client, {"practised_at": local.strftime("%Y-%m-%dT%H:%M")})
    assert db.session.scalar(sa.select(SkillPractice.practised_at)) == local


def test_an_unknown_or_hidden_skill_is_a_404_page_and_a_message_when_posted(
        participant_client, db, world):
    assert participant_client.get("/skills/log?skill=no-such-skill").status_code == 404
    entry = library.get_skill_for_program(world.iop, "halt")
    editing.set_hidden(world.clinician_a, world.iop, entry, True)
    assert participant_client.get("/skills/log?skill=halt").status_code == 404
    assert participant_client.get("/skills/halt").status_code == 404
    response = practice_form(participant_client, {"skill": "halt", "distress_before": "3"})
    assert response.status_code == 400
    assert "This skill is not in your list. Choose another one." in response.get_data(as_text=True)
    assert count() == 0


def test_another_program_s_own_skill_cannot_be_logged(participant_client, db, world):
    own = editing.add_own(world.clinician_b, world.php, {
        "category": "cbt", "name": "South walk", "use_when": "Use it when restless.",
        "steps": ["One.", "Two.", "Three."], "minutes": 5})
    assert participant_client.get(f"/skills/{own.key}").status_code == 404
    assert practice_form(participant_client, {"skill": own.key}).status_code == 400
    assert count() == 0


def test_the_same_form_sent_twice_is_saved_once(participant_client, db):
    data = {"client_uuid": "5a0f2c4e-9d1b-4f7e-8a3c-2b6d9e0f1a2b", "skill": "halt",
            "distress_before": "5"}
    first = post_form(participant_client, "/skills/log", data)
    second = post_form(participant_client, "/skills/log", data)
    assert first.status_code == second.status_code == 200
    assert "nothing was added twice" in second.get_data(as_text=True)
    changed = post_form(participant_client, "/skills/log", {**data, "distress_before": "9"})
    assert changed.status_code == 409
    assert count() == 1


def test_htmx_gets_the_form_or_the_thank_you_alone(participant_client, db):
    bad = practice_form(participant_client, {"helpful": "9"}, headers={"HX-Request": "true"})
    good = practice_form(participant_client, {}, headers={"HX-Request": "true"})
    assert bad.status_code == 400 and good.status_code == 200
    for response in (bad, good):
        assert "<html" not in response.get_data(as_text=True)
        assert 'id="skill-log"' in response.get_data(as_text=True)


# --- changing and deleting ---------------------------------------------------------------------

def _logged(participant, hours_ago: float = 0, **fields):
    moment = datetime.now(UTC) - timedelta(hours=hours_ago)
    return add_practice(participant, "paced-breathing", moment, **fields)


def test_a_practice_can_be_changed_until_the_end_of_the_next_local_day(db, world):
    # Logged 23:30 on Saturday 13 March 2027, New York: editable through Sunday (a 23-hour
    # daylight-saving day), not from 00:00 on Monday.
    logged_at = datetime(2027, 3, 13, 23, 30, tzinfo=NY)
    practice = add_practice(world.participant_a, "halt", logged_at)
    zone = "America/New_York"
    assert practices.editable_until(practice, zone) == datetime(2027, 3, 15, 0, 0, tzinfo=NY)
    assert practices.is_editable(practice, zone, datetime(2027, 3, 14, 23, 59, tzinfo=NY))
    assert not practices.is_editable(practice, zone, datetime(2027, 3, 15, 0, 0, tzinfo=NY))
    with pytest.raises(practices.NotEditable):
        practices.update(practice, {"distress_before": "3"},
                         now=datetime(2027, 3, 15, 0, 1, tzinfo=NY))


def test_changing_a_practice_keeps_its_skill_and_validates_like_logging(
        participant_client, db, world):
    practice = _logged(world.participant_a, before=5)
    url = f"/skills/practices/{practice.id}/edit"
    page = participant_client.get(url).get_data(as_text=True)
    assert 'value="5" checked' in page
    bad = post_form(participant_client, url, {"distress_before": "5", "helpful": "7",
                                              "note": "typed"})
    assert bad.status_code == 400 and "typed" in bad.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.helpful is None and practice.note is None
    good = post_form(participant_client, url, {"distress_before": "5", "distress_after": "2",
                                               "skill": "halt"})
    assert good.status_code == 302
    db.session.refresh(practice)
    assert (practice.distress_after, practice.skill.key) == (2, "paced-breathing")
    assert practice.updated_at is not None


def test_an_old_practice_is_not_editable_and_deleting_keeps_a_tombstone(
        participant_client, db, world):
    old = _logged(world.participant_a, hours_ago=60)
    response = participant_client.get(f"/skills/practices/{old.id}/edit")
    assert response.status_code == 302
    assert post_form(participant_client, f"/skills/practices/{old.id}/delete").status_code == 302
    db.session.refresh(old)
    assert old.deleted_at is None
    fresh = _logged(world.participant_a, note="private", before=4)
    post_form(participant_client, f"/skills/practices/{fresh.id}/delete")
    db.session.refresh(fresh)
    assert fresh.deleted_at is not None and fresh.note is None and fresh.distress_before is None
    assert participant_client.get(f"/skills/practices/{fresh.id}/edit").status_code == 404
    history = participant_client.get("/skills/history").get_data(as_text=True)
    assert "private" not in history


def test_a_participant_cannot_open_or_change_another_s_practice(app, db, world, login_as):
    theirs = _logged(world.participant_b, note="B's note")
    client = app.test_client()
    login_as(world.participant_a, on=client)
    assert client.get(f"/skills/practices/{theirs.id}/edit").status_code == 404
    assert post_form(client, f"/skills/practices/{theirs.id}/edit",
                     {"note": "changed"}).status_code == 404
    assert post_form(client, f"/skills/practices/{theirs.id}/delete").status_code == 404
    assert "B's note" not in client.get("/skills/history").get_data(as_text=True)
    db.session.refresh(theirs)
    assert theirs.note == "B's note" and theirs.deleted_at is None
