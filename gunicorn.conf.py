"""gunicorn settings for Trellis: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value comes from an environment variable (README, Configuration; docs/deploy.md).

Logging: gunicorn's access log is off. The app writes one JSON line per request itself
(app/logging_setup.py) with the request id, the route's rule (never the raw path, which can
hold a one-time token), the status and the duration; gunicorn's own messages (starting,
worker restarts, timeouts) are JSON lines of the same shape on stderr. GUNICORN_ACCESS_LOG=-
turns gunicorn's access log back on, in a format without paths, query strings or referrers.
"""

import os
import runpy
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Processes: about two per core. Several workers need PostgreSQL and Redis (checked below).
workers = _int("GUNICORN_WORKERS", 4)
#: Threads per worker; above 1 gunicorn uses its threaded worker (`gthread`).
threads = _int("GUNICORN_THREADS", 1)
#: A request running longer than this gets its worker killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
#: On restart or SIGTERM, how long workers may finish the requests they have.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
#: Seconds an idle keep-alive connection (from the proxy) stays open.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
#: Each worker is replaced after about this many requests (jitter keeps them from restarting
#: together), so a slow leak cannot grow without bound. 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Forwarded headers are trusted in one place only: the app's ProxyFix, when TRUSTED_PROXIES
# says how many proxies there are. gunicorn's own handling (which trusts 127.0.0.1 by default
# and would take X-Forwarded-Proto from anyone connecting from there) is turned off.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s %(t)s "%(m)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's own messages as JSON lines, like the app's (python-json-logger).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # The same fields as app.logging_setup.json_formatter() (not imported: see below).
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json",
                   "stream": "ext://sys.stderr"},
    },
    # The app puts its own JSON handler on the root logger in each worker (LOG_FORMAT=json);
    # gunicorn's default would add a plain-text one beside it.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(),
                           "propagate": False},
        # With a logging config gunicorn always writes access lines; WARNING drops them
        # unless GUNICORN_ACCESS_LOG asks for them.
        "gunicorn.access": {"handlers": ["stderr"], "level": "INFO" if accesslog else "WARNING",
                            "propagate": False},
    },
}


def on_starting(server) -> None:
    """Refuse to start, with one line naming the variable, on settings production cannot use.

    gunicorn prints a RuntimeError raised here as "Error: <message>" and exits 1, before any
    worker starts (a worker failing instead would print a traceback per attempt).
    """
    # config.py is run by path rather than imported: modules the master imports are inherited
    # by every worker it forks, so after a reload (SIGHUP) workers would keep the old code.
    config = runpy.run_path(str(Path(__file__).with_name("config.py")))
    config["check_environment"](workers=server.cfg.workers)
