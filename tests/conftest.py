"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL from DATABASE_URL); each test in a
transaction rolled back at its end; users of every role; a logged-in client per role."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"
if not EXAMPLES.exists():  # a checkout without shared/ beside it: use the copies shipped as demo data
    EXAMPLES = ROOT / "portal" / "demo_data"
PASSWORD = "correct-horse-battery"

# The database owner's URL (PORTAL_MIGRATION_DATABASE_URL, .ci/run): migrations and scratch databases use it,
# the suite's app connects as DATABASE_URL's restricted role. Moved out of the PORTAL_* namespace so that the
# apps tests build on scratch databases do not pick it up and migrate the suite's database instead.
if "PORTAL_MIGRATION_DATABASE_URL" in os.environ:
    os.environ["TEST_OWNER_DATABASE_URL"] = os.environ.pop("PORTAL_MIGRATION_DATABASE_URL")


def example_path(name: str) -> Path:
    """Return the path of a worked example."""
    return EXAMPLES / name


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the test database: $DATABASE_URL (a throwaway PostgreSQL database) or a SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return _for_this_worker(normalise_database_url(url))
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal-test.sqlite3")


@pytest.fixture(scope="session")
def owner_database_url(database_url: str) -> Iterator[str]:
    """Return the database owner's URL: TEST_OWNER_DATABASE_URL when the suite runs as a restricted role.

    Under pytest-xdist each worker has its own PostgreSQL database (``<name>_gw0`` …), created here as the
    owner on first use and dropped at the end of the worker's session.
    """
    owner = os.environ.get("TEST_OWNER_DATABASE_URL")
    if not database_url.startswith("postgresql"):
        yield database_url
        return
    owner_url = _for_this_worker(normalise_database_url(owner)) if owner else database_url
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield owner_url
        return
    _recreate_database(owner_url, drop_only=False)
    yield owner_url
    _recreate_database(owner_url, drop_only=True)


def _for_this_worker(url: str) -> str:
    """Return ``url`` naming this xdist worker's own database (unchanged outside xdist or on SQLite)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def _recreate_database(url: str, *, drop_only: bool) -> None:
    """Drop the database ``url`` names (and create it afresh unless ``drop_only``), as its user."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            if not drop_only:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def app(database_url: str, owner_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Create the app on the migrated test database (migrated as its owner, run as DATABASE_URL's role)."""
    from flask_migrate import downgrade, upgrade

    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MIGRATION_DATABASE_URL": owner_database_url if owner_database_url != database_url else None,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "PASSWORD_RESET_RATE_LIMIT": "10000 per minute",
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
        # Jobs run inside the request that queues them, in the test's transaction: no stray worker thread.
        # Tests of the real workers (thread and process) build their own app on a committed database.
        "JOB_QUEUE": "immediate",
        # Rendered copies of record go to a real folder of this run (portal/storage.py), not the instance's.
        "STORAGE_URL": "file://" + str(tmp_path_factory.mktemp("storage")),
    })
    application.test_client_class = IsolatedClient
    with application.app_context():
        if database_url.startswith("postgresql"):
            downgrade(revision="base")  # a reused throwaway database starts empty
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


class _TestSession:
    """Stand for ``db.session``: the test's transaction in the test's thread and app, the app's own elsewhere.

    ``db.session`` is one attribute of the process-wide ``db``. Replaced outright, it also served the other
    apps running in the process meanwhile — the end-to-end tests' portal (a session-scoped server) keeps its
    job worker's threads, whose reaper runs every minute — and their sessions then opened and closed
    savepoints on the running test's connection from another thread: at random, an unrelated test failed
    with "nested transaction already deassociated from connection" or "Can't reconnect until invalid
    savepoint transaction is rolled back" (and on SQLite its write lock stayed held: "database is locked"
    for every later test of that xdist worker). So only the test's own thread and app get the test's session.
    """

    def __init__(self, test: scoped_session[Session], original: Any, app: Flask) -> None:
        self._test, self._original, self._app, self._thread = test, original, app, threading.get_ident()

    def _current(self) -> Any:
        from flask import current_app, has_app_context

        mine = (threading.get_ident() == self._thread and has_app_context()
                and current_app._get_current_object() is self._app)  # type: ignore[attr-defined]
        return self._test if mine else self._original

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._current()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current(), name)


