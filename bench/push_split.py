"""Where a message's CPU goes in a worker: database and batch work, encryption, HTTP.

    python bench/push_split.py DATABASE VAPID_PEM COUNT   (run by bench/push_drain.py)

One process, one part at a time, each timed with this process's CPU time (`time.process_time`,
every thread, the sender's event loop thread included):

1. database and batch work: `Dispatcher.send_due` over COUNT due check-in reminders with a
   sender that answers "delivered" at once (claim, filter, one query for devices and people,
   payloads, Topic, snooze tokens, recording outcomes). The PostgreSQL server process serving
   this connection is timed too (its CPU from /proc).
2. encryption: pywebpush's `WebPusher(...).encode` of each of those payloads for its device.
3. HTTP: the real `Sender` posting those encrypted bodies (encryption replaced by looking the
   body up) to the stand-in push service: aiohttp, the cached VAPID header, the hand-over of
   results between threads.

Prints one JSON line: microseconds per message for each part.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from push_data import add_reminders, app_for, cpu_seconds  # noqa: E402


class AnswersAtOnce:
    """A sender that reports every job delivered without encrypting or posting it."""

    def __init__(self):
        self.jobs = []

    def start(self, jobs):
        self.jobs.extend(jobs)
        return jobs

    def collect(self, jobs, on_result, on_tick=None):
        from app.models import DeliveryOutcome
        from app.push.sender import PushResult

        for job in jobs:
            on_result(PushResult(job, DeliveryOutcome.DELIVERED, 201))

    def close(self):
        pass


def measure(database: str, vapid_pem: str, count: int) -> dict:
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from app.extensions import db
    from app.push import crypto
    from app.push import sender as sender_module
    from app.push.dispatcher import Dispatcher
    from app.push.endpoints import extra_hosts
    from app.push.sender import Sender
    from app.push.vapid import VapidSigner, check_configuration, keys

    app = app_for(database, VAPID_PRIVATE_KEY=vapid_pem)
    first = db_first_id(app)
    add_reminders(app, range(1, count + 1), datetime.now(UTC), "split")
    result = {"count": count}
    with app.app_context():
        backend = db.session.scalar(sa.text("SELECT pg_backend_pid()")) \
            if db.engine.dialect.name == "postgresql" else None
        recorder = AnswersAtOnce()
        dispatcher = Dispatcher(app, sender=recorder)
        server, cpu = cpu_seconds(backend) if backend else 0.0, time.process_time()
        stats = dispatcher.send_due()
        result["database_us"] = 1e6 * (time.process_time() - cpu) / count
        result["server_us"] = 1e6 * ((cpu_seconds(backend) if backend else 0.0) - server) / count
        jobs = [job for job in recorder.jobs if job.reminder_id >= first]
        assert stats.sent == len(jobs) == count, (stats, len(jobs))

        cpu = time.process_time()
        bodies = {job.payload: crypto.encrypt(job.p256dh, job.auth, job.payload)
                  for job in jobs}
        result["encryption_us"] = 1e6 * (time.process_time() - cpu) / count

        config = app.config
        sender = Sender(VapidSigner(keys(app).private_key, check_configuration(app)),
                        allow_loopback=True, extra_hosts=extra_hosts(config["PUSH_SERVICE_HOSTS"]),
                        concurrency=config["PUSH_SEND_CONCURRENCY"],
                        connections_per_host=config["PUSH_CONNECTIONS_PER_HOST"])
        sender_module.encrypt = lambda _p256dh, _auth, payload, _endpoint: bodies[payload]
        results = []
        cpu = time.process_time()
        sender.send(jobs, results.append)
        result["http_us"] = 1e6 * (time.process_time() - cpu) / count
        sender.close()
        result["http_delivered"] = sum(1 for r in results if r.status == 201)
        result["ids"] = sorted(job.reminder_id for job in jobs)
    return result


def db_first_id(app) -> int:
    """The id the next reminder will get (this phase's rows are those from it on)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Reminder

    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.max(Reminder.id))) or 0) + 1


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], Path(sys.argv[2]).read_text(), int(sys.argv[3]))))
