"""The large-data benchmarks' quick mode end to end (bench/large_data.py --scale 0.01, then
bench/caseload.py --quick), so they keep working: the generator builds a small data set in its
own schema through the real migrations, and the clinician with the benchmark's caseload signs in
with both steps and sees every one of their participants. No timing is asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
#: The generator empties the schema it is given: its own, in the test database.
SCHEMA = "large_quick_bench"


def test_the_small_large_data_set_builds_and_its_caseload_answers(db):
    url = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql")
    bench = url.update_query_dict({"options": f"-csearch_path={SCHEMA}"}) \
        .render_as_string(hide_password=False)
    try:
        built = subprocess.run(
            [sys.executable, "bench/large_data.py", "--database-url", bench, "--scale", "0.01"],
            cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert built.returncode == 0, built.stderr[-3000:]
        caseload = subprocess.run(
            [sys.executable, "bench/caseload.py", "--quick", "--database-url", bench],
            cwd=ROOT, capture_output=True, text=True, timeout=240)
    finally:
        db.session.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        db.session.commit()
    assert caseload.returncode == 0, caseload.stderr[-3000:]
    made = json.loads(built.stdout[:built.stdout.rindex("}") + 1])
    assert made["year"]["checkins"] > 300  # a year of daily check-ins, give or take a few
    (line,) = [line for line in caseload.stdout.splitlines() if line.startswith('{"quick"')]
    seen = json.loads(line)
    assert seen["rows_seen"] == made["caseload"]["participants"] > 0
