"""Thin blueprints: parse the form, call one service, render or redirect; the request commits once
(:mod:`portal.web.transaction`)."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user

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
        drafts,
        exports,
        filings,
        home,
        jobs,
        notifications,
        review,
        uploads,
    )

    for module in (auth, account, home, catalogue, filings, review, admin, drafts, exports, dashboard, notifications,
                   uploads, jobs):
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
