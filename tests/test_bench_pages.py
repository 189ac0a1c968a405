"""The page benchmark's quick mode end to end (bench/pages.py --quick), so it keeps working:
demo data in its own SQLite file, gunicorn with the bench app, a participant signed in, every
benchmarked page answered as expected. No timing is asserted."""

import json
import subprocess
import sys
from pathlib import Path

from bench.pages import PAGES

ROOT = Path(__file__).resolve().parents[1]


def test_the_quick_page_benchmark_gets_every_page():
    run = subprocess.run([sys.executable, "bench/pages.py", "--quick"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    (line,) = [line for line in run.stdout.splitlines() if line.startswith('{"quick"')]
    result = json.loads(line)
    assert result["quick"] == {label: 3 for label, *_ in PAGES}
    assert len(result["rss_kib"]) == 2 and all(kib > 10_000 for kib in result["rss_kib"])


def test_the_cpu_measure_reads_every_participant_page():
    """bench/pages_cpu.py signs in past the privacy notice and gets each page (it asserts 200)."""
    run = subprocess.run([sys.executable, "bench/pages_cpu.py", "--requests", "1"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| /")]
    assert [row.split(" | ")[0][2:] for row in rows] == [
        "/today", "/schedule", "/checkin", "/skills", "/me", "/progress", "/crisis"]
    assert all(int(row.rstrip(" |").rsplit("| ", 1)[1]) > 0 for row in rows)  # SQL was counted
