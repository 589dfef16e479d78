"""Each role's home page: enterprise users, reviewers, administrators."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Enterprise, Filing
from ..services import deadlines

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    """Send the user to the home page of their main role."""
    if current_user.is_audit_admin:
        return redirect(url_for("admin.audit_log"))
    if current_user.is_any_admin:
        return redirect(url_for("admin.index"))
    if current_user.is_reviewer:
        return redirect(url_for("review.queue"))
    if current_user.is_verifier:
        return redirect(url_for("verification.index"))
    return redirect(url_for("home.enterprise_home"))


@bp.route("/my")
@login_required
def enterprise_home():  # type: ignore[no-untyped-def]
    """List the user's enterprises, their filings and the coming deadlines."""
    ids = current_user.enterprise_ids()
    enterprises = db.session.scalars(select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)).all()
    filings = db.session.scalars(
        select(Filing).where(Filing.enterprise_id.in_(ids)).order_by(Filing.year.desc(), Filing.kind)
    ).all()
    today = dt.date.today()
    return render_template(
        "home/enterprise.html", enterprises=enterprises, filings=filings,
        due=deadlines.ghg_due_date, today=today, upcoming=deadlines.upcoming(today),
    )

