"""The large data set on PostgreSQL: a year of a busy service, built in bulk.

    .venv/bin/python bench/large_data.py --database-url postgresql://postgres@127.0.0.1/trellis_large
    .venv/bin/python bench/large_data.py --database-url URL --scale 0.01   # small, in seconds

EMPTIES the database's schema (`public`, or the first of the URL's search_path), runs the real
migrations (`flask db upgrade`) and the skills catalogue sync, then inserts, at `--scale 1.0`:

- 20 programs and 100 clinicians, each clinician in 1-3 programs (`clinician_programs`);
- 5,000 participants, each with an active enrolment (started a year ago, a primary clinician
  from the program) and the privacy notice accepted;
- a year of daily check-ins (about 1.8 M: 365 days, a day missed now and then), answers within
  the ranges of app/checkins/items.py; those older than two days are marked reviewed, as a team
  that keeps up with its queue would have done (older unreviewed ones leave the queue anyway);
- skill practices (about two a week each) of the catalogue's skills;
- PHQ-9 and GAD-7 weekly, scored by app.scales.registry (the safety item always 0, so the data
  needs no safety alerts);
- 400 weekly session series (group sessions, 20 a program) with attendance recorded for every
  enrolled participant over the last 12 weeks.

Small tables (programs, people, series, occurrences) go in by Core executemany; the big ones
by `INSERT ... SELECT` over `generate_series` in the server (answers drawn from small pools
scored in Python), which is the quickest bulk insert there is: no row crosses the wire.

Two known accounts, both with the demo password (hashed once, argon2 through the app):
`caseload@bench.invalid`, a clinician who works in one program of exactly 200 participants
(its caseload; TOTP secret `DEMO_TOTP_SECRET`, so a benchmark can pass the second step), and
`year@bench.invalid`, a participant in that program with a full year of history. Both are
printed at the end with the row counts and the time taken. The app is built with the testing
settings (as bench/push_data.py does), so the password is hashed at the testing cost; that only
changes the one sign-in of a benchmark, never a page it measures. Smaller `--scale` shrinks people
and programs (never below a handful), never the year.
"""

import argparse
import json
import random
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.push_data import app_for, reset  # noqa: E402

CASELOAD_EMAIL = "caseload@bench.invalid"
YEAR_EMAIL = "year@bench.invalid"
DAYS = 365
ATTENDANCE_WEEKS = 12
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
CHUNK = 5000


def _insert(table, rows: list[dict]) -> None:
    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start:start + CHUNK])


def _sql(statement: str, **params) -> int:
    """One server-side bulk statement; returns the rows it touched."""
    from app.extensions import db

    return db.session.execute(sa.text(statement), params).rowcount


