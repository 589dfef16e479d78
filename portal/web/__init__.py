"""Thin blueprints: parse the form, call one service, render or redirect; the request commits once
(:mod:`portal.web.transaction`)."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user

from forms.base import request_problem

#: Values allowed past the request-wide bound (forms/base.py REQUEST_VALUE_MAX_CHARS), by endpoint and name.
LONG_VALUES: dict[str, dict[str, int]] = {
    "filings.edit_json": {"document": 5 * 1024 * 1024},  # a whole document typed or pasted as JSON
}

SECURITY_HEADERS = {
    # Everything is served by the portal itself (vendored Bootstrap and ECharts): no CDN, no inline scripts.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register_blueprints(app: Flask) -> None:
    """Register every blueprint, security headers and template helpers."""
    from ..api import bp as api_bp
    from . import (
        account,
        admin,
        auth,
        catalogue,
        dashboard,
        disclosure,
        drafts,
        exports,
        filings,
        home,
        jobs,
        notifications,
        regulator,
        review,
        uploads,
        verification,
    )

    for module in (auth, account, home, catalogue, filings, review, admin, drafts, exports, dashboard, notifications,
                   uploads, jobs, regulator, disclosure, verification):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")  # pages hold enterprise data
        return response

    from .templating import register_template_helpers
    from .transaction import register_transaction

    register_template_helpers(app)
    register_transaction(app)

    @app.before_request
    def _remember_path() -> None:
        g.path = request.path

    @app.before_request
    def _attachment_request_limit() -> None:
        # An evidence upload may carry up to twice the attachment limit, so that a file over the limit is refused
        # by the attachment service with a message naming it and the limit, not by a bare 413 (issue 18 item 2).
        if request.endpoint == "verification.upload":
            request.max_content_length = 2 * int(app.config["ATTACHMENT_MAX_BYTES"]) + 1024 * 1024

    @app.before_request
    def _refuse_bad_values() -> None:
        # Every form and query value of every request, whether a form class reads it or the view does
        # (explanations, filters): no NUL or other control character, no value past its bound (issue 16 item 8).
        # A 400 naming the field, before anything reaches the database.
        limits = LONG_VALUES.get(request.endpoint or "", {})
        values = [*request.args.items(multi=True)]
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            values.extend(request.form.items(multi=True))
        problem = request_problem(values, limits)
        if problem is not None:
            raise problem

    _register_audit_hooks(app)


def _register_audit_hooks(app: Flask) -> None:
    """Tell the audit log where each request comes from, and keep durable entries of rolled-back requests."""
    from ..extensions import db
    from ..services import audit

    @app.before_request
    def _bind_audit_request() -> None:
        # request.remote_addr is the client's address: ProxyFix (create_app) has taken it from the trusted hops.
        g.audit_token = audit.bind_request(request.remote_addr, request.user_agent.string)

    @app.teardown_request
    def _finish_audit(error: BaseException | None) -> None:
        try:
            audit.commit_durable(db.session())
        except Exception:  # noqa: BLE001 - a teardown must not raise; the failure is logged
            app.logger.exception("could not commit durable audit entries")
            db.session.rollback()
        token = g.pop("audit_token", None)
        if token is not None:
            audit.unbind_request(token)
