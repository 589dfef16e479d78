"""Sign in (password, then the second factor when the account has one) and out; password reset and
invitation links; switch language."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import ForgotPasswordForm, LoginForm, NewPasswordForm, SecondFactorForm

from ..auth.loading import start_session
from ..extensions import db, limiter
from ..models import User
from ..services import accounts, credentials, twofactor
from ..services.errors import ServiceError
from .templating import bilingual
from .transaction import refused

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Return ``target`` only if it is a path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _failed_sign_in(response: Response) -> bool:
    """Return whether a POST to the login page failed (a success redirects): only failures are counted."""
    return response.status_code != 302


_PENDING = "_second_factor"  # the session's note of a password checked, waiting for the second factor


def _sign_in(user: User, target: str | None) -> ResponseReturnValue:
    session.clear()  # a fresh session on login: no fixation
    login_user(user)
    start_session()
    return redirect(_safe_next(target) or url_for("home.index"))


def _wrong_password_message() -> str:
    # One message for a wrong password, an unknown e-mail and a locked account: the page must not tell an
    # attacker which e-mails exist or that a guess run has locked one.
    return _("邮箱或密码不正确。连续 %(n)s 次错误后账户将被暂时锁定。", n=current_app.config["LOCKOUT_THRESHOLD"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_sign_in)
def login() -> ResponseReturnValue:
    """Show the login form and log the user in (per-address limit on failures, per-account lockout).

    An account with a second factor is not signed in yet: the session notes who passed the password step, and
    :func:`second_factor` asks for the code.
    """
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data or "", form.password.data or "")
        if result.outcome == "ok" and result.user is not None:
            return _sign_in(result.user, request.args.get("next"))
        if result.outcome == "second_factor" and result.user is not None:
            session.clear()
            session[_PENDING] = {"user": result.user.id, "token": result.user.session_token, "at": time.time(),
                                 "next": _safe_next(request.args.get("next"))}
            return redirect(url_for(".second_factor"))
        # The failure and any lockout are durable audit entries: kept whatever happens to the request.
        flash(_wrong_password_message(), "danger")
    return render_template("auth/login.html", form=form)


def _pending_user() -> User | None:
    """Return the user who passed the password step in this session, if it is recent and still valid."""
    pending = session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > float(current_app.config["SECOND_FACTOR_SECONDS"]):
        return None
    user = db.session.get(User, pending.get("user"))
    # A logout, a password change or "sign out everywhere" since the password step voids it.
    if user is None or not user.active or user.session_token != pending.get("token") or not user.totp_enabled:
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_sign_in)
def second_factor() -> ResponseReturnValue:
    """Complete a sign-in with the authenticator's code or a recovery code (failures count towards the lockout)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = _pending_user()
    if user is None:
        session.pop(_PENDING, None)
        flash(_("请重新输入邮箱和密码。"), "info")
        return redirect(url_for(".login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if twofactor.verify_second_factor(user, form.code.data or ""):
            return _sign_in(user, session.get(_PENDING, {}).get("next"))
        # Wrong, reused or locked: one message, as for the password.
        flash(_("验证码不正确或已使用。连续 %(n)s 次错误后账户将被暂时锁定。",
                n=current_app.config["LOCKOUT_THRESHOLD"]), "danger")
    return render_template("auth/second_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    """Log the user out everywhere: the session token is rotated, so no copy of the cookie still works."""
    accounts.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("auth.login"))


def link_builder(endpoint: str) -> Callable[[str], str]:
    """Return the builder of a mailed link's absolute URL: PUBLIC_BASE_URL, never the request's Host if it is set."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")

    def build(secret: str) -> str:
        if base:
            return base + url_for(endpoint, secret=secret)
        return url_for(endpoint, secret=secret, _external=True)

    return build


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Mail a password-reset link; answer the same whether the e-mail has an account or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        credentials.request_reset(form.email.data or "", link_builder("auth.reset_password"))
        flash(_("如果该邮箱对应一个有效账户，我们已向其发送重置密码的链接（%(n)s 分钟内有效）。请查收邮件。",
                n=current_app.config["PASSWORD_RESET_MINUTES"]), "info")
        return redirect(url_for(".login"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_through(purpose: str, secret: str) -> ResponseReturnValue:
    """Show and handle the page of an invitation or reset link: choose a password, once."""
    form = NewPasswordForm()
    link = credentials.valid_link(secret, purpose)
    if link is None:
        return render_template("auth/new_password.html", form=None, purpose=purpose,
                               refused=_("此链接无效、已使用或已过期。请重新申请重置密码，或请管理员重新发送邀请。")), 404
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            credentials.use_link(secret, purpose, form.password.data or "")
        except ServiceError as error:
            refused(error, category=None)
            form.password.errors = [*form.password.errors, bilingual(error.message_zh, error.message_en)]
        else:
            flash(_("密码已设置，请用新密码登录。"), "success")
            return redirect(url_for(".login"))
    return render_template("auth/new_password.html", form=form, purpose=purpose, user=link.user, refused=None), status


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(secret: str) -> ResponseReturnValue:
    """Choose a new password through a reset link (one use, expiring)."""
    return _set_password_through("reset", secret)


@bp.route("/welcome/<secret>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def welcome(secret: str) -> ResponseReturnValue:
    """Choose the first password of an account through its invitation (one use, expiring)."""
    return _set_password_through("invitation", secret)


@bp.route("/language/<code>", methods=["POST"])
def language(code: str) -> ResponseReturnValue:
    """Switch the interface language (remembered on the account when logged in)."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            user = current_user._get_current_object()
            accounts.set_locale(user, user, code)
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))
