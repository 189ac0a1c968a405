"""The review queue: riskiest first, each check-in with its answers, note and scores; marking
one or all shown reviewed records who and when, and a second review changes nothing."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from app.models import CheckinReview
from tests.conftest import post_form
from tests.review.conftest import text_of


def _queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="card queue-item[^"]*" id="checkin-(\d+)"',
                                       html)]


def test_the_riskiest_check_ins_come_first_with_answers_note_and_scores(
        app, world, make_participant, make_checkin, make_score, login_as):
    other = make_participant(world.iop, world.clinician_a, display_name="Other person")
    calm = make_checkin(world.participant_a, days_ago=2, mood=4, note="A good day <b>really</b>")
    low = make_checkin(other, days_ago=1, mood=2)
    danger = make_checkin(world.participant_a, days_ago=0.5, mood=1, safety_thoughts=True)
    used = make_checkin(other, days_ago=0.2, mood=3, used_substances=True, craving=9)
    make_score(world.participant_a, "phq9", 16, days_ago=0.5)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = client.get("/clinician/review")
    html = response.get_data(as_text=True)
    assert _queue_ids(html) == [danger.id, used.id, low.id, calm.id]
    text = text_of(response)
    assert "Yes to the safety question" in text and "Reported use" in text
    assert "A good day &lt;b&gt;really&lt;/b&gt;" in html  # escaped
    assert "PHQ-9: 16 of 27 (Moderately severe)" in text  # the same day's score
    assert "4 check-ins waiting." in text


def test_marking_one_reviewed_records_who_and_when_and_updates_the_count_in_place(
        app, world, make_checkin, login_as, db):
    first = make_checkin(world.participant_a, mood=3)
    make_checkin(world.participant_a, days_ago=1, mood=3)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = post_form(client, f"/clinician/review/{first.id}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="checkin-{first.id}"' in html and "Reviewed" in html
    assert '<span hx-swap-oob="innerHTML:.unreviewed-count">1</span>' in html
    review = db.session.scalar(sa.select(CheckinReview))
    assert review.checkin_id == first.id and review.reviewed_by_id == world.clinician_a.id
    assert (datetime.now(UTC) - review.reviewed_at).total_seconds() < 60
    assert first.id not in _queue_ids(client.get("/clinician/review").get_data(as_text=True))


def test_reviewing_again_is_harmless_and_the_first_review_stands(
        app, world, make_checkin, make_clinician, login_as, db):
    checkin = make_checkin(world.participant_a, mood=3)
    colleague = make_clinician(world.iop, display_name="Colleague")
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    assert post_form(client, f"/clinician/review/{checkin.id}").status_code == 200
    other = app.test_client()
    login_as(colleague, on=other)
    assert post_form(other, f"/clinician/review/{checkin.id}").status_code == 200
    assert post_form(client, f"/clinician/review/{checkin.id}").status_code == 200
    reviews = db.session.scalars(sa.select(CheckinReview)).all()
    assert [(r.checkin_id, r.reviewed_by_id) for r in reviews] == [
        (checkin.id, world.clinician_a.id)]


def test_mark_all_shown_reviewed_takes_only_the_staff_members_own(
        app, world, make_checkin, login_as, db):
    mine = [make_checkin(world.participant_a, days_ago=d, mood=3) for d in (0, 1, 2)]
    theirs = make_checkin(world.participant_b, mood=1)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = post_form(client, "/clinician/review/shown",
                         {"checkin": [str(c.id) for c in mine] + [str(theirs.id), "x"]})
    assert response.status_code == 200
    assert "3 check-ins marked as reviewed." in text_of(response)
    reviewed = set(db.session.scalars(sa.select(CheckinReview.checkin_id)))
    assert reviewed == {c.id for c in mine}


def test_another_programs_check_in_is_a_404_and_stays_unreviewed(app, world, make_checkin,
                                                                login_as, db):
    theirs = make_checkin(world.participant_b, mood=1)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    assert theirs.id not in _queue_ids(client.get("/clinician/review").get_data(as_text=True))
    assert post_form(client, f"/clinician/review/{theirs.id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckinReview)) == 0


def test_deleted_and_old_check_ins_are_not_in_the_queue(app, world, make_checkin, login_as, db):
    deleted = make_checkin(world.participant_a, mood=2)
    deleted.deleted_at = datetime.now(UTC)
    db.session.commit()
    old = make_checkin(world.participant_a, days_ago=31, mood=2)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    shown = _queue_ids(client.get("/clinician/review").get_data(as_text=True))
    assert deleted.id not in shown and old.id not in shown
    assert "Nothing to review" in text_of(client.get("/clinician/review"))


def test_the_queue_for_one_participant_and_the_audit_of_who_was_shown(
        app, world, make_participant, make_checkin, login_as, db):
    from app.models import AuditEvent

    other = make_participant(world.iop, world.clinician_a)
    make_checkin(world.participant_a, mood=3)
    make_checkin(other, mood=3)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    page = client.get(f"/clinician/review?participant={world.participant_a.id}")
    assert len(_queue_ids(page.get_data(as_text=True))) == 1
    shown = set(db.session.scalars(sa.select(AuditEvent.subject_participant_id).where(
        AuditEvent.action == "participant.view", AuditEvent.target == "review_queue")))
    assert shown == {world.participant_a.id}
    assert client.get(f"/clinician/review?participant={world.participant_b.id}"
                      ).status_code == 404
