"""Notices: the list with mark-as-read, the unread count in the navbar, and reviewers' overdue reminders.

The mail outbox is sent after each committed request by :mod:`portal.web.transaction`.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..models import Notification
from ..services import notifications as service
from ..services.errors import ServiceError
from .access import own_or_404
from .transaction import posted, refused

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _unread() -> dict[str, object]:
    def unread_notifications() -> int:
        return service.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """List the user's notices, newest first."""
    return render_template("notifications/index.html", notices=service.recent(current_user), form=FlaskForm())


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    """Mark one of the user's notices read; open its filing when asked to."""
    notice = own_or_404(Notification, notification_id)
    posted(FlaskForm())
    service.mark_read(current_user, notice)
    if request.form.get("open") and notice.filing_id is not None:
        return redirect(url_for("filings.show", filing_id=notice.filing_id))
    return redirect(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read() -> ResponseReturnValue:
    """Mark every notice of the user read."""
    posted(FlaskForm())
    service.mark_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.route("/remind-overdue", methods=["POST"])
@login_required
def remind_overdue() -> ResponseReturnValue:
    """Send a reminder to every enterprise in the reviewer's scope whose GHG report is overdue."""
    if not current_user.is_reviewer:
        abort(404)
    posted(FlaskForm())
    try:
        count = service.remind_overdue(current_user, dt.date.today())
    except ServiceError as error:
        refused(error)
    else:
        flash(_("已向 %(n)d 家逾期企业发送催报提醒。", n=count) if count else _("目前没有需要催报的逾期企业。"),
              "success")
    return redirect(url_for("review.queue"))
