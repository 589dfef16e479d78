"""Keep each test's transaction its own: two ways other code reached into it, at random, under pytest-xdist.

A streamed response ends its request within the test client's call, as a WSGI server ends it at once.

The audit-log CSV is streamed (``stream_with_context``). A test that did not read it left the generator to the
garbage collector, which closed it later, inside whatever ran then: its request's teardown rolled back that
session and broke its savepoints. Seen under pytest-xdist only (it depends on which tests a worker runs
after which): PendingRollbackError in the access matrix and the bad-input probe, then "database is locked"
for every later test of that worker on SQLite. ``tests/conftest.py`` (IsolatedClient) buffers responses.

Another app's threads (the end-to-end portal's job worker, alive for the whole worker session) used the
test's session through the process-wide ``db.session``; ``tests/conftest.py`` (_TestSession) serves the
test's session to the test's own thread and app only.
"""

from __future__ import annotations

import gc

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Enterprise
from tests.conftest import login


def _fetch_and_drop_unread(client, **options) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/audit.csv", **options)
    assert response.status_code == 200
    cycle: list[object] = [response]
    cycle.append(cycle)  # only the cycle collector frees it, at some later moment


def _context_survives_a_collection(enterprise_id: int) -> bool:
    """Return whether the test's app context and transaction are still in place after a garbage collection."""
    from flask.globals import _cv_app

    context = _cv_app.get(None)
    gc.collect()
    if _cv_app.get(None) is not context:  # a late teardown popped the test's app context
        return False
    db.session.execute(sa.update(Enterprise).where(Enterprise.id == enterprise_id).values(name="江西赣峰水泥"))
    db.session.flush()
    return True


def test_an_unread_streamed_response_leaves_the_test_as_it_was(app, client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, world.users["auditor"].email)
    with app.app_context():  # as an earlier test's context, gone when the collector runs
        _fetch_and_drop_unread(client)
    assert _context_survives_a_collection(world.a.id)


def test_the_same_response_unbuffered_would_break_it(app, client, world) -> None:  # type: ignore[no-untyped-def]
    """Prove the test above can fail: the stream left open ends its request whenever it is collected."""
    from flask.globals import _cv_app

    login(client, world.users["auditor"].email)
    context = _cv_app.get(None)
    with app.app_context():
        _fetch_and_drop_unread(client, buffered=False)
    survived = _context_survives_a_collection(world.a.id)
    while _cv_app.get(None) is not context and context is not None:
        context.push()  # put the test's context back for its own teardown
    assert not survived


def test_another_app_in_another_thread_never_joins_the_test_transaction(app, db_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The end-to-end portal's job worker threads ran beside the other tests: they must keep their own sessions."""
    import threading

    from portal import create_app

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "other.sqlite3"),
                        "SECRET_KEY": "other", "JOB_QUEUE": "immediate"})
    test_connection = db.session.connection()
    seen: dict[str, object] = {}

    def in_the_other_app() -> None:
        with other.app_context():
            seen["bind"] = db.session.get_bind()

    worker = threading.Thread(target=in_the_other_app)
    worker.start()
    worker.join()
    assert str(getattr(seen["bind"], "url", "")).endswith("other.sqlite3")  # the other app's engine, not our connection
    assert db.session.connection() is test_connection  # the test's own session is untouched
