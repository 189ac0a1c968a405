"""Configuration classes, read from the environment.

`TRELLIS_ENV` picks the class (production by default, so a forgotten setting fails safe).
Every variable read here is listed in the README's Configuration section.
"""

import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TRELLIS_INSTANCE_PATH", BASE_DIR / "instance"))


def _database_url(default: str) -> str:
    """Return DATABASE_URL, normalised so PostgreSQL URLs use the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL", default)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key() -> str:
    """Generate a secret key once into instance/ so development sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "production"
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'trellis.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "trellis_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    #: Idle limits per role; a participant who ticks "keep me signed in" gets REMEMBER_ME_IDLE.
    STAFF_IDLE_TIMEOUT = timedelta(minutes=15)
    STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=8)
    PARTICIPANT_IDLE_TIMEOUT = timedelta(minutes=30)
    REMEMBER_ME_IDLE = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, which has its own timeouts
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    #: Flask-WTF's extra check over https wants a Referer from the same host, but every page
    #: sends `Referrer-Policy: no-referrer`, so browsers send none and every form behind TLS
    #: would fail. The token (on every POST, htmx and API call too) and SameSite cookies stay.
    WTF_CSRF_SSL_STRICT = False
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    #: Languages a participant can choose; a language is added once its catalogue is complete.
    LANGUAGES = {"en": "English", "es": "Español"}
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: Log lines as JSON (production) or as plain text (development); TRELLIS_LOG_FORMAT.
    LOG_FORMAT = os.environ.get("TRELLIS_LOG_FORMAT", "json")
    RATELIMIT_HEADERS_ENABLED = False
    #: Failed sign-ins before each further attempt waits: per account from browsers that never
    #: signed in to it, per browser that did (its device cookie), and per address; the wait
    #: doubles from the first delay to the cap (app/security/throttle.py, docs/security.md).
    LOGIN_FREE_FAILURES = 5
    LOGIN_FREE_FAILURES_PER_IP = 30
    LOGIN_FIRST_DELAY_SECONDS = 1
    LOGIN_MAX_DELAY_SECONDS = 15 * 60
    #: Wrong second-factor codes (or app-lock PINs) allowed before a pause / full sign-in.
    SECOND_STEP_FAILURES = 5
    SECOND_STEP_WINDOW = "15 minutes"
    INVITE_LIFETIME = timedelta(days=7)
    #: How long audit events are kept (HIPAA asks for six years of documentation).
    AUDIT_RETENTION = timedelta(days=int(os.environ.get("AUDIT_RETENTION_DAYS", str(6 * 366))))
    #: argon2id cost: about 19 MiB, two passes, one lane (OWASP's first recommendation).
    ARGON2_MEMORY_KIB = 19 * 1024
    ARGON2_TIME_COST = 2
    ARGON2_PARALLELISM = 1
    HSTS = True
    #: How many reverse proxies sit in front of Trellis; their X-Forwarded-For/-Proto are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    DEMO_MODE = os.environ.get("TRELLIS_DEMO_MODE", "") == "1"
    #: Where a participant's Quick exit button goes: a neutral, everyday site.
    QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.weather.gov/")
    #: The public origin (https://trellis.example.org) that links sent out of the app use.
    BASE_URL = os.environ.get("TRELLIS_BASE_URL", "")
    # --- Security: request limits, access across transfers (app/security, app/care/scope) ---
    #: Largest request body in bytes; JSON endpoints accept less (`@accepts_json`).
    MAX_CONTENT_LENGTH = int(os.environ.get("TRELLIS_MAX_CONTENT_LENGTH", str(1024 * 1024)))
    #: Days a program's staff keep read-only access to what was recorded in their program
    #: after the participant moved on (transfer, step-down, discharge); then nothing.
    HANDOVER_DAYS = int(os.environ.get("TRELLIS_HANDOVER_DAYS", "30"))
    # --- Web Push reminders (app/push; README, Configuration) ---
    #: The VAPID private key (raw base64url, DER or PEM); unset: generated into instance/.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    #: Who push services contact about our messages: a real mailto: or https: URL.
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT")
    #: Push-service hosts allowed besides FCM, Mozilla, Apple and Windows ("*.example" too).
    PUSH_SERVICE_HOSTS = os.environ.get("PUSH_SERVICE_HOSTS", "")
    #: Testing only, never read from the environment: endpoints on 127.0.0.1 (fake service).
    PUSH_ALLOW_LOOPBACK_FOR_TESTS = False
    #: Push requests a worker keeps in flight: push services answer in tens to hundreds of
    #: milliseconds, so this (not CPU) decides how fast a worker sends (docs/benchmarks.md).
    PUSH_SEND_CONCURRENCY = int(os.environ.get("PUSH_SEND_CONCURRENCY", "100"))
    #: Connections a worker opens to one push service (0: as many as PUSH_SEND_CONCURRENCY).
    PUSH_CONNECTIONS_PER_HOST = int(os.environ.get("PUSH_CONNECTIONS_PER_HOST", "0"))
    REMINDERS_BATCH_SIZE = int(os.environ.get("REMINDERS_BATCH_SIZE", "500"))
    #: How long a worker's claim on a reminder lasts before another worker may retry it.
    REMINDERS_LEASE_SECONDS = int(os.environ.get("REMINDERS_LEASE_SECONDS", "300"))
    REMINDERS_POLL_SECONDS = float(os.environ.get("REMINDERS_POLL_SECONDS", "5"))
    REMINDERS_PLAN_SECONDS = int(os.environ.get("REMINDERS_PLAN_SECONDS", "60"))
    REMINDERS_MAX_ATTEMPTS = int(os.environ.get("REMINDERS_MAX_ATTEMPTS", "8"))
    #: Minutes before a safety alert goes to a program's other clinicians (per program too).
    ALERT_ESCALATION_MINUTES = 30
    # --- The installed app (app/offline; docs/offline.md) ---
    #: Seconds a page waits for a weak signal before the phone shows its saved copy instead.
    OFFLINE_SLOW_PAGE_SECONDS = float(os.environ.get("OFFLINE_SLOW_PAGE_SECONDS", "8"))
    # --- Password recovery by e-mail (app/auth/reset.py; README, Configuration) ---
    #: The SMTP server (Flask-Mailman). Unset: no e-mail; people ask their care team instead.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "")
    MAIL_TIMEOUT = 10
    #: How long links last: sent by e-mail, and handed over by a clinician or admin.
    PASSWORD_RESET_EMAIL_LIFETIME = timedelta(minutes=30)
    PASSWORD_RESET_STAFF_LIFETIME = timedelta(hours=24)
    #: Reset e-mails asked for per address and per IP address within PASSWORD_RESET_WINDOW.
    PASSWORD_RESET_REQUESTS_PER_ADDRESS = 3
    PASSWORD_RESET_REQUESTS_PER_IP = 20
    PASSWORD_RESET_WINDOW = "hour"  # noqa: S105 - a time window, not a password

    @classmethod
    def secret_key(cls) -> str | None:
        """Production reads SECRET_KEY from the environment and nowhere else."""
        return os.environ.get("SECRET_KEY")