def sizes(scale: float) -> dict:
    """How many of each, at a scale (1.0: the issue's numbers)."""
    participants = max(20, round(5000 * scale))
    programs = max(2, round(20 * scale))
    caseload = min(200, max(5, round(200 * scale)), participants // 2)
    return {"programs": programs, "clinicians": max(programs, round(100 * scale)),
            "participants": participants, "caseload": caseload,
            "series": max(programs, round(400 * scale))}


def add_people(n: dict, rng: random.Random, password_hash: str, today: date) -> dict:
    """Programs, clinicians (1-3 programs each), participants, enrolments, consents."""
    from app.demo.seed import DEMO_TOTP_SECRET
    from app.models import (
        Consent,
        Enrolment,
        EnrolmentStatus,
        LevelOfCare,
        Program,
        Role,
        User,
        clinician_programs,
    )

    now = datetime.now(UTC)
    program_ids = list(range(1, n["programs"] + 1))
    _insert(Program.__table__, [
        {"id": p, "name": f"Program {p:02d}",
         "level_of_care": LevelOfCare.PHP if p % 4 == 0 else LevelOfCare.IOP,
         "time_zone": ZONES[p % len(ZONES)], "phone": "+1 555 010 0100",
         "privacy_notice_version": 1, "app_icon": "leaf", "alert_escalation_minutes": 30,
         "created_at": now} for p in program_ids])
    # Clinician 1 works in program 1 only: its caseload is exactly program 1's participants.
    clinicians = list(range(1, n["clinicians"] + 1))
    users = [{"id": c, "email": CASELOAD_EMAIL if c == 1 else f"c{c}@bench.invalid",
              "display_name": f"Clinician {c}", "role": Role.CLINICIAN,
              "password_hash": password_hash, "is_active": True, "language": "en",
              "session_token": f"c{c}", "totp_secret": DEMO_TOTP_SECRET,
              "mfa_enrolled_at": now, "created_at": now} for c in clinicians]
    works_in = {1: [1]}
    for c in clinicians[1:]:
        # Round robin first, so every program other than 1 has someone; then 0-2 more.
        first = program_ids[1:][(c - 2) % (len(program_ids) - 1)]
        extra = rng.sample(program_ids[1:], min(rng.randint(0, 2), len(program_ids) - 1))
        works_in[c] = sorted({first, *extra})
    staff_of = {p: [c for c, ps in works_in.items() if p in ps] for p in program_ids}

    first_participant = n["clinicians"] + 1
    participants = list(range(first_participant, first_participant + n["participants"]))
    # Program 1 gets the caseload; everyone else is spread evenly over the other programs.
    program_of = {}
    for i, pid in enumerate(participants):
        program_of[pid] = 1 if i < n["caseload"] else program_ids[1:][i % (len(program_ids) - 1)]
    _insert(User.__table__, users)  # executemany needs the same keys in every row
    users = [{"id": pid, "email": YEAR_EMAIL if pid == first_participant
               else f"p{pid}@bench.invalid", "display_name": f"Participant {pid}",
               "role": Role.PARTICIPANT, "password_hash": password_hash, "is_active": True,
               "language": "en", "session_token": f"p{pid}", "created_at": now}
              for pid in participants]
    _insert(User.__table__, users)
    _insert(clinician_programs, [{"user_id": c, "program_id": p}
                                 for c, ps in works_in.items() for p in ps])
    start = today - timedelta(days=DAYS + 1)
    _insert(Enrolment.__table__, [
        {"id": i, "participant_id": pid, "program_id": program_of[pid],
         "level_of_care": LevelOfCare.PHP if program_of[pid] % 4 == 0 else LevelOfCare.IOP,
         "start_date": start, "status": EnrolmentStatus.ACTIVE,
         "primary_clinician_id": 1 if program_of[pid] == 1 else rng.choice(
             staff_of[program_of[pid]]), "created_at": now}
        for i, pid in enumerate(participants, start=1)])
    _insert(Consent.__table__, [
        {"participant_id": pid, "program_id": program_of[pid], "notice_version": 1,
         "accepted_at": now} for pid in participants])
    for table in ("programs", "users", "enrolments"):  # explicit ids: move the sequences on
        _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
             f"(SELECT max(id) FROM {table}))")
    return {"participants": participants, "program_of": program_of}


def add_checkins(today: date) -> int:
    """A check-in a day per participant (about 1.5 % of days missed), in the evening UTC."""
    feelings = json.dumps([["calm"], ["tired"], ["anxious", "tired"], ["hopeful"],
                           ["sad", "lonely"], ["calm", "grateful"], [], ["irritable"],
                           ["overwhelmed", "anxious"], ["happy", "hopeful"]])
    return _sql("""
        INSERT INTO checkins (participant_id, program_id, client_uuid, content_hash, source,
            occurred_at, received_at, mood, feelings, anxiety, craving, sleep_hours,
            used_substances, took_medications, self_harm_urge, safety_thoughts)
        SELECT e.participant_id, e.program_id, gen_random_uuid()::text,
            md5(random()::text) || md5(random()::text), 'form', t.at, t.at,
            1 + floor(random() * 5)::int,
            (CAST(:feelings AS json)) -> floor(random() * 10)::int,
            floor(random() * 11)::int, floor(random() * 11)::int,
            round((4 + random() * 6)::numeric, 1)::float,
            random() < 0.05, random() < 0.9, floor(random() * random() * 3)::int, false
        FROM enrolments e
        CROSS JOIN generate_series(1, :days) AS d(n)
        CROSS JOIN LATERAL (SELECT (CAST(:today AS date) - d.n) + time '18:00'
                            + random() * interval '5 hours' AS at) t
        WHERE random() > 0.015
    """, feelings=feelings, days=DAYS, today=today)


def mark_reviewed(today: date) -> int:
    """Check-ins older than two days reviewed by the participant's primary clinician."""
    return _sql("""
        INSERT INTO checkin_reviews (checkin_id, reviewed_by_id, reviewed_at)
        SELECT c.id, e.primary_clinician_id, c.occurred_at + interval '20 hours'
        FROM checkins c JOIN enrolments e ON e.participant_id = c.participant_id
        WHERE c.occurred_at < CAST(:today AS date) - 2
    """, today=today)


