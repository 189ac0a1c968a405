"""Trellis: the application factory."""

from typing import Any

from flask import Flask

from config import INSTANCE_DIR, Config, config_from_environment


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
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set in the environment in production.")

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from app import database, errors, i18n, logging_setup, templating
    from app.extensions import csrf, db, htmx, limiter, login_manager, migrate
    from app.security import headers, sessions

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
    i18n.init_app(app)
    templating.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    logging_setup.init_app(app)
    from app.services import audit

    audit.init_app(app)
    app.before_request(sessions.enforce_timeouts)

    from app.security.access import enforce_access

    app.before_request(enforce_access)
    _register_blueprints(app)

    from app.cli import register_commands

    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.clinician import bp as clinician_bp
    from app.participant import bp as participant_bp
    from app.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(participant_bp)
    app.register_blueprint(clinician_bp, url_prefix="/clinician")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    _register_checkins(app)
    _register_schedule(app)
    from app import push

    push.register(app)


def _register_schedule(app: Flask) -> None:
    from app.schedule import bp as schedule_bp
    from app.schedule import staff_bp as sessions_bp

    app.register_blueprint(schedule_bp)
    app.register_blueprint(sessions_bp, url_prefix="/clinician/sessions")


def _register_checkins(app: Flask) -> None:
    from app import checkins
    from app.api import bp as api_bp

    app.register_blueprint(checkins.bp)
    app.register_blueprint(checkins.staff_bp, url_prefix="/clinician")
    app.register_blueprint(checkins.admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
