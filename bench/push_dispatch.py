"""Benchmark: reminder dispatch throughput against a local push service.

    .venv/bin/python bench/push_dispatch.py [--reminders 10000] [--processes 0 1] [--repeats 3]

Each run fills a fresh SQLite database (in a temporary folder) with N due reminders for N
participants, one device each, subscribed at a lean local push service (a separate process that
answers 201 and keeps every request). A worker process (the real `Dispatcher`: claim, build
payloads, encrypt, sign, post, record) then sends them all and reports its wall time, CPU and
peak memory (max RSS). Afterwards every body is decrypted with its device's key and every VAPID
token is verified, outside the timing.

The reference is the encryption-only rate (pywebpush's `WebPusher(...).encode` of the same
payload, one core), measured just before and just after each run: the target is a dispatch
rate of at least 0.7 of it. Settings of PUSH_ENCRYPT_PROCESSES alternate, `--repeats` runs each;
the report gives every run and the median. Results are written to docs/benchmarks.md (this
benchmark's section only; `--no-write` to leave it).
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = "<!-- push-dispatch:start -->"
END = "<!-- push-dispatch:end -->"


# --- the lean push service (its own process) --------------------------------------------------

def _serve(port_queue, stop_event, result_queue) -> None:
    """Answer every POST with 201 and keep each request's head and body for checking later.

    As lean as it can be (it shares the machine's cores with the worker being measured): it
    finds where each request ends and answers; the heads are parsed after the run.
    """
    received = []
    length_of = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
    answer = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"

    class Protocol(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport, self.buffer = transport, b""

        def data_received(self, data):
            buffer = self.buffer + data if self.buffer else data
            answers = 0
            while True:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    break
                length = int(length_of.search(buffer, 0, end + 2).group(1))
                if len(buffer) < end + 4 + length:
                    break
                received.append((buffer[:end], buffer[end + 4:end + 4 + length]))
                buffer = buffer[end + 4 + length:]
                answers += 1
            self.buffer = buffer
            if answers:
                self.transport.write(answer * answers)

    async def main():
        server = await asyncio.get_running_loop().create_server(Protocol, "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        while not stop_event.is_set():
            await asyncio.sleep(0.05)
        server.close()

    cpu = time.process_time()
    asyncio.run(main())
    result_queue.put((received, time.process_time() - cpu))


# --- setting up the database --------------------------------------------------------------------

def _app(database: str, instance: Path, processes: int = 0):
    from app import create_app
    from config import TestingConfig

    return create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": database, "REMINDERS_BATCH_SIZE": 500,
        "PUSH_SEND_CONCURRENCY": 64, "PUSH_ENCRYPT_PROCESSES": processes,
        "VAPID_PRIVATE_KEY": (instance / "vapid.pem").read_text()})


def _fill(database: str, instance: Path, count: int, origin: str) -> dict:
    """N participants, one device each, one due test reminder each; returns the device keys."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import PushSubscription, Reminder, ReminderStatus, Role, User
    from app.push.vapid import b64url

    app = _app(database, instance)
    keys = {}
    with app.app_context():
        upgrade()
        now = datetime.now(UTC)
        db.session.execute(db.insert(User), [
            {"id": i, "email": f"p{i}@bench.invalid", "display_name": f"P{i}",
             "role": Role.PARTICIPANT, "is_active": True, "language": "en",
             "session_token": f"t{i}", "created_at": now} for i in range(1, count + 1)])
        subs = []
        for i in range(1, count + 1):
            private = ec.generate_private_key(ec.SECP256R1())
            auth = os.urandom(16)
            public = private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
            token = f"d{i}"
            keys[token] = (private.private_numbers().private_value, auth)
            subs.append({"id": i, "user_id": i, "endpoint": f"{origin}/push/{token}",
                         "endpoint_hash": f"{i:064d}", "p256dh": b64url(public),
                         "auth": b64url(auth), "push_service": "test",
                         "device_label": "Chrome on Android", "app_origin": "https://t.test",
                         "created_at": now, "updated_at": now})
        db.session.execute(db.insert(PushSubscription), subs)
        db.session.execute(db.insert(Reminder), [
            {"dedupe_key": f"bench:{i}", "user_id": i, "kind": "test", "is_planned": False,
             "due_at": now, "stale_at": now + timedelta(hours=1), "next_attempt_at": now,
             "status": ReminderStatus.PENDING, "attempts": 0, "context": {"path": "/"},
             "created_at": now, "updated_at": now} for i in range(1, count + 1)])
        db.session.commit()
    return keys


# --- the worker (its own process, so its peak memory is its own) --------------------------------

def _worker(database: str, instance: str, processes: int) -> None:
    from app.extensions import db
    from app.push.dispatcher import Dispatcher, tune_garbage_collector

    app = _app(database, Path(instance), processes)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connect before timing
        dispatcher = Dispatcher(app)
        tune_garbage_collector()  # as `flask reminders worker` does
        if processes:  # start the encryption processes before timing
            dispatcher.sender._pool.submit(int).result()
        started, cpu = time.perf_counter(), time.process_time()
        stats = dispatcher.send_due()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        dispatcher.close()
    peak_kib = _peak_rss_kib()
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "sent": stats.sent,
                      "failed": stats.failed,
                      "retrying": stats.retrying, "peak_rss_mib": peak_kib / 1024}))


