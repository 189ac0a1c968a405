"""Production refuses to start on settings it cannot run with, naming the variable."""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from app import create_app
from config import ConfigurationError, ProductionConfig, TestingConfig, check_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "ENV_NAME": "production",
    "SECRET_KEY": "4f1c0d9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e",
    "BASE_URL": "https://trellis.riverside-health.org",
    "VAPID_SUBJECT": "mailto:it@riverside-health.org",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://trellis@db/trellis",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}


def _refusal(settings: dict, workers: int = 1) -> str:
    with pytest.raises(ConfigurationError) as raised:
        check_settings(settings, workers)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_good_production_settings_pass_with_many_workers():
    check_settings(GOOD, workers=8)


@pytest.mark.parametrize("secret", [None, "", "change-me", "CHANGEME", "short-but-random-9f3",
                                    TestingConfig.secret_key()])
def test_a_missing_default_or_short_secret_key_is_refused(secret):
    assert _refusal({**GOOD, "SECRET_KEY": secret}).startswith("SECRET_KEY ")


@pytest.mark.parametrize("base", [None, "", "http://trellis.riverside-health.org",
                                  "https://trellis.riverside-health.org/app"])
def test_a_missing_or_unusable_base_url_is_refused(base):
    assert _refusal({**GOOD, "BASE_URL": base}).startswith("TRELLIS_BASE_URL ")


@pytest.mark.parametrize("subject", [None, "", "it@riverside-health.org",
                                     "mailto:me@example.org", "https://localhost/contact"])
def test_a_missing_or_placeholder_vapid_subject_is_refused(subject):
    assert _refusal({**GOOD, "VAPID_SUBJECT": subject}).startswith("VAPID_SUBJECT ")


def test_sqlite_is_refused_under_several_workers_only():
    sqlite = {**GOOD, "SQLALCHEMY_DATABASE_URI": "sqlite:////srv/trellis/trellis.db"}
    check_settings(sqlite, workers=1)
    message = _refusal(sqlite, workers=4)
    assert message.startswith("DATABASE_URL is SQLite") and "4 gunicorn workers" in message


def test_in_memory_sign_in_counts_are_refused_under_several_workers_only():
    memory = {**GOOD, "RATELIMIT_STORAGE_URI": "memory://"}
    check_settings(memory, workers=1)
    assert _refusal(memory, workers=2).startswith("RATELIMIT_STORAGE_URI ")


def test_development_and_testing_are_not_checked():
    check_settings({**GOOD, "ENV_NAME": "development", "SECRET_KEY": "", "BASE_URL": ""}, 4)


def test_the_app_factory_runs_the_checks(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "change-me")
    overrides = {k: GOOD[k] for k in ("BASE_URL", "VAPID_SUBJECT")}
    with pytest.raises(ConfigurationError, match="^SECRET_KEY is a placeholder"):
        create_app(ProductionConfig, {**overrides, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("SECRET_KEY", GOOD["SECRET_KEY"])
    with pytest.raises(ConfigurationError, match="^VAPID_SUBJECT is not set"):
        create_app(ProductionConfig, {**overrides, "VAPID_SUBJECT": None,
                                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    # and a subject push services would reject (a placeholder domain) stops it too
    with pytest.raises(ConfigurationError, match="VAPID_SUBJECT .* is a placeholder"):
        create_app(ProductionConfig, {**overrides, "VAPID_SUBJECT": "mailto:me@example.org",
                                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(ProductionConfig, {**overrides, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "production"


def _production_env(**changes) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "RATELIMIT_STORAGE_URI", "TRELLIS_ENV")}
    env.update({"TRELLIS_ENV": "production", "SECRET_KEY": GOOD["SECRET_KEY"],
                "TRELLIS_BASE_URL": GOOD["BASE_URL"], "VAPID_SUBJECT": GOOD["VAPID_SUBJECT"],
                "GUNICORN_BIND": "127.0.0.1:0"})
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.parametrize(("changes", "variable"), [
    ({"GUNICORN_WORKERS": "2"}, "DATABASE_URL"),  # the default database is SQLite
    ({"GUNICORN_WORKERS": "2", "DATABASE_URL": "postgresql://trellis@127.0.0.1:1/none"},
     "RATELIMIT_STORAGE_URI"),
    ({"GUNICORN_WORKERS": "1", "SECRET_KEY": None}, "SECRET_KEY"),
    ({"GUNICORN_WORKERS": "1", "VAPID_SUBJECT": "mailto:it@example.org"}, "VAPID_SUBJECT"),
    ({"GUNICORN_WORKERS": "1", "TRELLIS_BASE_URL": None}, "TRELLIS_BASE_URL"),
])
def test_gunicorn_refuses_to_start_with_one_line_naming_the_variable(changes, variable):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=_production_env(**changes), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {variable} ")
    assert "Traceback" not in result.stderr and "Booting worker" not in result.stderr


def test_gunicorn_hook_passes_good_settings_with_its_worker_count(monkeypatch):
    for name, value in _production_env(DATABASE_URL="postgresql://trellis@db/trellis",
                                       RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0").items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    settings["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=4)))
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/trellis.db")
    with pytest.raises(RuntimeError, match="^DATABASE_URL is SQLite"):
        settings["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=4)))


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "500")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (settings["workers"], settings["threads"], settings["max_requests"]) == (3, 4, 500)
    assert settings["max_requests_jitter"] > 0 and settings["graceful_timeout"] > 0
    # forwarded headers: only the app's ProxyFix, and only with TRUSTED_PROXIES set
    assert settings["forwarded_allow_ips"] == "" and settings["secure_scheme_headers"] == {}
    assert settings["accesslog"] is None  # the app's request log replaces it


def test_flask_commands_refuse_with_the_same_one_line(tmp_path):
    env = _production_env(SECRET_KEY="change-me", TRELLIS_INSTANCE_PATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "current"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("Error: ")]
    assert result.stderr.startswith("Error: SECRET_KEY is a placeholder")
