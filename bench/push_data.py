"""The benchmark's database: a fresh schema, participants with one device each, and check-in
reminders due at one instant, inserted in bulk (Core executemany, thousands of rows per
statement), not object by object."""

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.utils import b64urlencode

#: Device n uses key pair n % KEY_PAIRS: every message is still encrypted with a new ephemeral
#: key (the sender's cost is unchanged), and the stand-in can decrypt with few keys in memory.
KEY_PAIRS = 64
ZONE = "America/New_York"
CHUNK = 5000


def app_for(database: str, **settings):
    """The app as the workers build it (TestingConfig: the stand-in listens on loopback)."""
    os.environ.setdefault("TRELLIS_ENV", "testing")
    from app import create_app
    from config import TestingConfig

    if database.startswith("postgresql://"):  # psycopg 3, as config.py normalises it
        database = "postgresql+psycopg://" + database[len("postgresql://"):]
    return create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database, **settings})


def reset(app) -> None:
    """An empty schema built by the real migrations: `public`, or the first schema of the
    connection's search_path (`?options=-csearch_path%3Dname` in the URL: the tests run the
    quick mode in a schema of their own database)."""
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            schema = db.session.scalar(sa.text("SHOW search_path")).split(",")[0].strip()
            schema = "public" if schema.startswith('"$user"') else schema.strip('"')
            quoted = db.engine.dialect.identifier_preparer.quote(schema)
            db.session.execute(sa.text(f"DROP SCHEMA IF EXISTS {quoted} CASCADE"))
            db.session.execute(sa.text(f"CREATE SCHEMA {quoted}"))
            db.session.commit()
        db.engine.dispose()
        upgrade()


def write_keys(folder: Path, vapid_private_key: ec.EllipticCurvePrivateKey) -> tuple:
    """Device key pairs and the VAPID public key, in the file the stand-in reads."""
    from app.push.vapid import public_key_b64

    pairs, devices = [], []
    for _ in range(KEY_PAIRS):
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        pairs.append([private.private_numbers().private_value, b64urlencode(auth)])
        devices.append((b64urlencode(public), b64urlencode(auth)))
    path = folder / "keys.json"
    path.write_text(json.dumps({"vapid_public_key": public_key_b64(vapid_private_key),
                                "keys": pairs}))
    return path, devices


def _insert(table, rows: list[dict]) -> None:
    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start:start + CHUNK])


def add_people(app, count: int, origin: str, devices: list[tuple]) -> None:
    """Participants 1..count, each with one device at the stand-in (endpoint /push/d<n>)."""
    from app.extensions import db
    from app.models import PushSubscription, Role, User

    now = datetime.now(UTC)
    with app.app_context():
        _insert(User.__table__, [
            {"id": n, "email": f"p{n}@bench.invalid", "display_name": f"P{n}",
             "role": Role.PARTICIPANT, "is_active": True, "language": "en",
             "session_token": f"t{n}", "created_at": now} for n in range(1, count + 1)])
        _insert(PushSubscription.__table__, [
            {"id": n, "user_id": n, "endpoint": f"{origin}/push/d{n}",
             "endpoint_hash": f"{n:064d}", "p256dh": devices[n % KEY_PAIRS][0],
             "auth": devices[n % KEY_PAIRS][1], "push_service": "test",
             "device_label": "Chrome on Android", "app_origin": "https://trellis.bench",
             "created_at": now, "updated_at": now} for n in range(1, count + 1)])
        db.session.commit()


def add_reminders(app, people: range, due_at: datetime, label: str) -> float:
    """One check-in reminder per participant in `people`, all due at `due_at` (not planned
    rows, so the planning worker leaves them alone); returns the seconds the insert took."""
    from app.extensions import db
    from app.models import Reminder, ReminderStatus

    day = due_at.astimezone(ZoneInfo(ZONE)).date().isoformat()
    context = {"day": day, "zone": ZONE, "path": "/checkin"}
    started = time.perf_counter()
    with app.app_context():
        _insert(Reminder.__table__, [
            {"dedupe_key": f"bench:{label}:{n}", "user_id": n, "kind": "checkin",
             "is_planned": False, "due_at": due_at, "stale_at": due_at + timedelta(hours=3),
             "next_attempt_at": due_at, "status": ReminderStatus.PENDING, "attempts": 0,
             "context": context, "created_at": due_at, "updated_at": due_at}
            for n in people])
        db.session.commit()
    return time.perf_counter() - started


def reminder_ids(app, label: str) -> set[int]:
    """The ids of one phase's reminders."""
    from app.extensions import db
    from app.models import Reminder

    with app.app_context():
        return set(db.session.scalars(sa.select(Reminder.id).where(
            Reminder.dedupe_key.like(f"bench:{label}:%"))))


def remaining(app) -> int:
    """Reminders not finished yet (pending or being sent), through the status index."""
    from app.extensions import db
    from app.models import Reminder, ReminderStatus

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Reminder).where(
            Reminder.status.in_([ReminderStatus.PENDING, ReminderStatus.SENDING])))
        db.session.rollback()
        return count


def statuses(app, label: str) -> dict:
    """A phase's reminders by status."""
    from app.extensions import db
    from app.models import Reminder

    with app.app_context():
        return {status.value: count for status, count in db.session.execute(
            sa.select(Reminder.status, sa.func.count()).where(
                Reminder.dedupe_key.like(f"bench:{label}:%")).group_by(Reminder.status))}


def backend_pids(app) -> list[int]:
    """PostgreSQL server processes serving other connections to this database (the workers')."""
    from app.extensions import db

    with app.app_context():
        return list(db.session.scalars(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident memory (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
