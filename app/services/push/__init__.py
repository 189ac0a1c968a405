"""Web Push reminders: keys, endpoints, the kinds of reminder, planning, sending.

- `vapid`: the VAPID key pair (instance/ or VAPID_PRIVATE_KEY) and signed headers cached per
  push-service origin.
- `endpoints`: which push endpoints are acceptable (https:443 at a known push service) and
  which addresses may be connected to (no loopback, private, link-local or metadata).
- `subscriptions`: devices: validate, store (one row per endpoint), remove, list.
- `kinds`: the registry of reminder kinds: trigger, lead, urgency, staleness, texts, link.
- `preferences`: each person's choices and quiet hours.
- `payload`: the JSON a device receives; discreet unless the person chose details.
- `planner`: fills the outbox idempotently from the schedule, check-ins, scales and alerts.
- `outbox`: claiming due rows (SKIP LOCKED on PostgreSQL, a lock row on SQLite) and
  recording outcomes.
- `crypto`, `sender`, `http`: encrypt (pywebpush), sign (py_vapid) and post with our small
  HTTP/1.1 client, many requests at once, from an event loop on the sender's thread.
- `dispatcher`: the worker loop tying it together; sends never happen in a web request.
"""
