"""Trellis: the application factory."""

from importlib import import_module
from typing import Any

from flask import Flask

from config import INSTANCE_DIR, Config, check_settings, config_from_environment

#: The packages that make up Trellis, each registered through its `register(app)`: security
#: first (its hooks guard every request), then the capabilities, then the audience shells that
#: compose them into each audience's navigation and home pages.
CAPABILITIES = (
    "app.security",
    "app.auth",
    "app.care",
    "app.checkins",
    "app.scales",
    "app.safety",
    "app.progress",
    "app.schedule",
    "app.push",
    "app.medications",
    "app.skills",
    "app.offline",
    "app.review",
    "app.demo",
    "app.public",
    "app.participant",
    "app.clinician",
    "app.admin",
)


def create_app(
    config: type[Config] | None = None, overrides: dict[str, Any] | None = None
) -> Flask:
    """Build the app from a configuration class (default: chosen by TRELLIS_ENV)."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder="../templates",
        static_folder="../static",
    )
    config = config or config_from_environment()
    app.config.from_object(config)
    app.config["SECRET_KEY"] = config.secret_key()
    app.config.update(overrides or {})
    # Settings production cannot run with stop the start here, for every entry point (gunicorn
    # workers, `flask` commands, the reminders worker); gunicorn.conf.py also runs this check
    # in gunicorn's master, with its worker count, so a bad setting is one line, not a loop.
    check_settings(app.config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set in the environment.")

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from app import assets, database, errors, formatting, i18n, logging_setup, templating
    from app.extensions import csrf, db, htmx, limiter, login_manager, mail, migrate

    # First, so its before-request hook (request id, start time) runs before any hook that can
    # end a request early (CSRF, size limits, access rules), and every request gets its line.
    logging_setup.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=database.render_migration_item,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are revoked by token instead
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    for package in CAPABILITIES:
        import_module(package).register(app)
    return app
