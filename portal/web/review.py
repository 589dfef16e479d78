"""The reviewer's home: filings in scope; return and accept decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..extensions import db
from ..models import Enterprise, Filing
from ..services import filings as filing_service
from ..services.deadlines import ghg_due_date
from ..services.errors import ServiceError
from .access import filing_or_404
from .templating import bilingual

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("/")
@login_required
def queue():  # type: ignore[no-untyped-def]
    """List the filings in the reviewer's region scope."""
    if not current_user.is_reviewer:
        abort(404)
    filings = db.session.scalars(
        select(Filing).join(Enterprise).where(Enterprise.in_region_scope(current_user.reviewer_scope))
        .order_by(Filing.status != "submitted", Filing.last_submitted_at.desc(), Filing.year.desc())
    ).all()
    return render_template("review/queue.html", filings=filings, due=ghg_due_date, form=FlaskForm())


@bp.route("/filings/<int:filing_id>/<any(return, accept):decision>", methods=["POST"])
@login_required
def decide(filing_id: int, decision: str):  # type: ignore[no-untyped-def]
    """Return a filing for correction or accept it (state machine in the service)."""
    filing = filing_or_404(filing_id, "review")
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        if decision == "return":
            filing_service.return_filing(current_user, filing)
        else:
            filing_service.accept_filing(current_user, filing)
        db.session.commit()
        flash(_("已退回修改。") if decision == "return" else _("已通过。"), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(bilingual(error.message_zh, error.message_en), "danger")
    return redirect(url_for("filings.show", filing_id=filing.id))
