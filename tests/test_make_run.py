"""`make run PORT=…`: the demo server listens where it is told, and says so."""

import contextlib
import os
import pathlib
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.auth.smtp_server import free_port

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("make") is None and os.environ.get("CI") != "true",
                    reason="make is not installed")
def test_make_run_serves_on_the_port_given(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # SQLite in tmp_path
    env.update(TRELLIS_INSTANCE_PATH=str(tmp_path), PUSH_ENCRYPT_PROCESSES="0")
    log = tmp_path / "make-run.log"
    with log.open("w") as output:
        # -o: treat the install as done (the suite runs inside the installed .venv)
        process = subprocess.Popen(
            ["make", "-o", "install", "-o", ".venv/.installed-stamp", "run", f"PORT={port}"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        text = log.read_text()
        assert f"Sign in at http://127.0.0.1:{port} with any of:" in text
        assert '.venv/bin/python -c "import pyotp' in text  # runs from a fresh shell as printed
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have stopped on its own
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