class DevelopmentConfig(Config):
    """`make run`: SQLite in instance/, demo data allowed, cookies over plain http."""

    ENV_NAME = "development"
    LOG_FORMAT = os.environ.get("TRELLIS_LOG_FORMAT", "text")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    HSTS = False
    DEMO_MODE = True
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:trellis-development@example.org")

    @classmethod
    def secret_key(cls) -> str | None:
        return os.environ.get("SECRET_KEY") or _development_secret_key()


class TestingConfig(DevelopmentConfig):
    """The test suite: cheap password hashing, in-memory rate-limit storage."""

    ENV_NAME = "testing"
    TESTING = True
    #: No mail unless a test starts its own SMTP server (tests/auth/smtp_server.py).
    MAIL_SERVER = ""
    MAIL_USE_TLS = False
    RATELIMIT_STORAGE_URI = "memory://"
    ARGON2_MEMORY_KIB = 1024
    ARGON2_TIME_COST = 1
    PUSH_ALLOW_LOOPBACK_FOR_TESTS = True

    @classmethod
    def secret_key(cls) -> str | None:
        return "testing-secret-key-not-for-production"


class ProductionConfig(Config):
    """gunicorn behind a TLS-terminating proxy, PostgreSQL through DATABASE_URL."""


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigurationError(RuntimeError):
    """A setting production cannot run with; the one-line message names the variable."""


