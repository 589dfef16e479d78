"""Log in and out; switch language."""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import LoginForm

from ..auth.loading import start_session
from ..extensions import limiter
from ..services import accounts

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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_sign_in)
def login():  # type: ignore[no-untyped-def]
    """Show the login form and log the user in (per-address limit on failures, per-account lockout)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data or "", form.password.data or "")
        if result.outcome == "ok" and result.user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(result.user)
            start_session()
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        # The failure and any lockout are durable audit entries: kept whatever happens to the request.
        if result.outcome == "second_factor":
            # The second-factor page comes with issue 16 part 2; until then nobody can turn TOTP on.
            flash(_("此账户已启用两步验证，请使用两步验证登录。"), "warning")
        else:
            # One message for a wrong password, an unknown e-mail and a locked account: the page must not tell
            # an attacker which e-mails exist or that a guess run has locked one.
            flash(_("邮箱或密码不正确。连续 %(n)s 次错误后账户将被暂时锁定。",
                    n=current_app.config["LOCKOUT_THRESHOLD"]), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Log the user out everywhere: the session token is rotated, so no copy of the cookie still works."""
    accounts.logout(current_user._get_current_object())
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