def add_practices(today: date) -> int:
    """About two practices a week per participant, of the catalogue's current skills."""
    return _sql("""
        WITH skills AS (
            SELECT row_number() OVER (ORDER BY v.skill_id) - 1 AS n, v.skill_id, v.id
            FROM skill_versions v WHERE v.is_current AND v.program_id IS NULL),
        total AS (SELECT count(*) AS k FROM skills)
        INSERT INTO skill_practices (participant_id, program_id, skill_id, skill_version_id,
            client_uuid, content_hash, source, practised_at, received_at, distress_before,
            distress_after, helpful, minutes)
        SELECT p.participant_id, p.program_id, s.skill_id, s.id, gen_random_uuid()::text,
            md5(random()::text) || md5(random()::text), 'form', p.at, p.at,
            4 + floor(random() * 7)::int, floor(random() * 6)::int,
            1 + floor(random() * 5)::int, 5 + floor(random() * 20)::int
        FROM (SELECT e.participant_id, e.program_id,
                     (CAST(:today AS date) - d.n) + time '15:00'
                     + random() * interval '4 hours' AS at,
                     floor(random() * (SELECT k FROM total))::int AS pick
              FROM enrolments e CROSS JOIN generate_series(1, :days) AS d(n)
              WHERE random() < 0.28) p
        JOIN skills s ON s.n = p.pick
    """, days=DAYS, today=today)


