"""A user's background jobs: the progress page, its JSON for polling, the result and the error workbook.

The page draws itself from the server (the job row plus the live state in the queue store), so a reload —
or opening it from another tab — shows the same job where it is; job-progress.js only polls the JSON.
Jobs are private: another user, administrators included, gets 404 for every job URL.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..jobs import get_queue
from ..jobs.queue import now
from ..models import Job
from ..services import audit
from ..services import jobs as job_service
from ..services.errors import ServiceError
from .templating import bilingual, format_number
from .transaction import after_commit, refused

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

JOB_STATUS_LABELS = {
    "queued": _l("排队等候"),
    "running": _l("正在处理"),
    "done": _l("已完成"),
    "failed": _l("未导入"),
    "interrupted": _l("已中断"),
}
JOB_STATUS_BADGES = {
    "queued": "text-bg-secondary",
    "running": "text-bg-primary",
    "done": "text-bg-success",
    "failed": "text-bg-danger",
    "interrupted": "text-bg-warning",
}
STAGE_LABELS = {
    "parsed": _l("已读取行数"),
    "validated": _l("已校验文书"),
    "stored": _l("已保存文书"),
}
#: the stages of a render (issue 15): laid out and printed, signed, kept in storage
RENDER_STAGE_LABELS = {
    "rendered": _l("排版生成"),
    "signed": _l("数字签名"),
    "stored": _l("存入文件存储"),
}
JOB_KIND_LABELS = {"import_workbook": _l("Excel 批量导入"), "render_version": _l("生成存档副本"),
                   "render_draft": _l("生成草稿 PDF")}


def stage_label(kind: str, stage: str) -> str:
    """Return the label of a job's stage (a render's stages are not an import's)."""
    labels = RENDER_STAGE_LABELS if kind.startswith("render_") else STAGE_LABELS
    return str(labels.get(stage, stage))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job_or_404(job_id: int) -> Job:
    job = job_service.job_of(current_user, job_id)
    if job is None:
        abort(404)
    return job


def _view(job: Job) -> job_service.JobView:
    queue = get_queue()
    live = queue.live(job.id) if job.status == "running" else None
    return job_service.job_view(job, live, float(current_app.config["JOB_STALE_SECONDS"]), now())


def _state(job: Job, view: job_service.JobView) -> dict[str, Any]:
    """Return the job's state as the JSON the progress page polls (labels in the user's language)."""
    final = view.status in ("done", "failed", "interrupted")
    return {
        "id": job.id,
        "status": view.status,
        # "未导入" says what a failed import means; a failed render just failed (issue 20 item 14)
        "status_label": str(_l("失败") if view.status == "failed" and job.kind != "import_workbook"
                            else JOB_STATUS_LABELS[view.status]),
        "final": final,
        "percent": view.percent,
        "stages": [
            {"stage": stage, "label": stage_label(job.kind, stage), "done": done, "total": total,
             "percent": min(100 * done // total, 100) if total else 0,
             "text": f"{format_number(done)} / {format_number(total)}" if total else _("未开始")}
            for stage, (done, total) in view.stages.items()
        ],
        "message": _message(job, view),
        "heartbeat_age": None if view.heartbeat_age is None else round(view.heartbeat_age, 1),
        "url": url_for("jobs.show", job_id=job.id),
    }


def _message(job: Job, view: job_service.JobView) -> str:
    if view.status == "interrupted" and job.status == "running":
        return bilingual(job_service.INTERRUPTED_ZH, job_service.INTERRUPTED_EN)
    if job.error_zh:
        return bilingual(job.error_zh, job.error_en or job.error_zh)
    summary = _summary(job)
    if summary.get("message_zh"):
        return bilingual(summary["message_zh"], summary.get("message_en") or summary["message_zh"])
    if view.status == "queued":
        return _("任务已排队，等待后台进程处理。")
    if view.status == "running":
        return _("正在处理，请稍候。可以离开此页，稍后从“我的后台任务”回来查看。")
    return ""


def _summary(job: Job) -> dict[str, Any]:
    try:
        value = json.loads(job.result_json) if job.result_json else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


@bp.context_processor
def _names() -> dict[str, object]:
    """Give this blueprint's pages the names and badges of job statuses and kinds."""
    return {"JOB_STATUS_LABELS": JOB_STATUS_LABELS, "JOB_STATUS_BADGES": JOB_STATUS_BADGES,
            "JOB_KIND_LABELS": JOB_KIND_LABELS}


@bp.get("/")
@login_required
def index() -> str:
    """List the user's jobs, newest first."""
    jobs = job_service.jobs_of(current_user)
    return render_template("jobs/index.html", rows=[(job, _view(job)) for job in jobs])


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int) -> str:
    """Show a job: progress while it runs, what it created or updated when it is done."""
    job = _job_or_404(job_id)
    view = _view(job)
    return render_template("jobs/show.html", job=job, view=view, state=_state(job, view), summary=_summary(job),
                           can_retry=view.status == "interrupted" or job_service.can_retry(job),
                           has_file=job_service.stored_files(job)[1],
                           is_render=job.kind.startswith("render_"))


@bp.get("/<int:job_id>.json")
@login_required
def status(job_id: int) -> Response:
    """Return the job's state for polling."""
    job = _job_or_404(job_id)
    return jsonify(_state(job, _view(job)))


@bp.get("/<int:job_id>/errors.xlsx")
@login_required
def error_workbook(job_id: int) -> Response:
    """Send the uploaded workbook back annotated with its errors."""
    job = _job_or_404(job_id)
    data = job.result_file
    if data is None:
        abort(404)
    stem = job.filename.rsplit(".", 1)[0] or "upload"
    audit.record_download(current_user, "error_workbook", "job", job.id)
    response = Response(data, mimetype=XLSX)
    response.headers.set("Content-Disposition", "attachment", filename=f"{stem}-errors.xlsx")
    return response


@bp.get("/<int:job_id>/file")
@login_required
def file(job_id: int) -> Response | Any:
    """Send the file a finished render job stored (a draft's PDF), from the object store."""
    from ..services import renders

    job = _job_or_404(job_id)
    stored = renders.job_file(job)
    if stored is None:  # not a render, or not finished: the job's page says where it stands
        return redirect(url_for("jobs.show", job_id=job.id))
    audit.record_download(current_user, "draft_pdf", "job", job.id)
    response = Response(stored.content, mimetype=stored.mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=stored.filename)
    return response


@bp.post("/<int:job_id>/retry")
@login_required
def retry(job_id: int) -> ResponseReturnValue:
    """Queue an interrupted job again with the upload it kept."""
    job = _job_or_404(job_id)
    try:
        job_service.retry(current_user, job, shown_interrupted=_view(job).status == "interrupted")
    except ServiceError as error:
        refused(error)
        return redirect(url_for("jobs.show", job_id=job.id))
    job_id = job.id
    after_commit(lambda: get_queue().enqueue(job_id))  # a worker in another process must find it queued
    return redirect(url_for("jobs.show", job_id=job.id))
