"""Alembic environment for Flask-Migrate: batch mode (SQLite ALTERs) and type comparison on.

Migrations run as the database's owner: ``MIGRATION_DATABASE_URL`` (``PORTAL_MIGRATION_DATABASE_URL``) when
set, else the app's own URL. When the two name different PostgreSQL users, the app's user is given exactly
the privileges it needs at the end of every migration (``portal.dbroles``: INSERT-only on the audit log and
the submitted versions, no DDL), so a new table never lacks its grant.
"""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def _db():  # type: ignore[no-untyped-def]
    return current_app.extensions["migrate"].db


def _metadata():  # type: ignore[no-untyped-def]
    return _db().metadata


def _migration_url() -> sa.engine.URL:
    from portal.config import normalise_database_url

    url = current_app.config.get("MIGRATION_DATABASE_URL")
    return sa.engine.make_url(normalise_database_url(url)) if url else _db().engine.url


config.set_main_option("sqlalchemy.url", _migration_url().render_as_string(hide_password=False).replace("%", "%%"))


def _engine() -> sa.engine.Engine:
    """Return the owner's engine: a throwaway one for MIGRATION_DATABASE_URL, else the app's."""
    if not current_app.config.get("MIGRATION_DATABASE_URL"):
        return _db().engine
    engine = sa.create_engine(_migration_url(), poolclass=sa.pool.NullPool)
    if engine.dialect.name == "sqlite":
        from portal.db_sqlite import configure_sqlite

        configure_sqlite(engine)
    return engine


def _app_role() -> str | None:
    """Return the app's PostgreSQL user when it differs from the migrating one (then it gets grants)."""
    app_url, owner_url = _db().engine.url, _migration_url()
    if app_url.get_backend_name() != "postgresql" or not app_url.username:
        return None
    return app_url.username if app_url.username != owner_url.username else None


def run_migrations_offline() -> None:
    """Emit SQL without a database connection."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=_metadata(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine."""

    def process_revision_directives(ctx, revision, directives):  # type: ignore[no-untyped-def]
        # An autogenerate that finds nothing writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a SQLite table by copy, drop and rename; with foreign keys enforced the DROP
            # would cascade into (or be refused by) the tables referencing it. SQLite ignores this pragma inside
            # a transaction, so it is set on the raw connection before SQLAlchemy begins one, checked before
            # the commit and restored after (the SQLite documentation's procedure for schema changes).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=_metadata(), **conf_args)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
                role = _app_role()
                if role is not None:
                    from portal.dbroles import grant_app_role

                    grant_app_role(connection, role)
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    if engine is not _db().engine:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
