"""Each role's home page: enterprise users, reviewers, administrators."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Enterprise, Filing
from ..services import deadlines
from ..services import filings as filing_service

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Send the user to the home page of their main role."""
    if current_user.is_audit_admin:
        return redirect(url_for("admin.audit_log"))
    if current_user.is_any_admin:
        return redirect(url_for("admin.index"))
    if current_user.is_reviewer:
        return redirect(url_for("review.queue"))
    return redirect(url_for("home.enterprise_home"))


@bp.route("/my")
@login_required
def enterprise_home() -> ResponseReturnValue:
    """List the user's enterprises, their filings and the coming deadlines."""
    ids = current_user.enterprise_ids()
    enterprises = db.session.scalars(select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)).all()
    filings = db.session.scalars(
        select(Filing).where(Filing.enterprise_id.in_(ids)).order_by(Filing.year.desc(), Filing.kind)
    ).all()
    today = dt.date.today()
    return render_template(
        "home/enterprise.html", enterprises=enterprises, filings=filings,
        # the enterprise's own due date: a reviewer may have extended it (issue 18 item 3)
        due=lambda year, enterprise_id: deadlines.due_date(enterprise_id, "ghg_annual_report", year),
        today=today, upcoming=deadlines.upcoming(today),
        # issue 20 item 13: drafts handed to this user for signature
        to_sign=filing_service.signature_requests_for(current_user),
    )