def add_scales(rng: random.Random, today: date) -> int:
    """PHQ-9 and GAD-7 each week, from pools of answer sets scored by the registry."""
    from app.scales.registry import SCALES, score

    _sql("CREATE TEMP TABLE scale_pool (scale text, n int, answers json, total int, "
         "band text)")
    pool_size = 100
    rows = []
    for key in ("phq9", "gad7"):
        scale = SCALES[key]
        values = [o.value for o in scale.options]
        for n in range(pool_size):
            answers = {item.key: rng.choice(values) for item in scale.scored_items}
            if scale.safety_item:
                answers[scale.safety_item] = 0
            result = score(scale, answers)
            rows.append({"scale": key, "n": n, "answers": json.dumps(answers),
                         "total": result.total, "band": result.band.key})
    from app.extensions import db

    db.session.execute(sa.text("INSERT INTO scale_pool VALUES (:scale, :n, "
                               "CAST(:answers AS json), :total, :band)"), rows)
    return _sql("""
        INSERT INTO scale_responses (participant_id, program_id, scale, client_uuid,
            content_hash, answers, total, band, submitted_at)
        SELECT w.participant_id, w.program_id, sp.scale, gen_random_uuid()::text,
            md5(random()::text) || md5(random()::text), sp.answers, sp.total, sp.band, w.at
        FROM (SELECT e.participant_id, e.program_id, k.scale,
                     (CAST(:today AS date) - 7 * w.n) + time '17:00'
                     + random() * interval '2 hours' AS at,
                     floor(random() * :pool)::int AS pick
              FROM enrolments e CROSS JOIN generate_series(1, :weeks) AS w(n)
              CROSS JOIN (VALUES ('phq9'), ('gad7')) AS k(scale)) w
        JOIN scale_pool sp ON sp.scale = w.scale AND sp.n = w.pick
    """, today=today, weeks=DAYS // 7, pool=pool_size)


def add_sessions(n: dict, rng: random.Random, today: date) -> dict:
    """Weekly group series spread over the programs, the last weeks' occurrences, and the
    attendance of everyone enrolled in the program at each."""
    from app.models import SessionKind, SessionOccurrence, SessionSeries
    from app.schedule.recurrence import normalise_recurrence

    now = datetime.now(UTC)
    start = today - timedelta(days=DAYS + 1)
    programs = dict(_rows("SELECT id, time_zone FROM programs"))
    series, occurrences = [], []
    program_ids = sorted(programs)
    for s in range(1, n["series"] + 1):
        program_id = program_ids[(s - 1) % len(program_ids)]
        zone = programs[program_id]
        weekday = (s - 1) // len(program_ids) % len(WEEKDAYS)
        at = time(9 + (s // 7) % 6, 0)
        rule, _end = normalise_recurrence(f"FREQ=WEEKLY;BYDAY={WEEKDAYS[weekday]}", start,
                                          start, at, zone, None)
        series.append({"id": s, "program_id": program_id, "kind": rng.choice(
            [SessionKind.GROUP_THERAPY, SessionKind.SKILLS_GROUP, SessionKind.PSYCHOEDUCATION]),
            "title": f"Group {s}", "time_zone": zone, "start_time": at,
            "duration_minutes": 90, "recurrence": rule, "anchor_date": start,
            "start_date": start, "end_date": None, "created_at": now, "updated_at": now})
        day = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
        for week in range(ATTENDANCE_WEEKS):
            local = datetime.combine(day - timedelta(weeks=week), at)
            occurrences.append({
                "series_id": s, "original_start_local": local,
                "original_start_at": local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC),
                "created_at": now})
    _insert(SessionSeries.__table__, series)
    _sql("SELECT setval(pg_get_serial_sequence('session_series', 'id'), "
         "(SELECT max(id) FROM session_series))")
    _insert(SessionOccurrence.__table__, occurrences)
    attendance = _sql("""
        INSERT INTO session_attendance (occurrence_id, participant_id, status,
            status_recorded_at, status_recorded_by_id)
        SELECT o.id, e.participant_id, CASE WHEN r < 0.78 THEN 'present'
            WHEN r < 0.85 THEN 'late' WHEN r < 0.94 THEN 'absent' ELSE 'excused' END,
            o.original_start_at + interval '2 hours', e.primary_clinician_id
        FROM session_occurrences o JOIN session_series s ON s.id = o.series_id
        JOIN enrolments e ON e.program_id = s.program_id
        -- One draw per row: the reference to e makes the subquery run for every row.
        CROSS JOIN LATERAL (SELECT random() + e.id * 0 AS r) x
    """)
    return {"series": len(series), "occurrences": len(occurrences), "attendance": attendance}


def _rows(statement: str) -> list:
    from app.extensions import db

    return db.session.execute(sa.text(statement)).all()


def build(database_url: str, scale: float, seed: int = 17) -> dict:
    """Empty the database and build the data set; returns row counts and seconds per step."""
    from app.extensions import db
    from app.security.passwords import hash_password
    from app.skills import catalogue

    rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable on purpose
    n = sizes(scale)
    today = datetime.now(UTC).date()
    app = app_for(database_url)
    timings = {}
    began = clock.perf_counter()
    reset(app)
    timings["migrations"] = clock.perf_counter() - began
    with app.app_context():
        step = clock.perf_counter()
        catalogue.sync()
        password_hash = hash_password(_demo_password())
        add_people(n, rng, password_hash, today)
        db.session.commit()
        timings["people"] = clock.perf_counter() - step
        for name, work in (("checkins", lambda: add_checkins(today)),
                           ("reviews", lambda: mark_reviewed(today)),
                           ("practices", lambda: add_practices(today)),
                           ("scales", lambda: add_scales(rng, today)),
                           ("sessions", lambda: add_sessions(n, rng, today))):
            step = clock.perf_counter()
            work()
            db.session.commit()
            timings[name] = clock.perf_counter() - step
        step = clock.perf_counter()
        db.session.execute(sa.text("ANALYZE"))  # fresh statistics, as autovacuum would get to
        db.session.commit()
        timings["analyze"] = clock.perf_counter() - step
        counts = {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                  for table in ("programs", "users", "clinician_programs", "enrolments",
                                "consents", "checkins", "checkin_reviews", "skill_practices",
                                "scale_responses", "session_series", "session_occurrences",
                                "session_attendance")}
        caseload = db.session.scalar(sa.text(
            "SELECT count(*) FROM enrolments e JOIN clinician_programs cp "
            "ON cp.program_id = e.program_id JOIN users u ON u.id = cp.user_id "
            "WHERE u.email = :email AND e.status = 'active'"), {"email": CASELOAD_EMAIL})
        year = db.session.scalar(sa.text(
            "SELECT count(*) FROM checkins c JOIN users u ON u.id = c.participant_id "
            "WHERE u.email = :email"), {"email": YEAR_EMAIL})
    app_engine_dispose(app)
    return {"scale": scale, "sizes": n, "counts": counts, "seconds": timings,
            "total_seconds": clock.perf_counter() - began,
            "caseload": {"email": CASELOAD_EMAIL, "participants": caseload},
            "year": {"email": YEAR_EMAIL, "checkins": year}}


def app_engine_dispose(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


def _demo_password() -> str:
    from app.demo.seed import DEMO_PASSWORD

    return DEMO_PASSWORD


def main(argv: list[str] | None = None) -> dict:
    """Build the data set and print what was made."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="a PostgreSQL database whose schema may be emptied")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0: the issue's numbers; 0.01: a small version in seconds")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("the large data set is for PostgreSQL (--database-url postgresql://...)")
    result = build(args.database_url, args.scale)
    print(json.dumps(result, indent=2))
    print(f"caseload clinician: {CASELOAD_EMAIL} ({result['caseload']['participants']} "
          f"participants); participant with a year of history: {YEAR_EMAIL} "
          f"({result['year']['checkins']} check-ins); password: the demo one; "
          f"generator: {result['total_seconds']:.1f} s")
    return result


if __name__ == "__main__":
    main()