def _peak_rss_kib() -> int:
    """This process's peak resident memory. Linux's VmHWM, not getrusage's ru_maxrss: the
    latter carries over the peak of the process this one was forked from (the benchmark
    itself, holding every message received so far) across exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- checks and the reference rate --------------------------------------------------------------

def _encryption_rate(samples: int = 3000) -> float:
    """Messages per second that pywebpush encrypts on one core (the floor)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from app.push.crypto import encrypt
    from app.push.vapid import b64url

    private = ec.generate_private_key(ec.SECP256R1())
    public = b64url(private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    auth = b64url(os.urandom(16))
    payload = json.dumps({"web_push": 8030, "notification": {
        "title": "Trellis", "body": "You have a reminder", "tag": "trellis-test", "lang": "en",
        "data": {"kind": "test", "id": 12345, "url": "/"},
        "navigate": "https://t.test/"}}).encode()
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(samples):
            encrypt(public, auth, payload)
        rates.append(samples / (time.perf_counter() - started))
    return statistics.median(rates)


def _verify(received: list, keys: dict, public_key: str, origin: str) -> dict:
    """Check every message as a strict push service would (VAPID token, headers) and decrypt
    it with its device's key; outside the timing."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.push.fake_push_service import PushChecker

    checker = PushChecker(public_key, origin)
    ids, tokens = [], set()
    for head, body in received:
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        fields = {name.strip().lower(): value.strip()
                  for name, _sep, value in (line.partition(":") for line in lines[1:])}
        auth, ttl, topic = fields["authorization"], fields["ttl"], fields["topic"]
        token = path.rsplit("/", 1)[1]
        private_value, secret = keys[token]
        checker.keys[token] = (ec.derive_private_key(private_value, ec.SECP256R1()), secret)
        headers = {"Authorization": auth, "Content-Encoding": fields["content-encoding"],
                   "TTL": ttl, "Topic": topic}
        ids.append(checker.check(path, headers, body).reminder_id)
        del checker.keys[token]
        tokens.add(auth)
    return {"messages": len(received), "distinct_reminders": len(set(ids)),
            "vapid_tokens": len(tokens)}


@contextmanager
def _database(folder: Path, postgres: str | None):
    """A fresh database for one run: SQLite in `folder`, or a new PostgreSQL database on the
    server of `postgres` (dropped afterwards)."""
    if postgres is None:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    import psycopg

    name = f"trellis_bench_{os.getpid()}_{folder.name[-8:].lower()}"
    server = postgres.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield "postgresql+psycopg://" + server.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _one_run(count: int, processes: int, postgres: str | None) -> dict:
    """Fill a fresh database, send everything with a worker process, check what arrived."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from app.push.vapid import private_key_pem, public_key_b64

    with tempfile.TemporaryDirectory(prefix="trellis-bench-") as folder, \
            _database(Path(folder), postgres) as database:
        folder = Path(folder)
        key = ec.generate_private_key(ec.SECP256R1())
        (folder / "vapid.pem").write_bytes(private_key_pem(key))
        context = multiprocessing.get_context("spawn")
        ports, stop, out = context.Queue(), context.Event(), context.Queue()
        server = context.Process(target=_serve, args=(ports, stop, out), daemon=True)
        server.start()
        origin = f"http://127.0.0.1:{ports.get(timeout=20)}"
        keys = _fill(database, folder, count, origin)
        # The reference, measured just before and just after the run: this machine's speed
        # drifts by tens of per cent within a minute (other tenants), and the ratio must
        # compare the worker with encryption on the same machine as it was then.
        before = _encryption_rate()
        answer = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--worker", database, str(folder),
             str(processes)], capture_output=True, text=True, check=True, cwd=ROOT,
            env={**os.environ, "TRELLIS_ENV": "testing"})
        after = _encryption_rate()
        worker = json.loads(answer.stdout.strip().splitlines()[-1])
        stop.set()
        received, service_cpu = out.get(timeout=60)
        server.join(10)
        checked = _verify(received, keys, public_key_b64(key), origin)
    encryption_rate = (before + after) / 2
    rate = worker["sent"] / worker["seconds"]
    return {"encrypt_processes": processes, "database": "PostgreSQL" if postgres else "SQLite",
            **worker, **checked,
            "service_cpu_seconds": service_cpu, "encryption_rate": encryption_rate,
            "encryption_rates": [before, after], "rate": rate, "ratio": rate / encryption_rate}


