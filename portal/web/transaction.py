"""One transaction per request: committed once after a mutating request succeeded, never after a GET.

ARCHITECTURE.md: "one commit per mutating request". Views and API handlers call services (which flush and
never commit) and return; :func:`_finish_request` then commits a POST, PUT, PATCH or DELETE whose response
is a success or a redirect (status below 400), and rolls back one answered with an error. GET, HEAD and
OPTIONS are never committed — a page view writes nothing, and anything a GET added by mistake is dropped
with the session at the end of the request.

What must happen only once the data are committed is registered with :func:`after_commit` (a job id handed
to a worker in another process must find its row), and the mail outbox is sent after every committed
request, in a transaction of its own, so that a mail server that is down never undoes the action.

A view that catches a refused action (:class:`ServiceError`) and draws the page again calls
:func:`refused`: the half-done change is rolled back at once, so the page shows what is stored, and nothing
is committed after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import werkzeug.exceptions
from flask import Flask, Response, abort, current_app, flash, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from ..db_sqlite import intend_writes
from ..extensions import db
from ..services.errors import NotFound, ServiceError
from .templating import bilingual

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

PostedForm = TypeVar("PostedForm", bound=FlaskForm)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once this request's transaction has been committed (not at all if it is rolled back)."""
    g.setdefault("_after_commit", []).append(callback)


def enqueue_after_commit(job_ids: list[int]) -> None:
    """Hand jobs to the queue once this request is committed: a worker in another process must find their rows."""
    from ..jobs import get_queue

    def enqueue() -> None:
        queue = get_queue()
        for job_id in job_ids:
            queue.enqueue(job_id)

    after_commit(enqueue)


def refused(error: ServiceError, *, category: str | None = "danger") -> None:
    """Roll back a refused action now and (unless ``category`` is None) flash its reason, its field first.

    A refusal for lack of permission (:class:`NotFound`) is answered with 404, as a missing record is.
    """
    db.session.rollback()
    g._portal_rolled_back = True
    if isinstance(error, NotFound):
        abort(404)
    if category is not None:
        # The message names what is wrong in words; ``error.field`` is a key for the API and the form's
        # input, never shown ("password: 密码不正确", issue 20 item 5).
        flash(bilingual(error.message_zh, error.message_en), category)


def attempt(action: Callable[[], object], done: str | None = None, *, form: FlaskForm | None = None) -> bool:
    """Run one service call of a POST view: flash ``done`` when it succeeds, :func:`refused` when it is refused.

    Return whether it succeeded; the view then redirects wherever it shows the result either way. With
    ``form``, the view draws the form again when refused: the reason stands beside the field it names.
    """
    try:
        action()
    except ServiceError as error:
        refused(error, category="danger" if form is None else None)
        if form is not None:
            field_error(form, error)
        return False
    if done is not None:
        flash(done, "success")
    return True


def flash_form_errors(form: FlaskForm, *, colon: str = ": ", joiner: str = "; ") -> None:
    """Flash each invalid field of ``form`` by its label (never its key, issue 20 item 5) with its errors."""
    for name, errors in form.errors.items():
        flash(f"{getattr(form, name).label.text}{colon}{joiner.join(map(str, errors))}", "danger")


def posted(form: PostedForm, back: str | None = None, *, colon: str = ": ", joiner: str = "; ",
           message: str | None = None) -> PostedForm:
    """Return ``form`` when its POST validates; otherwise end the request here.

    Without ``back`` an invalid post is answered 400 (a form of hidden fields: only a crafted or expired page
    sends one). With it, the errors are flashed — ``message`` in their place when given — and the user is
    redirected to ``back``, the page the form is on (Flask's ``abort`` with a response).
    """
    if form.validate_on_submit():
        return form
    if back is None:
        abort(400)
    if message is None:
        flash_form_errors(form, colon=colon, joiner=joiner)
    else:
        flash(message, "danger")
    abort(redirect(back))


def field_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a refusal beside the form field it names, or flashed above the form if it names none."""
    message = bilingual(error.message_zh, error.message_en)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        flash(message, "danger")


def register_transaction(app: Flask) -> None:
    """Commit (or roll back) each request's transaction once, then run what waited for the commit."""
    app.after_request(_finish_request)
    # First of all before-request functions (they may query): a mutating request's transactions take SQLite's
    # write lock when they begin, so they wait for an import's store phase instead of failing (db_sqlite).
    app.before_request_funcs.setdefault(None, []).insert(0, _intend_writes)
    app.teardown_request(_writes_done)

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound) -> ResponseReturnValue:
        # A service refused an actor outside its permissions and the view did not catch it: the 404 page
        # (JSON under /api/), drawn by the HTTP error handler.
        return app.handle_http_exception(werkzeug.exceptions.NotFound())


def _intend_writes() -> None:
    intend_writes(request.method in MUTATING)


def _writes_done(_error: BaseException | None) -> None:
    intend_writes(False)


def _finish_request(response: Response) -> Response:
    # Taken off ``g`` whatever the method: a test keeps one app context (and so one ``g``) for many requests.
    rolled_back = g.pop("_portal_rolled_back", False)
    callbacks = g.pop("_after_commit", [])
    if request.method not in MUTATING:
        return response
    if response.status_code >= 400 or rolled_back:
        db.session.rollback()
        return response
    db.session.commit()
    for callback in callbacks:
        callback()
    _deliver_mail()
    return response


def _deliver_mail() -> None:
    """Send the outbox after a committed request (a notice stays queued when SMTP is down)."""
    config = current_app.config
    from .. import mail

    if not mail.smtp_configured(config):
        return
    from ..services import notifications

    try:
        notifications.deliver_outbox(config)
        db.session.commit()  # the outbox's own transaction: which messages went out, and the errors
    except Exception:  # noqa: BLE001 — mail must never break the page; the outbox keeps the notice
        db.session.rollback()
        current_app.logger.exception("sending the mail outbox failed")
