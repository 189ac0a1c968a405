"""Push reminders: Web Push (VAPID) to participants' and staff's devices.

Pages (`routes`, `staff_routes`, `public_routes`, `forms`):
- `push` — the participant's Me → Reminders, under /me/reminders;
- `push_staff` — a clinician's or admin's devices for safety alerts, under /clinician/reminders;
- `push_public` — the service worker at /sw.js, and the two token-authenticated endpoints it
  calls without a session (snooze from a notification, re-subscribe).

Service code:
- `vapid`: the VAPID key pair (instance/ or VAPID_PRIVATE_KEY) and signed headers cached per
  push-service origin.
- `endpoints`: which push endpoints are acceptable (https:443 at a known push service) and
  which addresses may be connected to (no loopback, private, link-local or metadata).
- `subscriptions`: devices: validate, store (one row per endpoint), remove, list.
- `kinds`: the registry of reminder kinds: trigger, lead, urgency, staleness, texts, link.
- `triggers`: the adapters to the other capabilities (sessions, check-ins, scales, alerts).
- `preferences`: each person's choices and quiet hours.
- `payload`: the JSON a device receives; discreet unless the person chose details.
- `planner`: fills the outbox idempotently from the schedule, check-ins, scales and alerts.
- `outbox`: claiming due rows (SKIP LOCKED on PostgreSQL, a lock row on SQLite) and
  recording outcomes.
- `crypto`, `sender`, `client`, `answers`, `batch`: encrypt (pywebpush), sign (py_vapid) and
  post (aiohttp, a resolver applying the SSRF checks), many requests at once from an event
  loop on the sender's thread, and what each answer means for the reminder.
- `dispatcher`: the worker loop tying it together; sends never happen in a web request.
- `cli` (`flask push …`) and `worker_cli` (`flask reminders …`); `demo` for the demo seed.
"""

from flask import Blueprint, Flask

from app.security.access import Rule, blueprint_access

bp = Blueprint("push", __name__)
blueprint_access(bp, Rule.PARTICIPANT)

staff_bp = Blueprint("push_staff", __name__)
blueprint_access(staff_bp, Rule.STAFF)

public_bp = Blueprint("push_public", __name__)
blueprint_access(public_bp, Rule.PUBLIC)


def register(app: Flask) -> None:
    """Attach the views to the blueprints, register them and the command groups."""
    from app.push import public_routes, routes, staff_routes  # noqa: F401
    from app.push.cli import push_cli
    from app.push.worker_cli import reminders_cli

    app.register_blueprint(bp, url_prefix="/me/reminders")
    app.register_blueprint(staff_bp, url_prefix="/clinician/reminders")
    app.register_blueprint(public_bp)
    app.cli.add_command(push_cli)
    app.cli.add_command(reminders_cli)
