"""Page benchmark: participant pages under load, each as a ratio to a minimal Flask endpoint.

    .venv/bin/python bench/pages.py                 # demo data on SQLite, wrk, writes the doc
    .venv/bin/python bench/pages.py --duration 5    # shorter runs per measurement
    .venv/bin/python bench/pages.py --quick         # a few requests per page, no wrk, no timing

The quick mode (tests/test_bench_pages.py runs it) sends each page a few requests with
`requests` instead of wrk, so CI needs no wrk: it checks that the benchmark still starts, signs
in and gets the expected answer from every page, and measures nothing.

gunicorn serves bench/pages_app.py (Trellis and the minimal "ok" app in the same workers: 2
sync workers, as the issue measures) on a loopback port. For each page, `wrk` (2 threads, 8
connections, the participant's session cookie, Accept-Encoding br) runs against the minimal
endpoint, then the page, then the minimal endpoint again; the page's ratio is its requests per
second over the mean of the two minimal runs around it, so load from other processes on a
shared machine moves both alike. Afterwards: the peak memory (VmHWM) of each worker. The results
go to docs/benchmarks.md between the `pages` markers (`--no-write` only prints them).

`--database-url URL` runs against a database prepared beforehand instead of the demo data
(then `--email` names the participant to sign in as; the password is the demo one).
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import assets  # noqa: E402

BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- pages:start -->", "<!-- pages:end -->"
DEMO_EMAIL, DEMO_PASSWORD = "alex@example.org", "trellis-demo-password"  # noqa: S105

#: (label, path, method, target ratio to the minimal endpoint) as the issue sets them.
PAGES = [
    ("/today", "/today", "GET", 0.15),
    ("/schedule", "/schedule", "GET", 0.15),
    ("/checkin", "/checkin", "GET", 0.15),
    ("/skills", "/skills", "GET", 0.15),
    ("/me", "/me", "GET", 0.15),
    ("/progress", "/progress", "GET", 0.08),
    ("/crisis (signed in)", "/crisis", "GET", 0.40),
    ("POST /api/v1/checkins", "/api/v1/checkins", "POST", 0.12),
]
P99_TARGET_MS = 100

#: wrk posts a new check-in each request (a fresh client_uuid, so none is a replay).
POST_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
local prefix = string.format("%08x", math.random(0, 0x7fffffff))
request = function()
  n = n + 1
  local id = string.format("%s-0000-4000-8000-%012x", prefix, n)
  local body = '{"client_uuid": "' .. id .. '", "mood": 3, "feelings": ["calm"]}'
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_demo(env: dict) -> None:
    """Migrations, demo data and the skills catalogue in the benchmark's own database."""
    for command in (["db", "upgrade"], ["demo", "seed"], ["skills", "sync"]):
        subprocess.run([BIN / "flask", "--app", "wsgi", *command], env=env, cwd=ROOT,  # noqa: S603
                       check=True, capture_output=True)


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our venv's gunicorn
        [BIN / "gunicorn", "--workers", "2", "--worker-class", "sync", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "bench.pages_app:app"],
        env=env, cwd=ROOT)
    deadline = time.monotonic() + 120  # workers import the app first; slow on a busy machine
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/bench-ok/", timeout=5).text == "ok":
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def sign_in(base: str, email: str) -> tuple[requests.Session, str]:
    """A signed-in session and the CSRF token its API calls need."""
    session = requests.Session()
    form = session.get(f"{base}/signin").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = session.post(f"{base}/signin", data={
        "csrf_token": token, "email": email, "password": DEMO_PASSWORD})
    if "/consent" in answer.url:  # the privacy notice, accepted once
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer.text)
        answer = session.post(answer.url, data={"csrf_token": token.group(1),
                                                "accept": "y"})
    if not answer.url.endswith("/today"):
        raise SystemExit(f"signing in as {email} landed on {answer.url}")
    answer = session.get(f"{base}/api/v1/session")
    if answer.status_code != 200:
        raise SystemExit(f"the session check answered {answer.status_code}: {answer.text[:200]}")
    api_token = answer.json()["csrf_token"]
    return session, api_token


def check_pages(base: str, session: requests.Session, api_token: str, count: int) -> dict:
    """Every page answers as it should, `count` times (the quick mode's whole run)."""
    answered = {}
    for label, path, method, _target in PAGES:
        for _ in range(count):
            if method == "POST":
                response = session.post(f"{base}{path}", headers={"X-CSRFToken": api_token},
                                        json={"client_uuid": str(uuid.uuid4()), "mood": 3,
                                              "feelings": ["calm"]})
                expected = 201
            else:
                response = session.get(f"{base}{path}", allow_redirects=False)
                expected = 200
            if response.status_code != expected:
                raise SystemExit(f"{label}: {response.status_code}, expected {expected}")
        answered[label] = count
    return answered


