"""The regulator's tools and registers (issue 18 items 3–5): assignment, deadline extensions, reopening, bulk
actions, the 两高 project ledger, credit ratings and the enterprise master-data requests.

Thin views: each loads its record through ``filing_or_404``/``enterprise_or_404`` or a service that raises
NotFound outside the reviewer's scope (answered 404), and calls one service.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from forms.base import BadInput
from forms.regulator import (
    AssignForm,
    BulkForm,
    CreditImportForm,
    CreditRatingForm,
    ExtendDeadlineForm,
    LedgerFilterForm,
    MasterDataRequestForm,
    ReopenForm,
)

from ..domain.labels import VALUE_SETS
from ..extensions import db
from ..models import Enterprise, User
from ..services import audit
from ..services import masterdata as masterdata_service
from ..services import registers as registers_service
from ..services import regulator as regulator_service
from ..services.errors import NotFound, ServiceError
from ..services.reference import current_reference
from .access import enterprise_or_404, filing_or_404
from .templating import bilingual
from .transaction import attempt, flash_form_errors, posted, refused

bp = Blueprint("regulator", __name__)

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


def _today() -> dt.date:
    return dt.datetime.now(CHINA_TZ).date()


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _reviewers_only() -> None:
    if not current_user.is_reviewer:
        abort(404)


def _assignee(value: str | None) -> User | None:
    """Return the reviewer an assignee field names ("" unassigns); an unknown id is refused."""
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise BadInput("assignee", "应为审核人员", "must name a reviewer")
    user = db.session.get(User, int(value))
    if user is None:
        raise ServiceError("请选择审核人员", "choose a reviewer", field="assignee")
    return user


# -------------------------------------------------------------------------------------- filing tools


@bp.route("/review/filings/<int:filing_id>/assign", methods=["POST"])
@login_required
def assign(filing_id: int) -> ResponseReturnValue:
    """Assign a filing to a reviewer whose scope covers it (or unassign it)."""
    filing = filing_or_404(filing_id, "review")
    form = posted(AssignForm())
    if attempt(lambda: regulator_service.assign(_me(), filing, _assignee(form.assignee.data))):
        flash(_("已分派。") if filing.assigned_to_id else _("已取消分派。"), "success")
    return redirect(url_for("review.show", filing_id=filing.id) + "#tools" if filing.current_version >= 1
                    else url_for("review.queue"))


@bp.route("/review/filings/<int:filing_id>/reopen", methods=["POST"])
@login_required
def reopen(filing_id: int) -> ResponseReturnValue:
    """Reopen an accepted filing for correction: the enterprise corrects it and submits the next version."""
    filing = filing_or_404(filing_id, "review")
    back = url_for("review.show", filing_id=filing.id) + "#tools"
    form = posted(ReopenForm(), back)
    attempt(lambda: regulator_service.reopen(_me(), filing, form.reason.data or ""),
            _("已重新打开，企业将更正后重新提交；已通过的版本保留不变。"))
    return redirect(back)


@bp.route("/review/enterprises/<int:enterprise_id>/deadline", methods=["POST"])
@login_required
def extend(enterprise_id: int) -> ResponseReturnValue:
    """Extend one enterprise's deadline of a kind and year, with the reason (audited)."""
    _reviewers_only()
    enterprise = enterprise_or_404(enterprise_id)
    form = ExtendDeadlineForm()
    back = request.form.get("next", "")
    target = back if back.startswith("/review/") and not back.startswith("//") else url_for("review.queue")
    if not form.validate_on_submit():
        if form.year.errors or form.kind.errors:  # hidden on the page: only a crafted request gets here
            name = "year" if form.year.errors else "kind"
            raise BadInput(name, "无效", "is invalid")
        flash_form_errors(form)
        return redirect(target)
    try:
        row = regulator_service.extend_deadline(_me(), enterprise, form.kind.data or "", form.year.data or 0,
                                                form.due_on.data, form.reason.data or "")
        flash(_("已将 %(name)s 的截止日期延至 %(date)s。", name=enterprise.name, date=row.due_on.isoformat()), "success")
    except NotFound:
        abort(404)
    except ServiceError as error:
        refused(error)
    return redirect(target)


