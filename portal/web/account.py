"""The user's own account: password, second factor (TOTP), API tokens, sessions.

Also what every signed-in request must pass first (:func:`_enforce_account_setup`): a user whose password was
set by someone else changes it before anything else, and a reviewer or administrator without a second factor
sets one up before anything else (issue 16 item 1: "a reviewer without TOTP cannot reach the queue").
"""

from __future__ import annotations

import datetime as dt

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forms.account import ChangePasswordForm, ConfirmCodeForm, ReauthForm, TokenForm
from forms.base import PortalForm

from ..auth.loading import current_account, start_session
from ..extensions import db
from ..models import ApiToken, User
from ..services import accounts, credentials, tokens, twofactor
from ..services.errors import ServiceError
from .transaction import field_error, posted, refused

bp = Blueprint("account", __name__, url_prefix="/account")

#: What a user who must first change the password or set up a second factor may still reach.
_ALWAYS_ALLOWED = frozenset({"static", "auth.logout", "auth.language"})


def _me() -> User:
    return current_account()


@bp.before_app_request
def _enforce_account_setup() -> ResponseReturnValue | None:
    """Send a signed-in user to the password change or the second-factor set-up until it is done."""
    if not current_user.is_authenticated or request.endpoint in _ALWAYS_ALLOWED:
        return None
    user = _me()
    if user.must_change_password:
        needed = "account.password"
    elif twofactor.required_for(user) and not user.totp_enabled:
        needed = "account.two_factor"
    else:
        return None
    return None if request.endpoint == needed else redirect(url_for(needed))


def _keep_signed_in(user: User) -> None:
    """Sign the current browser in again after a change that ended every session of the user."""
    login_user(user)
    start_session()


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Show the account: roles, second factor, tokens, and "sign out everywhere"."""
    user = _me()
    return render_template("account/index.html", user=user, form=PortalForm(),
                           required=twofactor.required_for(user),
                           codes_left=twofactor.unused_recovery_codes(user) if user.totp_enabled else None,
                           live_tokens=len(accounts.live_api_tokens(user)))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change one's password (required first when someone else set it); other sessions and tokens end."""
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            credentials.change_password(user, form.current_password.data or "", form.new_password.data or "")
        except ServiceError as error:
            refused(error, category=None)
            field_error(form, error)
        else:
            _keep_signed_in(user)
            flash(_("密码已修改。其他设备上的登录和所有 API 令牌已失效。"), "success")
            return redirect(url_for(".index"))
    return render_template("account/password.html", form=form, forced=user.must_change_password)


def qr_svg(uri: str) -> str:
    """Return the QR code of ``uri`` as an SVG data URI (drawn here: no CDN, no script; CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor() -> ResponseReturnValue:
    """Set up the second factor (secret, QR code, a first code), see recovery codes once, renew them, turn it off.

    GET only shows: the secret is made by the "start" POST, so a page view writes nothing. Recovery codes are
    shown in the answer to the POST that made them, and never again.
    """
    user = _me()
    confirm_form, reauth_form = ConfirmCodeForm(prefix="c"), ReauthForm(prefix="r")
    codes: list[str] | None = None
    action = request.form.get("action") if request.method == "POST" else None
    status = 200
    if action == "start" and PortalForm().validate_on_submit():
        try:
            twofactor.begin_enrolment(user)
        except ServiceError as error:
            refused(error)
        return redirect(url_for(".two_factor"))
    if action == "confirm" and confirm_form.validate_on_submit():
        try:
            codes = twofactor.confirm_enrolment(user, confirm_form.code.data or "")
            flash(_("两步验证已启用。"), "success")
        except ServiceError as error:
            refused(error, category=None)
            field_error(confirm_form, error)
            status = 422
    elif action in ("recovery", "disable") and reauth_form.validate_on_submit():
        try:
            if action == "recovery":
                codes = twofactor.new_recovery_codes(user, reauth_form.password.data or "")
                flash(_("已生成新的恢复码，旧的恢复码已失效。"), "success")
            else:
                twofactor.turn_off(user, reauth_form.password.data or "")
                flash(_("两步验证已停用。") if not twofactor.required_for(user)
                      else _("两步验证已停用。您的角色要求两步验证，请立即重新设置。"), "warning")
                return redirect(url_for(".two_factor"))
        except ServiceError as error:
            refused(error, category=None)
            field_error(reauth_form, error)
            status = 422
    elif request.method == "POST" and action not in ("start", "confirm", "recovery", "disable"):
        abort(400)
    pending = user.totp_secret if user.totp_secret and not user.totp_enabled else None
    uri = twofactor.provisioning_uri(user) if pending else None
    return render_template(
        "account/two_factor.html", user=user, codes=codes, pending=pending,
        secret_grouped=_grouped(pending) if pending else None, qr=qr_svg(uri) if uri else None, uri=uri,
        confirm_form=confirm_form, reauth_form=reauth_form, start_form=PortalForm(),
        required=twofactor.required_for(user),
        codes_left=twofactor.unused_recovery_codes(user) if user.totp_enabled else None,
    ), status


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def api_tokens() -> ResponseReturnValue:
    """List the user's API tokens (scope, expiry, last use) and create one, whose secret is shown once."""
    user = _me()
    form = TokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            _token, secret = accounts.issue_api_token(user, user, name=form.name.data or "",
                                                      scope=form.scope.data or "", days=form.days.data or 0)
            flash(_("令牌已生成。"), "success")
        except ServiceError as error:
            refused(error, category=None)
            field_error(form, error)
            status = 422
    elif request.method == "POST":
        status = 422
    live = accounts.live_api_tokens(user)
    return render_template("account/tokens.html", form=form, secret=secret, tokens=live,
                           last_uses=tokens.last_uses(live), revoke_form=PortalForm(),
                           now=dt.datetime.now(dt.UTC)), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or not PortalForm().validate_on_submit():
        abort(404)
    accounts.revoke_api_token(_me(), token)
    flash(_("令牌已撤销。"), "success")
    return redirect(url_for(".api_tokens"))


@bp.route("/api-token")
@login_required
def api_token() -> ResponseReturnValue:
    """Send the old single-token page's address to the token list."""
    return redirect(url_for(".api_tokens"), code=301)


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of the user on every device, this one included."""
    posted(PortalForm())
    accounts.sign_out_everywhere(_me(), _me())
    logout_user()
    session.clear()
    flash(_("已在所有设备上退出登录。"), "info")
    return redirect(url_for("auth.login"))
