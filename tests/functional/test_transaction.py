"""One commit per mutating request (portal/web/transaction.py): when the request's transaction is committed.

A commit is seen as what survives a later rollback: the test's transaction turns each commit into a
savepoint release, so a row committed by the hook outlives ``db.session.rollback()`` and one that was not
committed does not.
"""

from __future__ import annotations

import pytest
from flask import Flask, Response
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry
from portal.services import audit
from portal.services.errors import NotFound, ServiceError
from portal.web.transaction import after_commit, refused


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "test.mark")) or 0


def _request(app: Flask, method: str, status: int, *, refuse: bool = False) -> list[str]:
    """Write one audit entry in a request of ``method`` answered with ``status``; return the callbacks run."""
    ran: list[str] = []
    with app.test_request_context("/somewhere", method=method):
        audit.record(None, "test.mark", "test", None)
        db.session.flush()
        after_commit(lambda: ran.append("after commit"))
        if refuse:
            refused(ServiceError("拒绝", "refused"), category=None)
            audit.record(None, "test.mark", "test", None)  # written after the refusal: not committed either
        app.process_response(Response(status=status))
    db.session.rollback()  # drops whatever the hook did not commit
    return ran


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("status", [200, 201, 302, 303])
def test_a_successful_mutating_request_is_committed_then_its_callbacks_run(app, world, method: str,
                                                                             status: int) -> None:  # type: ignore[no-untyped-def]
    assert _request(app, method, status) == ["after commit"]
    assert _entries() == 1


@pytest.mark.parametrize("status", [400, 404, 409, 412, 422, 500])
def test_a_mutating_request_answered_with_an_error_is_rolled_back(app, world, status: int) -> None:  # type: ignore[no-untyped-def]
    assert _request(app, "POST", status) == []
    assert _entries() == 0


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_a_get_is_never_committed(app, world, method: str) -> None:  # type: ignore[no-untyped-def]
    assert _request(app, method, 200) == []
    assert _entries() == 0


def test_a_refused_action_redirected_back_commits_nothing(app, world) -> None:  # type: ignore[no-untyped-def]
    assert _request(app, "POST", 302, refuse=True) == []
    assert _entries() == 0


def test_a_refusal_for_lack_of_permission_is_a_404(app, world) -> None:  # type: ignore[no-untyped-def]
    from werkzeug.exceptions import NotFound as HttpNotFound

    with app.test_request_context("/somewhere", method="POST"), pytest.raises(HttpNotFound):
        refused(NotFound())