#: Secret keys seen in examples and in this repository's tests: never a production key.
PLACEHOLDER_SECRET_KEYS = frozenset({
    TestingConfig.secret_key(), "change-me", "changeme", "change_me", "secret", "secret-key",
    "your-secret-key", "dev", "development", "production", "trellis", "replace-me",
})
#: A key shorter than this is guessable enough to forge session cookies offline.
MIN_SECRET_KEY_LENGTH = 32
#: Domains that cannot be a real contact address in production (VAPID_SUBJECT).
_PLACEHOLDER_DOMAINS = re.compile(
    r"(^|\.)(example\.(com|org|net)|localhost|test|invalid|local)$", re.IGNORECASE
)
_MAILTO = re.compile(r"^mailto:[^@\s/]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")
_HTTPS = re.compile(r"^https://([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)(/\S*)?$")


def vapid_subject_problem(subject: str | None, production: bool) -> str | None:
    """Why VAPID_SUBJECT cannot be used (one line), or None: push services contact it, so it
    must be a real mailto: or https: URL, and in production not a placeholder."""
    if not subject:
        return ("VAPID_SUBJECT is not set: give a contact for push services, e.g. "
                "mailto:it@your-program.org or https://your-program.org/contact")
    match = _MAILTO.match(subject) or _HTTPS.match(subject)
    if match is None:
        return f"VAPID_SUBJECT {subject!r} is not a mailto: address or an https: URL"
    if production and _PLACEHOLDER_DOMAINS.search(match.group(1)):
        return (f"VAPID_SUBJECT {subject!r} is a placeholder; push services (Apple first) "
                "refuse it. Use a real address of your organisation.")
    return None


def check_settings(settings: Mapping[str, Any], workers: int = 1) -> None:
    """Refuse production settings that would run unsafely or wrongly; raise ConfigurationError.

    `workers` is how many web processes serve the app (gunicorn's count, checked by
    gunicorn.conf.py before any worker starts): SQLite and in-memory sign-in counts only work
    for one. Development and testing are not checked.
    """
    if settings.get("ENV_NAME") != "production":
        return
    secret = settings.get("SECRET_KEY") or ""
    if not secret:
        raise ConfigurationError(
            "SECRET_KEY must be set in the environment in production: a long random value, the "
            "same for every process (python3 -c 'import secrets; print(secrets.token_hex(32))').")
    if secret.strip().lower() in PLACEHOLDER_SECRET_KEYS or len(secret) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"SECRET_KEY is a placeholder or shorter than {MIN_SECRET_KEY_LENGTH} characters: "
            "set a long random value (python3 -c 'import secrets; print(secrets.token_hex(32))').")
    _check_base_url(settings.get("BASE_URL") or "")
    problem = vapid_subject_problem(settings.get("VAPID_SUBJECT"), production=True)
    if problem:
        raise ConfigurationError(problem)
    if workers > 1:
        if str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
            raise ConfigurationError(
                f"DATABASE_URL is SQLite, which cannot serve {workers} gunicorn workers in "
                "production: use PostgreSQL (DATABASE_URL=postgresql://user@host/db) or run one "
                "worker (GUNICORN_WORKERS=1).")
        if str(settings.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
            raise ConfigurationError(
                f"RATELIMIT_STORAGE_URI is memory://, so each of {workers} gunicorn workers would "
                "count failed sign-ins on its own: use Redis "
                "(RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0) or run one worker "
                "(GUNICORN_WORKERS=1).")


def _check_base_url(value: str) -> None:
    """Links sent out of the app are built from TRELLIS_BASE_URL: an https origin, no path."""
    parts = urlsplit(value)
    https_origin = (parts.scheme == "https" and parts.hostname and not parts.username
                    and parts.path in ("", "/") and not parts.query and not parts.fragment)
    if not https_origin:
        raise ConfigurationError(
            "TRELLIS_BASE_URL must be set in production to the public https origin people "
            "reach Trellis at, e.g. https://trellis.example.org (no path). Links sent out of "
            f"the app (invites, calendar feeds) are built from it. Got: {value!r}")


def settings_from_environment() -> dict[str, Any]:
    """The settings create_app() would use without overrides, SECRET_KEY included."""
    config = config_from_environment()
    settings = {name: getattr(config, name) for name in dir(config) if name.isupper()}
    settings["SECRET_KEY"] = config.secret_key()
    return settings


def check_environment(workers: int = 1) -> None:
    """check_settings() on the environment, for gunicorn's master before workers start."""
    check_settings(settings_from_environment(), workers)


def config_from_environment() -> type[Config]:
    """Pick the configuration class named by TRELLIS_ENV (default: production)."""
    name = os.environ.get("TRELLIS_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"TRELLIS_ENV={name!r} is not one of {', '.join(CONFIGS)}"
        ) from None