@bp.route("/review/bulk", methods=["POST"])
@login_required
def bulk() -> ResponseReturnValue:
    """Assign the ticked filings to a reviewer, or send their enterprises the reviewer's reminder."""
    _reviewers_only()
    form = posted(BulkForm(), url_for("review.queue"))
    raw = request.form.getlist("filing_ids")
    if not all(v.isdigit() and len(v) < 10 for v in raw):
        abort(400)
    ids = [int(v) for v in raw]
    try:
        if form.action.data == "assign":
            n = regulator_service.bulk_assign(_me(), ids, _assignee(form.assignee.data))
            flash(_("已分派 %(n)d 份申报。", n=n), "success")
        else:
            n = regulator_service.bulk_remind(_me(), ids, _today())
            flash(_("已向 %(n)d 份未提交申报的企业发送催报提醒。", n=n) if n
                  else _("所选申报均已提交或今天已提醒过，未发送提醒。"), "success")
    except NotFound:
        abort(404)
    except ServiceError as error:
        refused(error)
    return redirect(_back_to_queue())


def _back_to_queue() -> str:
    """Return the queue page the bulk form was posted from (its filters kept), never another site's URL."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc == request.host and parts.path == url_for("review.queue"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("review.queue")


# ------------------------------------------------------------------------------------------- ledger


def _ledger_filters() -> tuple[LedgerFilterForm, registers_service.LedgerFilters]:
    form = LedgerFilterForm(request.args)
    if request.args and not form.validate():
        flash_form_errors(form)
        return LedgerFilterForm(), registers_service.LedgerFilters()
    return form, registers_service.LedgerFilters(region=form.region.data or "", industry=form.industry.data or "",
                                                 year=form.year.data, level=form.level.data or "")


def _ledger() -> tuple[LedgerFilterForm, registers_service.LedgerFilters, list[registers_service.LedgerRow]]:
    """Return the filter form, its filters and the ledger rows they select in the reviewer's scope (404 for others)."""
    _reviewers_only()
    form, filters = _ledger_filters()
    return form, filters, registers_service.ledger(current_user.reviewer_scope, filters)


def _product_name(code: str) -> str:
    product = current_reference().product(code)
    if product is None:
        return code
    return bilingual(product.name_zh, product.name_en)


def _level_name(level: str | None) -> str:
    choice = VALUE_SETS["energy_level"].get(level or "none")
    return bilingual(choice.zh, choice.en) if choice is not None else str(level)


@bp.route("/review/ledger")
@login_required
def ledger() -> ResponseReturnValue:
    """List the 两高 projects of the reviewer's scope: new capacity in high-energy industries (PLN-013)."""
    form, _filters, rows = _ledger()
    args = {k: v for k, v in request.args.items() if v}
    return render_template("regulator/ledger.html", form=form, rows=rows, args=args, product_name=_product_name,
                           level_name=_level_name)


LEDGER_HEADERS = ("企业名称", "统一社会信用代码", "行政区划", "行业", "年度", "产品", "设计产能", "产量",
                  "综合能耗（tce）", "单位产品能耗", "单位", "能效水平", "产能置换方案文号", "版本")


@bp.route("/review/ledger.xlsx")
@login_required
def ledger_xlsx() -> ResponseReturnValue:
    """Download the filtered ledger as .xlsx (audited as a download)."""
    _form, filters, rows = _ledger()
    data = registers_service.ledger_xlsx(rows, list(LEDGER_HEADERS), _product_name, _level_name)
    audit.record_download(_me(), "ledger_xlsx", "enterprise", None, rows=len(rows),
                          filters={"region": filters.region, "industry": filters.industry, "year": filters.year,
                                   "level": filters.level})
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=two-high-ledger.xlsx"})


# ---------------------------------------------------------------------------------- credit ratings


