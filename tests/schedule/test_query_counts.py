"""Pages that list sessions send the same number of SQL queries for 1 series as for 20."""

from datetime import date, datetime, time, timedelta

import pytest

from tests.conftest import post_form


def _add_series(make_series, world, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        make_series(world.iop, title=f"Group {n:02}", start_time=time(7 + n % 12, 0),
                    recurrence="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                    start_date=date.today() - timedelta(days=60))


def _with_a_change(make_series, world, db):
    """Some occurrences with records, so the exception and attendance queries run too."""
    from app.schedule import attendance
    from app.schedule import service as schedule

    series = make_series(world.iop, title="Changed", recurrence="FREQ=DAILY",
                         start_date=date.today() - timedelta(days=3))
    tomorrow = schedule.find_occurrence(series, datetime.combine(
        date.today() + timedelta(days=1), time(9)))
    attendance.set_notice(tomorrow, world.participant_a, attendance.NoticeKind.RUNNING_LATE,
                          None)
    db.session.commit()


@pytest.mark.parametrize("page", ["/today", "/schedule", "/attendance"])
def test_participant_pages_query_count_does_not_grow_with_series(
    page, client, world, login_as, make_series, count_queries, db
):
    _with_a_change(make_series, world, db)
    _add_series(make_series, world, 1)
    login_as(world.participant_a)
    client.get(page)
    with count_queries() as one:
        assert client.get(page).status_code == 200
    _add_series(make_series, world, 19, start=1)
    with count_queries() as twenty:
        html = client.get(page).get_data(as_text=True)
    if page == "/schedule":
        assert "Group 19" in html
    assert twenty["n"] == one["n"], (one, twenty)


def test_the_feed_query_count_does_not_grow_with_series(app, client, world, login_as,
                                                        make_series, count_queries, db):
    _with_a_change(make_series, world, db)
    _add_series(make_series, world, 1)
    login_as(world.participant_a)
    html = post_form(client, "/me/calendar").get_data(as_text=True)
    path = "/calendar/" + html.split("/calendar/")[1].split('"')[0]
    phone = app.test_client()
    with count_queries() as one:
        assert phone.get(path).status_code == 200
    _add_series(make_series, world, 19, start=1)
    with count_queries() as twenty:
        body = phone.get(path).data
    assert body.count(b"BEGIN:VEVENT") > 20 * 100
    assert twenty["n"] == one["n"]


@pytest.mark.parametrize("page", ["/clinician/sessions/"])
def test_staff_week_query_count_does_not_grow_with_series(page, client, world, login_as,
                                                          make_series, count_queries, db):
    _with_a_change(make_series, world, db)
    _add_series(make_series, world, 1)
    login_as(world.clinician_a)
    client.get(page)
    with count_queries() as one:
        assert client.get(page).status_code == 200
    _add_series(make_series, world, 19, start=1)
    with count_queries() as twenty:
        html = client.get(page).get_data(as_text=True)
    assert "Group 19" in html
    assert twenty["n"] == one["n"]
