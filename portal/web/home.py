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
    if current_user.is_verifier:
        return redirect(url_for("verification.index"))
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
    upcoming = deadlines.upcoming(today)
    # Who must disclose, by when (办法第七条; reference-data.md §5): an enterprise on the list (the register's
    # key-discharger and listed flags stand for the city's list) without its annual disclosure report yet.
    disclosure_year = next(u.due.year - 1 for u in upcoming if u.key == "env_disclosure_annual_report")
    opened = {f.enterprise_id for f in filings if f.kind == "env_disclosure_annual_report" and f.year == disclosure_year}
    obligations = [e for e in enterprises if (e.is_key_pollutant_discharger or e.is_listed) and e.id not in opened]
    return render_template(
        "home/enterprise.html", enterprises=enterprises, filings=filings,
        due=deadlines.due_for, today=today, upcoming=upcoming, obligations=obligations,
        disclosure_year=disclosure_year, disclosure_due=deadlines.disclosure_due_date(disclosure_year),
        # issue 20 item 13: drafts handed to this user for signature
        to_sign=filing_service.signature_requests_for(current_user),
    )