@pytest.fixture()
def db_session(app: Flask) -> Iterator[None]:
    """Run the test inside a transaction rolled back at the end; commits become SAVEPOINT releases."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # A plain Session bound to the test's connection: Flask-SQLAlchemy's own Session picks the engine
        # in get_bind(), which would escape the transaction.
        test_session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
        )
        db.session = _TestSession(test_session, original, app)  # type: ignore[assignment]
        try:
            yield
        finally:
            test_session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """Clear per-request caches before each request, and read each response whole before returning it.

    The test holds an app context open (for its rolled-back transaction), and Flask reuses a pushed app
    context for requests: without this, the user Flask-Login cached in ``g`` and Flask-Babel's locale
    would leak from one client's request into another's.

    A streamed response (``stream_with_context``: the audit-log CSV) ends its request only when its body is
    read or closed, as a WSGI server does at once. Left unread, it was closed when the garbage collector
    reached it — in some later test, where its request's teardown rolled back that test's session and broke
    its savepoints ("nested transaction already deassociated", then PendingRollbackError and, on SQLite, a
    write lock never released: "database is locked" for every later test of the xdist worker). So responses
    are buffered, read and closed within the request, as a server would.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from flask import g, has_app_context
        from flask_babel import refresh

        if has_app_context():
            g.pop("_login_user", None)
            refresh()
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture()
def client(app: Flask, db_session: None) -> FlaskClient:
    """Return a test client whose requests share the test's transaction."""
    return app.test_client()


@pytest.fixture()
def world(db_session: None):  # type: ignore[no-untyped-def]
    """Create two enterprises (A in Jiangxi 3607, B in Jiangsu 3201) and a user of every role."""
    from tests.helpers import build_world

    world = build_world()
    # A savepoint release: a request that ends by rolling back (a refused sign-in or token whose audit entry is
    # kept, services/audit.py) must not take the test's world with it. Still undone at the end of the test.
    db.session.commit()
    return world


def enrol_totp(user):  # type: ignore[no-untyped-def]
    """Set up the user's second factor through the service, with a code computed by pyotp; return the secret."""
    import pyotp

    from portal.services import twofactor

    secret = twofactor.begin_enrolment(user).secret
    twofactor.confirm_enrolment(user, pyotp.TOTP(secret).now())
    db.session.commit()  # a savepoint release (see ``world``)
    return secret


def totp_code(user) -> str:  # type: ignore[no-untyped-def]
    """Return a code of the user's authenticator that the portal has not accepted yet.

    Codes are single-use (the step of the last one accepted is kept) and only the steps one either side of now
    are accepted: a test signing the same reviewer in more than three times within 30 seconds would run out,
    so the replay guard is rewound then — the only thing this helper fakes.
    """
    import datetime as dt

    import pyotp

    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(dt.datetime.now(dt.UTC))
    last = user.totp_last_counter
    free = [step for step in (current - 1, current, current + 1) if last is None or step > last]
    if not free:
        user.totp_last_counter = current - 2
        db.session.commit()
        free = [current - 1]
    return totp.generate_otp(free[0])


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Log the client in and check it worked.

    Reviewers and administrators must have a second factor (issue 16): one is set up for them here if they
    have none yet, and the sign-in's second step is answered with a code pyotp computes.
    """
    from sqlalchemy import func, select

    from portal.models import User
    from portal.services import twofactor

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is not None and twofactor.required_for(user) and not user.totp_enabled:
        enrol_totp(user)
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
        assert user is not None
        response = client.post("/login/code", data={"code": totp_code(user)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert "/login" not in response.headers["Location"], response.headers["Location"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Use cheap argon2 parameters in tests (production keeps argon2-cffi's RFC 9106 defaults)."""
    from argon2 import PasswordHasher

    from portal.auth import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original
