"""Benchmark: 100,000 reminders due at one minute, sent through a push service that answers
like the real network (after 80 ms, jittered), on PostgreSQL.

    .venv/bin/python bench/push_drain.py            # the full run (about four minutes)
    .venv/bin/python bench/push_drain.py --quick    # a few hundred reminders, no timing targets

One run, in order (details in docs/benchmarks.md, which the full run rewrites):

1. The peer: pywebpush's one-call `webpush()` in a loop, as a typical Flask app sends.
2. Drain: N check-in reminders due at one instant, two `flask reminders worker` processes (one
   planning, one `--no-plan`); the time from the due instant until every row is recorded sent,
   each worker's CPU and peak memory, and the stand-in's count of distinct message ids.
3. One worker alone (the `--no-plan` one) on N/5 more reminders: its rate against the
   encryption-only rate (pywebpush's `WebPusher.encode` on one core, measured before and after).
4. Where a message's CPU goes (`bench/push_split.py`).

The stand-in push service (`bench/push_service.py`) runs in its own process. Every phase checks
that each message arrived exactly once; the run exits non-zero if one was lost or duplicated.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import push_data  # noqa: E402
from push_reference import encryption_rate, peer  # noqa: E402
from push_report import write_report  # noqa: E402
from push_service import Service, check_ok, exactly_once  # noqa: E402

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/trellis_push_bench"


def start_worker(env: dict, log: Path, *args: str) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603 - our interpreter
            [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "worker", *args],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen, log: Path) -> dict:
    """SIGTERM (the worker finishes its batch) and its summary line."""
    worker.send_signal(signal.SIGTERM)
    worker.wait(60)
    summary = [line for line in log.read_text().splitlines() if line.startswith("claimed ")]
    if worker.returncode != 0 or not summary:
        raise RuntimeError(f"worker failed:\n{log.read_text()[-3000:]}")
    return {name: int(value) for value, name in
            (part.split(" ")[::-1] for part in summary[-1].split(", "))}


def wait_drained(app, service: Service, expected: int, timeout: float) -> float:
    """The wall time when no reminder was pending or being sent any more. The stand-in's count
    is polled until every message has arrived (cheap), then the outbox (a count over the
    status index) until the last answers are recorded; the outbox is also checked every few
    seconds meanwhile, so a run that lost messages still ends."""
    deadline, next_check = time.time() + timeout, time.time() + 5
    while time.time() < deadline:
        arrived = service.call("/control/stats")["messages"] >= expected
        if arrived or time.time() >= next_check:
            next_check = time.time() + 5
            if push_data.remaining(app) == 0:
                return time.time()
        time.sleep(0.05 if arrived else 0.25)
    raise RuntimeError(f"not drained after {timeout:.0f} s")


def drain(app, service, env, folder, count: int, lead: float, timeout: float) -> tuple:
    """Phase 2. The workers start first and settle (the planning one plans); then every
    reminder is inserted in one transaction, due at once: the drain is timed from the commit.
    Returns the results and the --no-plan worker, still running, for phase 3."""
    service.call("/control/reset", "POST")
    planner = start_worker(env, folder / "planner.log")
    sender = start_worker(env, folder / "sender.log", "--no-plan")
    time.sleep(lead)
    pids = push_data.backend_pids(app)
    cpu = {pid: push_data.cpu_seconds(pid) for pid in [planner.pid, sender.pid, *pids]}
    insert_seconds = push_data.add_reminders(app, range(1, count + 1), datetime.now(UTC),
                                             "drain")
    due_at = time.time()
    drained_at = wait_drained(app, service, count, timeout)
    used = {pid: push_data.cpu_seconds(pid) - before for pid, before in cpu.items()}
    peaks = [push_data.peak_rss_mib(planner.pid), push_data.peak_rss_mib(sender.pid)]
    report = service.call("/control/report")
    planner_stats = stop_worker(planner, folder / "planner.log")
    seconds = drained_at - due_at
    return {
        "reminders": count, "insert_seconds": insert_seconds, "seconds": seconds,
        "last_arrival_seconds": report["last_at"] - due_at, "rate": count / seconds,
        "workers": [
            {"role": "planning", "sent": planner_stats["sent"], "peak_rss_mib": peaks[0],
             "cpu_seconds": used[planner.pid]},
            {"role": "--no-plan", "sent": count - planner_stats["sent"],
             "peak_rss_mib": peaks[1], "cpu_seconds": used[sender.pid]}],
        "postgres_cpu_seconds": sum(used[pid] for pid in pids),
        "service_cpu_seconds": report["cpu_seconds"], "connections": report["connections"],
        "statuses": push_data.statuses(app, "drain"),
        "check": exactly_once(report, push_data.reminder_ids(app, "drain")),
    }, sender


def alone(app, service, sender, folder, count: int, first: int, timeout: float) -> dict:
    """Phase 3: the --no-plan worker alone sends `count` more reminders (to participants from
    `first` on); timed from the first arrival at the stand-in until all are recorded sent."""
    service.call("/control/reset", "POST")
    cpu = push_data.cpu_seconds(sender.pid)
    push_data.add_reminders(app, range(first, first + count), datetime.now(UTC), "alone")
    drained_at = wait_drained(app, service, count, timeout)
    used = push_data.cpu_seconds(sender.pid) - cpu
    report = service.call("/control/report")
    stop_worker(sender, folder / "sender.log")
    seconds = drained_at - report["first_at"]
    return {"reminders": count, "seconds": seconds, "rate": count / seconds,
            "cpu_seconds": used, "service_cpu_seconds": report["cpu_seconds"],
            "check": exactly_once(report, push_data.reminder_ids(app, "alone"))}


def split(database: str, vapid_pem: Path, count: int, service: Service) -> dict:
    """Phase 4, in its own process (bench/push_split.py)."""
    service.call("/control/reset", "POST")
    answer = subprocess.run(  # noqa: S603 - our interpreter and script
        [sys.executable, str(ROOT / "bench" / "push_split.py"), database, str(vapid_pem),
         str(count)], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "TRELLIS_ENV": "testing"})
    if answer.returncode != 0:
        raise RuntimeError(f"bench/push_split.py failed:\n{answer.stderr[-3000:]}")
    result = json.loads(answer.stdout.strip().splitlines()[-1])
    result["check"] = exactly_once(service.call("/control/report"),
                                   set(result.pop("ids")))
    return result


def machine(app) -> dict:
    """What the run ran on."""
    import platform

    import sqlalchemy as sa

    from app.extensions import db

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                  .splitlines() if line.startswith("MemTotal:"))
    with app.app_context():
        server = db.session.scalar(sa.text("SHOW server_version"))
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gib": memory / 2**20,
            "python": platform.python_version(), "postgresql": server,
            "load": os.getloadavg()[0],
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def run(args) -> dict:
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid.utils import b64urlencode

    from app.push.vapid import private_key_pem

    database = args.database
    if args.concurrency:  # the workers and bench/push_split.py read it from the environment
        os.environ["PUSH_SEND_CONCURRENCY"] = str(args.concurrency)
    app = push_data.app_for(database)
    push_data.reset(app)
    results = {"machine": machine(app), "delay_ms": args.delay_ms, "jitter_ms": args.jitter_ms,
               "concurrency": app.config["PUSH_SEND_CONCURRENCY"]}
    folder = Path(tempfile.mkdtemp(prefix="trellis-drain-"))
    vapid = ec.generate_private_key(ec.SECP256R1())
    pem = folder / "vapid.pem"
    pem.write_bytes(private_key_pem(vapid))
    keys, devices = push_data.write_keys(folder, vapid)
    service = Service(keys, args.delay_ms, args.jitter_ms)
    try:
        extra = args.reminders // 5
        push_data.add_people(app, args.reminders + extra, service.origin, devices)
        env = {**os.environ, "TRELLIS_ENV": "testing", "DATABASE_URL": database,
               "TRELLIS_INSTANCE_PATH": str(folder), "VAPID_PRIVATE_KEY": pem.read_text(),
               **({"REMINDERS_POLL_SECONDS": "0.5"} if args.quick else {})}
        raw = b64urlencode(vapid.private_numbers().private_value.to_bytes(32, "big"))
        log(f"peer: webpush() in a loop for up to {args.peer_seconds:.0f} s")
        results["peer"] = peer(service, devices, raw, args.peer_seconds, args.peer_limit)
        before = encryption_rate(devices, args.samples)
        log(f"drain: {args.reminders:,} reminders, two workers")
        results["drain"], sender = drain(app, service, env, folder, args.reminders,
                                         args.lead, args.timeout)
        log(f"one worker alone: {extra:,} reminders")
        results["alone"] = alone(app, service, sender, folder, extra, args.reminders + 1,
                                 args.timeout)
        after = encryption_rate(devices, args.samples)
        results["encryption_rates"] = [before, after]
        log("where the CPU goes")
        results["split"] = split(database, pem, args.split, service)
    finally:
        service.stop()
    return results


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few hundred reminders and a "
                        "short delay: checks that nothing is lost or duplicated, no targets")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL",
                                                             DEFAULT_DATABASE),
                        help="a PostgreSQL database the run may empty (default: %(default)s)")
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--delay-ms", type=float, default=80.0)
    parser.add_argument("--jitter-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, help="PUSH_SEND_CONCURRENCY of the workers "
                        "(default: the configured default)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--report-from", type=Path, nargs="+", metavar="JSON",
                        help="only write docs/benchmarks.md from earlier runs' --json files "
                        "(medians)")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()
    if args.report_from:
        write_report([json.loads(path.read_text()) for path in args.report_from])
        return 0
    if args.quick:
        args.reminders, args.delay_ms, args.jitter_ms = 300, 5.0, 2.0
        args.no_write = True
    quick = args.quick
    args.peer_seconds, args.peer_limit = (2.0, 10) if quick else (20.0, 10_000)
    args.samples, args.split = (50, 100) if quick else (2000, 5000)
    args.lead, args.timeout = (2.0, 60.0) if quick else (8.0, 900.0)
    results = run(args)
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text)
    checks = {phase: results[phase]["check"] for phase in ("peer", "drain", "alone", "split")}
    failed = {phase: check for phase, check in checks.items() if not check_ok(check)}
    if failed:
        print(f"FAILED: messages lost, duplicated or rejected: {json.dumps(failed)}",
              file=sys.stderr)
        return 1
    if not args.no_write:
        write_report([results])
    log("every message arrived exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
