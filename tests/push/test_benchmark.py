"""The drain benchmark's quick mode end to end (bench/push_drain.py --quick), so it keeps
working: a few hundred reminders through two real worker processes and the stand-in push
service, failing if any message was lost or duplicated. No timing is asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
#: The benchmark empties the schema it is given: its own, in the test database.
SCHEMA = "push_quick_bench"


def test_the_quick_benchmark_delivers_every_message_exactly_once(db):
    url = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql")
    bench = url.update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    try:
        run = subprocess.run(
            [sys.executable, "bench/push_drain.py", "--quick", "--database",
             bench.render_as_string(hide_password=False)],
            cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        db.session.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        db.session.commit()
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout)
    drain = results["drain"]["check"]
    assert drain["expected"] == drain["received"] == drain["distinct"] == 300
    assert sum(worker["sent"] for worker in results["drain"]["workers"]) == 300
    for phase in ("peer", "alone", "split"):
        check = results[phase]["check"]
        assert check["received"] == check["distinct"] == check["expected"] > 0
        assert check["lost"] == check["duplicated"] == check["rejected"] == 0