def wrk(url: str, duration: int, headers: dict, script: str | None = None) -> dict:
    """One wrk run (2 threads, 8 connections): requests/s, p50/p99 latency, errors."""
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True,  # noqa: S603 - wrk, our URL
                            text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", output).group(1)) for p in (50, 99)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50_ms": latency[50], "p99_ms": latency[99],
            "non_2xx": int(errors.group(1)) if errors else 0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def worker_peaks(server: subprocess.Popen) -> list[int]:
    """Peak resident memory (VmHWM, KiB) of each gunicorn worker."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)))
    return peaks


def measure(base: str, session: requests.Session, api_token: str, duration: int) -> list:
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    headers = {"Cookie": cookie, "Accept-Encoding": "br, gzip"}
    rows = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(POST_SCRIPT)
    try:
        for label, path, method, target in PAGES:
            before = wrk(f"{base}/bench-ok/", duration, headers)
            if method == "POST":
                page = wrk(f"{base}{path}", duration,
                           {**headers, "X-CSRFToken": api_token}, script.name)
            else:
                page = wrk(f"{base}{path}", duration, headers)
            after = wrk(f"{base}/bench-ok/", duration, headers)
            reference = (before["rate"] + after["rate"]) / 2
            rows.append({"label": label, "target": target, **page,
                         "reference": reference, "ratio": page["rate"] / reference})
            print(f"{label}: {page['rate']:.0f}/s, ratio {page['rate'] / reference:.3f}, "
                  f"p99 {page['p99_ms']:.0f} ms, non-2xx {page['non_2xx']}", flush=True)
    finally:
        os.unlink(script.name)
    return rows


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 1048576:.0f} GiB of memory, "
            f"Python {platform.python_version()}")


def section(result: dict) -> str:
    """The Markdown section for one run."""
    rows = "\n".join(
        f"| {r['label']} | {r['rate']:,.0f} | {r['reference']:,.0f} | **{r['ratio']:.3f}** "
        f"| ≥ {r['target']}: {'met' if r['ratio'] >= r['target'] else '**missed**'} "
        f"| {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms "
        f"({'met' if r['p99_ms'] <= P99_TARGET_MS else '**missed**'}) | {r['non_2xx']} |"
        for r in result["rows"])
    P99 = P99_TARGET_MS  # noqa: N806 - keeps the table's line short
    peaks = ", ".join(f"{kib / 1024:.0f} MiB" for kib in result["rss_kib"])
    return f"""{START}
## Participant pages under load

Run {result['at']} on {result['machine']}; data: {result['data']}; load average
{result['load_before']:.2f} before, {result['load_after']:.2f} after (the machine is shared).
`.venv/bin/python bench/pages.py`: gunicorn, 2 sync workers, serving bench/pages_app.py; wrk, 2
threads, 8 connections, {result['duration']} s a run, signed in as the demo participant,
`Accept-Encoding: br, gzip`. Each page runs between two runs of the minimal endpoint (a bench-only
Flask app answering "ok" in the same workers); the ratio is the page's requests per second over
their mean.

| page | req/s | minimal endpoint req/s | ratio | target | p50 | p99 (≤ {P99} ms) | non-2xx |
| --- | --- | --- | --- | --- | --- | --- | --- |
{rows}

Peak memory (VmHWM) of the web workers after the run: {peaks}.
{END}"""


def write(text: str) -> None:
    doc = DOC.read_text()
    if START in doc:
        head, rest = doc.split(START, 1)
        doc = head + text + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc)


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; returns the results (the quick mode's test reads them)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a few requests per page without wrk; no timing, nothing written")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--database-url", help="a prepared database (default: demo data)")
    parser.add_argument("--email", default=DEMO_EMAIL, help="the participant to sign in as")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    args = parser.parse_args(argv)
    if not args.quick and shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk), or use --quick")

    workdir = Path(tempfile.mkdtemp(prefix="trellis-bench-"))
    env = {**os.environ, "TRELLIS_ENV": "development", "PYTHONPATH": str(ROOT)}
    env.pop("FLASK_DEBUG", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        data = f"the database at {args.database_url.split('@')[-1]}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
        prepare_demo(env)
        data = "the demo data (`flask demo seed`) on SQLite"
    assets.build(target=workdir / "static")  # as `flask assets build`, in the bench folder
    env["BENCH_STATIC_BUILD"] = str(workdir / "static")
    port = free_port()
    server = None
    base = f"http://127.0.0.1:{port}"
    try:
        server = start_server(env, port)
        session, api_token = sign_in(base, args.email)
        if args.quick:
            result = {"quick": check_pages(base, session, api_token, 3),
                      "rss_kib": worker_peaks(server)}
            print(json.dumps(result))
            return result
        load_before = os.getloadavg()[0]
        rows = measure(base, session, api_token, args.duration)
        result = {"at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                  "data": data, "duration": args.duration, "rows": rows,
                  "load_before": load_before, "load_after": os.getloadavg()[0],
                  "rss_kib": worker_peaks(server)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    text = section(result)
    print(text)
    if not args.no_write:
        write(text)
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench-pages.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
