"""Caseload benchmark: a clinician's caseload page (/clinician/) under load, p95 against 150 ms.

    .venv/bin/python bench/large_data.py --database-url URL            # first: the data
    .venv/bin/python bench/caseload.py --database-url URL              # then: wrk, prints JSON
    .venv/bin/python bench/caseload.py --database-url URL --quick      # a few requests, no wrk
    .venv/bin/python bench/caseload.py --database-url URL --profile 20 # in one process
    .venv/bin/python bench/caseload.py --database-url URL --profile 5 --page /me \\
        --email year@bench.invalid                                     # any signed-in page

Reuses bench/pages.py's server (gunicorn, 2 sync workers, bench/pages_app.py) and its wrk
runner. The clinician signs in as a person does: password, then the second step with a TOTP
code from the account's secret (bench/large_data.py gives the caseload clinician the demo
secret). wrk then asks for the caseload with that session cookie, with as many connections as
workers (service time, no queue in front) and with 8 (pages.py's load: the queue counts too);
a small Lua hook prints the 95th percentile, which wrk's own summary does not show. Nothing is
written to the docs; the result goes to build/bench-caseload.json.

`--profile N` instead serves N caseloads in this process (Flask's test client, no gunicorn) and
prints each SQL statement of one request with its time, then pyinstrument's call tree.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import assets  # noqa: E402
from bench.large_data import CASELOAD_EMAIL  # noqa: E402
from bench.pages import DEMO_PASSWORD, free_port, machine, start_server, worker_peaks  # noqa: E402

P95_TARGET_MS = 150
#: wrk's summary stops at p90/p99; this prints p95 (microseconds) after the run.
P95_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\\n", latency:percentile(95)))
end
"""


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in_staff(base: str, email: str, secret: str) -> requests.Session:
    """A clinician's session past the second step."""
    session = requests.Session()
    answer = session.post(f"{base}/signin", data={
        "csrf_token": _token(session.get(f"{base}/signin").text),
        "email": email, "password": DEMO_PASSWORD})
    if "/mfa" not in answer.url:
        raise SystemExit(f"signing in as {email} landed on {answer.url}")
    answer = session.post(answer.url, data={"csrf_token": _token(answer.text),
                                            "code": pyotp.TOTP(secret).now()})
    if "/clinician" not in answer.url:
        raise SystemExit(f"the second step landed on {answer.url}")
    return session


def wrk_p95(url: str, duration: int, connections: int, headers: dict) -> dict:
    """One wrk run: requests/s, p50, p95, p99 (ms) and non-2xx answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(P95_SCRIPT)
    try:
        command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s",
                   "--latency", "--timeout", "10s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(command + [url], capture_output=True,  # noqa: S603 - wrk
                                text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    latency = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", output).group(1)) for p in (50, 99)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # Requests wrk gave up on (after 10 s) count here, not in the latency.
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", output)
    return {"connections": connections, "timeouts": int(timeouts.group(1)) if timeouts else 0,
            "completed": int(re.search(r"(\d+) requests in", output).group(1)),
            "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": latency[50],
            "p95_ms": int(re.search(r"p95_us (\d+)", output).group(1)) / 1000,
            "p99_ms": latency[99], "non_2xx": int(errors.group(1)) if errors else 0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def profile(database_url: str, email: str, secret: str, requests_: int,
            page: str = "/clinician/") -> None:
    """A page's SQL (statement and milliseconds) and call tree, in one process; `email` may be
    a participant's too (then there is no second step)."""
    import time

    from pyinstrument import Profiler
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig

    url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    app = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()
    answer = client.post("/signin", data={
        "csrf_token": _token(client.get("/signin").get_data(as_text=True)),
        "email": email, "password": DEMO_PASSWORD}, follow_redirects=True)
    if "csrf_token" in answer.get_data(as_text=True) and "/mfa" in answer.request.path:
        client.post("/mfa", data={"csrf_token": _token(answer.get_data(as_text=True)),
                                  "code": pyotp.TOTP(secret).now()})
    assert client.get(page).status_code == 200, page
    with app.app_context():
        engine = db.engine
    statements = []

    def before(_conn, _cursor, _statement, _params, context, _many):
        context._bench_started = time.perf_counter()

    def after(_conn, _cursor, statement, _params, context, _many):
        elapsed = (time.perf_counter() - context._bench_started) * 1000
        statements.append((elapsed, " ".join(statement.split())[:200]))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    started = time.perf_counter()
    client.get(page)
    whole = (time.perf_counter() - started) * 1000
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"== {page}: {len(statements)} SQL statements, "
          f"{sum(ms for ms, _ in statements):.1f} ms in SQL of {whole:.1f} ms")
    for ms, statement in sorted(statements, reverse=True):
        print(f"  {ms:8.1f} ms  {statement}")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests_):
        client.get(page)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; returns the results."""
    from app.demo.seed import DEMO_TOTP_SECRET

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database built beforehand")
    parser.add_argument("--email", default=CASELOAD_EMAIL, help="the clinician to sign in as")
    parser.add_argument("--totp-secret", default=DEMO_TOTP_SECRET)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--quick", action="store_true", help="a few requests, no wrk")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="profile N requests in this process instead")
    parser.add_argument("--page", default="/clinician/",
                        help="the page --profile asks for (a participant's too, with --email)")
    args = parser.parse_args(argv)
    if args.profile:
        os.environ.setdefault("TRELLIS_ENV", "development")
        profile(args.database_url, args.email, args.totp_secret, args.profile, args.page)
        return {}
    if not args.quick and shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk), or use --quick")
    workdir = Path(tempfile.mkdtemp(prefix="trellis-bench-"))
    env = {**os.environ, "TRELLIS_ENV": "development", "PYTHONPATH": str(ROOT),
           "DATABASE_URL": args.database_url}
    env.pop("FLASK_DEBUG", None)
    assets.build(target=workdir / "static")
    env["BENCH_STATIC_BUILD"] = str(workdir / "static")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        server = start_server(env, port)
        session = sign_in_staff(base, args.email, args.totp_secret)
        page = session.get(f"{base}/clinician/")
        if page.status_code != 200:
            raise SystemExit(f"/clinician/ answered {page.status_code}")
        rows = page.text.count('class="caseload__row')
        if args.quick:
            result = {"quick": True, "bytes": len(page.content), "rows_seen": rows}
            print(json.dumps(result))
            return result
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        headers = {"Cookie": cookie, "Accept-Encoding": "br, gzip"}
        load_before = os.getloadavg()[0]
        runs = [wrk_p95(f"{base}/clinician/", args.duration, c, headers) for c in (2, 8)]
        result = {"at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                  "email": args.email, "bytes": len(page.content), "rows_seen": rows,
                  "duration": args.duration, "runs": runs, "target_p95_ms": P95_TARGET_MS,
                  "load_before": load_before, "load_after": os.getloadavg()[0],
                  "rss_kib": worker_peaks(server)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2))
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench-caseload.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