@bp.route("/review/credit", methods=["GET", "POST"])
@login_required
def credit() -> ResponseReturnValue:
    """List the credit grades of the reviewer's scope and enter one (by USCC, year and grade)."""
    _reviewers_only()
    form = CreditRatingForm()
    status = 200
    if form.validate_on_submit():
        enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == form.uscc.data))
        try:
            if enterprise is None:
                raise NotFound()
            registers_service.set_rating(_me(), enterprise, form.year.data, form.grade.data or "",
                                         form.issuer.data or "")
        except NotFound:
            refused(ServiceError("审核范围内没有该统一社会信用代码的企业",
                                 "no enterprise in your scope has this USCC", field="uscc"))
            status = 422
        except ServiceError as error:
            refused(error)
            status = 422
        else:
            flash(_("已记录 %(name)s %(year)s 年度的环保信用评价。", name=enterprise.name, year=form.year.data),
                  "success")
            return redirect(url_for(".credit"))
    elif request.method == "POST":
        flash_form_errors(form)
        status = 422
    year = request.args.get("year", type=int)
    ratings = registers_service.ratings_in_scope(current_user.reviewer_scope, year)
    return render_template("regulator/credit.html", form=form, import_form=CreditImportForm(), ratings=ratings,
                           grade_label=registers_service.grade_label), status


@bp.route("/review/credit/import", methods=["POST"])
@login_required
def credit_import() -> ResponseReturnValue:
    """Import credit grades from an .xlsx workbook: all rows or none, each refused row named."""
    _reviewers_only()
    posted(CreditImportForm())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("请选择 .xlsx 文件 / choose an .xlsx file"), "danger")
        return redirect(url_for(".credit"))
    try:
        count, errors = registers_service.import_ratings(_me(), upload.read())
    except ServiceError as error:
        refused(error)
        return redirect(url_for(".credit"))
    if errors:
        for e in errors[:20]:
            flash(bilingual(e.message_zh, e.message_en), "danger")
        flash(_("文件有 %(n)d 处错误，未导入任何评价。", n=len(errors)), "danger")
    else:
        flash(_("已导入 %(n)d 条环保信用评价。", n=count), "success")
    return redirect(url_for(".credit"))


# ------------------------------------------------------------------------------ master-data requests


@bp.route("/enterprises/<int:enterprise_id>/master-data", methods=["GET", "POST"])
@login_required
def request_change(enterprise_id: int) -> ResponseReturnValue:
    """Ask for a change of the registered name, USCC, region or industry (a filer; a reviewer decides)."""
    enterprise = enterprise_or_404(enterprise_id)
    if enterprise.id not in current_user.enterprise_ids():
        abort(404)
    form = MasterDataRequestForm(obj=None if request.method == "POST" else enterprise)
    status = 200
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data for name in ("name", "uscc", "region_code", "industry_code")}
        try:
            masterdata_service.request_change(_me(), enterprise, changes, form.reason.data or "")
        except ServiceError as error:
            refused(error)
            status = 422
        else:
            flash(_("变更申请已提交，审核人员批准后生效。"), "success")
            return redirect(url_for("filings.enterprise", enterprise_id=enterprise.id))
    elif request.method == "POST":
        flash_form_errors(form)
        status = 422
    return render_template("regulator/master_data_form.html", form=form, enterprise=enterprise,
                           requests=masterdata_service.requests_of(enterprise.id)), status


@bp.route("/review/master-data")
@login_required
def master_data_requests() -> ResponseReturnValue:
    """List the master-data change requests of the reviewer's scope, pending first."""
    _reviewers_only()
    return render_template("regulator/master_data.html",
                           requests=masterdata_service.requests_in_scope(current_user.reviewer_scope),
                           changes_of=masterdata_service.changes_of, field_labels=_registry_labels())


def _registry_labels() -> dict[str, str]:
    """Return the registry fields' labels from the document model (domain/common.py), in the page's language."""
    from dataclasses import fields

    from ..domain.common import Enterprise as Profile
    from ..domain.fields import field_info

    return {f.name: bilingual(field_info(f).label.zh, field_info(f).label.en) for f in fields(Profile)
            if f.name in ("name", "uscc", "region_code", "industry_code")}


@bp.route("/review/master-data/<int:request_id>/<any(approve, reject):decision>", methods=["POST"])
@login_required
def decide_master_data(request_id: int, decision: str) -> ResponseReturnValue:
    """Approve (the registry changes, audited) or reject a master-data change request."""
    _reviewers_only()
    try:
        change = masterdata_service.request_or_404(_me(), request_id)
    except NotFound:
        abort(404)
    posted(FlaskForm())
    try:
        masterdata_service.decide(_me(), change, approve=decision == "approve")
        flash(_("已批准，企业登记信息已更新。") if decision == "approve" else _("已驳回。"), "success")
    except ServiceError as error:
        refused(error)
    return redirect(url_for(".master_data_requests"))
