"""Bulk upload: download the template (blank or with the user's drafts), upload it, see what came of it.

Synchronous for small files; files above ``UPLOAD_JOB_THRESHOLD`` are imported by a background job
(``portal.jobs``) and the user is sent to its progress page. An import's result and error workbook are
shown only to whoever uploaded it: anyone else, administrators included, gets 404.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.uploads import UploadForm

from ..domain.documents import WEB_KINDS
from ..extensions import db
from ..jobs import get_queue
from ..models import ImportRecord
from ..services import audit
from ..services import jobs as job_service
from ..services.imports import import_workbook
from ..services.uploads import template_for
from .access import own_or_404
from .transaction import after_commit

bp = Blueprint("uploads", __name__, url_prefix="/uploads")
OUTCOME_NAMES = {"imported": _l("已导入"), "rejected": _l("有错误，未导入"), "refused": _l("文件被拒绝"),
                 "duplicate": _l("重复上传")}
ACTION_NAMES = {"created": _l("新建"), "updated": _l("已更新"), "unchanged": _l("未变")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _record_or_404(import_id: int) -> ImportRecord:
    # The uploader's only, as a job is: the workbook holds drafts, which are the enterprise's until submitted
    # (issue 16 item 6) — administrators included.
    return own_or_404(ImportRecord, import_id, owner="actor_id")


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Offer the templates and the upload form, and list the user's recent uploads."""
    recent = db.session.scalars(select(ImportRecord).where(ImportRecord.actor_id == current_user.id)
                                .order_by(ImportRecord.id.desc()).limit(10)).all()
    return render_template("uploads/index.html", form=UploadForm(), kinds=WEB_KINDS, recent=recent, OUTCOME_NAMES=OUTCOME_NAMES,
                           max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
                           job_kb=current_app.config["UPLOAD_JOB_THRESHOLD"] // 1024)


@bp.route("/template/<kind>.xlsx")
@login_required
def template(kind: str) -> ResponseReturnValue:
    """Download the upload workbook of a kind: blank, or (``?filled=1``) with the user's editable drafts."""
    if kind not in WEB_KINDS:
        abort(404)
    filled = request.args.get("filled") == "1"
    data = template_for(current_user, kind, filled=filled)
    name = f"{kind}-{'drafts' if filled else 'template'}.xlsx"
    if filled:  # the user's drafts leave the portal: on record (issue 16 item 5)
        audit.record_download(current_user, "upload_template", "filing", None, kind=kind)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/", methods=["POST"])
@login_required
def upload() -> ResponseReturnValue:
    """Import an uploaded workbook (all or nothing) and show the result."""
    form = UploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for(".index"))
    # Flask already answered 413 above MAX_CONTENT_LENGTH; the import's guard refuses what its limits refuse.
    data = form.workbook.data.read()
    filename = form.workbook.data.filename or "upload.xlsx"
    if len(data) > current_app.config["UPLOAD_JOB_THRESHOLD"]:
        # Large: a background job (issue 7 §4); the job page shows its progress and then its result.
        job = job_service.submit_upload(current_user, "import_workbook", filename, data)
        job_id = job.id
        after_commit(lambda: get_queue().enqueue(job_id))  # a worker in another process must find the job
        return redirect(url_for("jobs.show", job_id=job.id))
    # The drafts (on success) and the import record (always) are committed with the request; the result
    # page says which.
    outcome = import_workbook(current_user, data, filename)
    return redirect(url_for(".result", import_id=outcome.record_id))


@bp.route("/<int:import_id>")
@login_required
def result(import_id: int) -> ResponseReturnValue:
    """Show what an upload did: the drafts created or updated, or the problems and the error workbook."""
    record = _record_or_404(import_id)
    rows = json.loads(record.result_json) if record.result_json else []
    return render_template("uploads/result.html", record=record, rows=rows, OUTCOME_NAMES=OUTCOME_NAMES,
                           ACTION_NAMES=ACTION_NAMES)


@bp.route("/<int:import_id>/errors.xlsx")
@login_required
def error_workbook(import_id: int) -> ResponseReturnValue:
    """Download the uploaded workbook with its errors marked."""
    record = _record_or_404(import_id)
    if record.error_workbook is None:
        abort(404)
    name = f"errors-{record.id}.xlsx"
    audit.record_download(current_user, "error_workbook", "import_record", record.id)
    return Response(record.error_workbook, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})
