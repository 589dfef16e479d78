"""Log in and out; switch language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import LoginForm

from ..extensions import limiter
from ..services import accounts, audit

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Return ``target`` only if it is a path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the login form and log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            audit.record(None, "auth.login_failed", "user", None, after={"email": (form.email.data or "").lower()})
            flash(_("邮箱或密码不正确。"), "danger")
        else:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            audit.record(user, "auth.login", "user", user.id)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Log the user out."""
    audit.record(current_user._get_current_object(), "auth.logout", "user", current_user.id)
    logout_user()
    session.clear()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def language(code: str):  # type: ignore[no-untyped-def]
    """Switch the interface language (remembered on the account when logged in)."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            user = current_user._get_current_object()
            accounts.set_locale(user, user, code)
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))