def run(count: int, settings: list[int], repeats: int, postgres: str | None = None) -> dict:
    """`repeats` runs of each setting, alternating settings (so drift hits them alike)."""
    results = {"reminders": count, "repeats": repeats, "runs": [], "load": os.getloadavg()}
    for _ in range(repeats):
        for processes in settings:
            results["runs"].append(_one_run(count, processes, postgres))
            print(json.dumps(results["runs"][-1]), flush=True)
    return results


def write_report(results: dict) -> None:
    """Replace this benchmark's section of docs/benchmarks.md."""
    settings = sorted({(r["database"] != "SQLite", r["database"], r["encrypt_processes"])
                       for r in results["runs"]})
    command = f"--reminders {results['reminders']} --repeats {results['repeats']}"
    if len({r["database"] for r in results["runs"]}) > 1:
        command += " --postgres …"
    lines = [START, "## Push reminder dispatch", "",
             f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
             f"({platform.processor() or platform.machine()}), Python "
             f"{platform.python_version()}, `bench/push_dispatch.py {command}`; load average "
             f"at the start {results['load'][0]:.1f}.", "",
             "Target: a dispatch rate of at least 0.7 of the encryption-only rate (pywebpush "
             "`WebPusher(...).encode` of the same payload on one core, measured just before "
             "and just after each run; the mean of the two is the run's reference).", "",
             "| database | encryption processes | runs | ratio (median) | ratios "
             "| sends/s (median) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for _order, database, setting in settings:
        runs = [r for r in results["runs"]
                if r["encrypt_processes"] == setting and r["database"] == database]
        ratios = ", ".join(f"{r['ratio']:.2f}" for r in runs)
        lines.append(
            f"| {database} | {setting} | {len(runs)} | "
            f"**{statistics.median(r['ratio'] for r in runs):.2f}** "
            f"| {ratios} | "
            f"{statistics.median(r['rate'] for r in runs):,.0f} |")
    lines += ["", "Every run:", "",
              "| database | encryption processes | reminders sent | seconds | sends/s "
              "| encryption-only /s "
              "(before, after) | ratio | worker CPU per message | push service CPU per "
              "message | worker peak RSS | VAPID tokens | bodies verified |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run_ in results["runs"]:
        before, after = run_["encryption_rates"]
        lines.append(
            f"| {run_['database']} | {run_['encrypt_processes']} | {run_['sent']:,} | "
            f"{run_['seconds']:.2f} | "
            f"{run_['rate']:,.0f} | {before:,.0f}, {after:,.0f} | {run_['ratio']:.2f} | "
            f"{1e6 * run_['cpu_seconds'] / run_['sent']:.0f} µs | "
            f"{1e6 * run_['service_cpu_seconds'] / run_['sent']:.0f} µs | "
            f"{run_['peak_rss_mib']:.0f} MiB | {run_['vapid_tokens']} | {run_['messages']:,} "
            f"({run_['distinct_reminders']:,} distinct) |")
    lines += ["", NOTES, END]
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = "\n".join(lines)
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


#: What the numbers mean (kept true by hand when the worker changes).
NOTES = """\
Each run: a worker process (`Dispatcher.send_due` as `flask reminders worker` runs it: batches
of 500, 64 requests in flight; the next batch claimed, prepared and handed to the encryption
processes while one is sent) claims, renders, encrypts, signs (one cached VAPID token per
push-service origin), posts and records every reminder in SQLite. The local push service runs
in its own process on the same two cores; it only finds where each request ends and answers
201. Afterwards every body is decrypted with its device's key and every message checked as the
tests' fake push service checks it (VAPID signature, audience, expiry, subject, headers),
outside the timing. Worker CPU and peak RSS (VmHWM) are the worker process's own (an encryption
process adds about 230 µs of CPU per message here, the encryption itself, and about 40 MiB).
On PostgreSQL (`--postgres`: a fresh database on the local server for each run) part of the
database work moves into the server's processes, which share the same two cores.

Where a message's CPU goes in the worker process (measured separately on this machine on a
calm stretch, when it encrypts about 4,400 messages a second, 230 µs each; on a busy one, as in
some runs above, everything is slower): the database side, measured with the
sender replaced by one that answers at once, about 95-105 µs (claiming; one query for the
devices, languages and app names; building the payload and Topic; recording the delivery, the
row's new state and the device's last delivery with one `executemany` per statement, 250 rows a
transaction); the HTTP client about 25-30 µs (`http.py`; aiohttp costs about 200 µs here); the
hand-offs between the database thread, the sending thread and the encryption process the rest.
The push service takes another 45-50 µs of the same two cores.

So with one encryption process the three processes need about 460 µs of CPU per message from
two cores, and the run takes about 300 µs per message: the ratio lands between 0.7 and 0.8,
moving with this machine's speed, which drifts by tens of per cent within a minute (hence the
bracketed reference, the repeats and the median). The encryption process is the bottleneck:
`/proc/<pid>/schedstat` shows it running about 90% of the run, at about 290 µs per message
rather than the 230 µs it takes alone, because both cores are then busy (a virtual machine's
two cores share caches, and may be two threads of one physical core). With no encryption process
everything shares one interpreter lock and the ratio is about 0.5; that is why one encryption
process is the default where there is a second core. More throughput comes from more workers
(PostgreSQL shares the outbox between any number) and from more cores.

What changed the most, for whoever works on this next (before → after, ratio with one
encryption process): the HTTP client on a BufferedProtocol with one deadline timer (0.55 →
0.65: asyncio's default 256 KiB read buffer alone cost an mmap and munmap per answer);
handing the next batch to the encryption process before this one is finished (→ 0.72);
recording outcomes with `executemany` instead of SQLAlchemy statements built per flush, lists
bound as one parameter, claims read back untyped, and the garbage collector kept off the app's
start-up objects (→ 0.75)."""


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--processes", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each setting")
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL: a server "
                        "URL (postgresql://user@host:port/db) where a database may be created")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/")
    args = parser.parse_args()
    results = run(args.reminders, args.processes, args.repeats)
    if args.postgres:
        results["runs"] += run(args.reminders, args.processes, args.repeats,
                               args.postgres)["runs"]
    if not args.no_write:
        write_report(results)


if __name__ == "__main__":
    main()
