"""减污降碳协同申报平台 — the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

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
    _ensure_secret_key(app)
    install_proxy_fix(app, int(app.config.get("TRUSTED_PROXIES") or 0))

    _init_extensions(app)

    from .web import register_blueprints

    register_blueprints(app)

    from .web.errors import register_error_handlers

    register_error_handlers(app)

    from .cli import register_app_commands

    register_app_commands(app)
    return app


class InsecureConfiguration(RuntimeError):
    """Raise when the portal is configured in a way it must not run with."""


def _ensure_secret_key(app: Flask) -> None:
    """Refuse the default SECRET_KEY outside debug and testing; in the embedded mode, make and keep a random one.

    Anyone who knows the key can forge session cookies, so a shared default is as good as no login
    (issue 16 item 8). The embedded mode (SQLite: ``scripts/run-portal``) needs no setting: its key is made
    once and kept in ``<instance>/secret_key`` (mode 0600). Every other database needs PORTAL_SECRET_KEY.
    """
    from .config import DEFAULT_SECRET_KEY

    if app.config.get("SECRET_KEY") not in (None, "", DEFAULT_SECRET_KEY) or app.debug or app.testing:
        return
    if not app.config.get("SERVES_REQUESTS", True):  # a command-line tool that signs no cookie (cli.py)
        return
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
        return
    raise InsecureConfiguration(
        "SECRET_KEY 仍为默认值：请设置 PORTAL_SECRET_KEY（例如 python -c 'import secrets; print(secrets.token_hex(32))'）"
        " / SECRET_KEY is the default: set PORTAL_SECRET_KEY to a random value"
        " (python -c 'import secrets; print(secrets.token_hex(32))')"
    )


def _instance_secret(path: Path) -> str:
    """Return the key kept in ``path``, creating it (random, readable by the owner only) the first time."""
    import secrets

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text("ascii").strip()
        if len(key) < 32:
            raise InsecureConfiguration(f"{path} holds no usable key; delete it to make a new one") from None
        return key
    with os.fdopen(fd, "w") as handle:  # O_EXCL: of two processes starting together, one writes, both read it
        handle.write(secrets.token_hex(32))
    return path.read_text("ascii").strip()


def install_proxy_fix(app: Flask, proxies: int) -> None:
    """Trust X-Forwarded-For and X-Forwarded-Proto from ``proxies`` reverse proxies (none when 0).

    Behind a load balancer every request comes from the balancer's address; without this, the per-address
    sign-in limit would count a whole province as one client (issue 16 item 2). Only as many hops as there
    are proxies are trusted, so a client cannot name its own address. X-Forwarded-Host is not trusted:
    links are built from the configured server name.
    """
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]  # Flask's documented way to wrap the WSGI app


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
    if "db" in app.cli.commands:  # Flask-Migrate's group, shared with ``portal db``: the same sub-commands
        import click

        from .cli import with_grant_app_role

        with_grant_app_role(cast(click.Group, app.cli.commands["db"]))
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
