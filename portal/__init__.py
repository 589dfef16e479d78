"""减污降碳协同申报平台 — the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Flask is imported by create_app: `portal check` imports this package and needs no Flask
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the portal: config, extensions, blueprints, error handlers, CLI — in that order."""
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    from .config import Config, env_overrides

    app.config.from_object(Config)
    app.config.update(env_overrides())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "portal.sqlite3")

    _init_extensions(app)

    from .web import register_blueprints

    register_blueprints(app)

    from .web.errors import register_error_handlers

    register_error_handlers(app)

    from .cli import register_app_commands

    register_app_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .web.i18n import select_locale, select_timezone

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from .db_sqlite import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("请先登录。")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from .auth.loading import load_user

    login_manager.user_loader(load_user)
