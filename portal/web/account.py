"""The user's own account settings: the API token (issued and revoked here, used by ``/api/v1``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..services import accounts

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/api-token", methods=["GET", "POST"])
@login_required
def api_token():  # type: ignore[no-untyped-def]
    """Issue (or revoke) the user's API token; a new token is shown once, only its hash is kept."""
    form = FlaskForm()
    token = None
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            if accounts.revoke_api_token(user, user):
                flash(_("API 令牌已撤销。"), "success")
            return redirect(url_for(".api_token"))
        token = accounts.issue_api_token(user, user)
    return render_template("account/api_token.html", form=form, token=token,
                           has_token=user.api_token_hash is not None)
