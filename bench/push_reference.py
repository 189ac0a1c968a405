"""The two references the drain is compared with: how fast pywebpush encrypts on one core, and
pywebpush's one-call `webpush()` in a loop, as a typical Flask app sends."""

import json
import statistics
import time

from push_service import Service, exactly_once


def encryption_rate(devices: list, samples: int) -> float:
    """Messages a second pywebpush encrypts on one core (the floor: a new ECDH key each)."""
    from app.push.crypto import encrypt

    payload = json.dumps({"web_push": 8030, "notification": {
        "title": "Trellis", "body": "You have a reminder", "tag": "trellis-checkin",
        "lang": "en", "data": {"kind": "checkin", "id": 123456, "url": "/checkin"},
        "navigate": "https://trellis.bench/checkin"}}).encode()
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        for n in range(samples):
            encrypt(*devices[n % len(devices)], payload)
        rates.append(samples / (time.perf_counter() - started))
    return statistics.median(rates)


def peer(service: Service, devices: list, vapid_raw: str, seconds: float, limit: int) -> dict:
    """pywebpush's `webpush()` in a loop, one message after another, as a typical Flask app
    sends (a claims dict per call, the key string parsed each time, no timeout)."""
    from pywebpush import webpush

    service.call("/control/reset", "POST")
    sent, started = 0, time.perf_counter()
    while sent < limit and time.perf_counter() - started < seconds:
        sent += 1
        p256dh, auth = devices[sent % len(devices)]
        webpush({"endpoint": f"{service.origin}/push/d{sent}",
                 "keys": {"p256dh": p256dh, "auth": auth}},
                data=json.dumps({"notification": {"title": "Trellis", "body": "Reminder",
                                                  "data": {"id": sent}}}),
                vapid_private_key=vapid_raw, vapid_claims={"sub": "mailto:ops@trellis.org"})
    elapsed = time.perf_counter() - started
    check = exactly_once(service.call("/control/report"), set(range(1, sent + 1)))
    return {"sent": sent, "seconds": elapsed, "rate": sent / elapsed, "check": check}
