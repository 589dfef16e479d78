"""Administration: users, enterprises, memberships and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from forms.admin import EnterpriseForm, MembershipForm, UserForm

from ..extensions import db
from ..models import AuditEntry, Enterprise, Filing, Membership, ReferenceCorrection, User
from ..services import accounts
from ..services.errors import ServiceError
from .access import admin_required
from .templating import bilingual
from .transaction import refused

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.before_request
@login_required
def _only_admins() -> None:
    admin_required()


def _field_error(form, error: ServiceError) -> None:  # type: ignore[no-untyped-def]
    message = bilingual(error.message_zh, error.message_en)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        flash(message, "danger")


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """Show counts and shortcuts."""
    counts = {
        "users": db.session.scalar(select(func.count(User.id))),
        "enterprises": db.session.scalar(select(func.count(Enterprise.id))),
        "filings": db.session.scalar(select(func.count(Filing.id))),
    }
    by_status = dict(db.session.execute(select(Filing.status, func.count(Filing.id)).group_by(Filing.status)).all())
    recent = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10)).all()
    return render_template("admin/index.html", counts=counts, by_status=by_status, recent=recent)


@bp.route("/users")
def users():  # type: ignore[no-untyped-def]
    """List users."""
    rows = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_form(user_id: int | None = None):  # type: ignore[no-untyped-def]
    """Create or edit a user."""
    user = db.session.get(User, user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        fields = {"email": form.email.data, "name": form.name.data, "is_admin": form.is_admin.data,
                  "reviewer_scope": form.reviewer_scope.data, "active": form.active.data}
        try:
            if user is None:
                if not form.password.data:
                    raise ServiceError("新用户必须设置密码", "a new user needs a password", field="password")
                email = fields.pop("email")
                name = fields.pop("name")
                user = accounts.create_user(current_user, email=email, name=name,
                                            password=form.password.data, **fields)
            else:
                accounts.update_user(current_user, user, password=form.password.data or None, **fields)
            flash(_("用户已保存。"), "success")
            return redirect(url_for(".users"))
        except ServiceError as error:
            refused(error, category=None)
            _field_error(form, error)
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/enterprises")
def enterprises():  # type: ignore[no-untyped-def]
    """List enterprises, optionally filtered by name, code or region prefix."""
    q = (request.args.get("q") or "").strip()
    stmt = select(Enterprise).order_by(Enterprise.region_code, Enterprise.name)
    if q:
        stmt = stmt.where(Enterprise.name.contains(q) | Enterprise.uscc.startswith(q.upper())
                          | Enterprise.region_code.startswith(q))
    return render_template("admin/enterprises.html", enterprises=db.session.scalars(stmt.limit(500)).all(), q=q)


@bp.route("/enterprises/new", methods=["GET", "POST"])
@bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
def enterprise_form(enterprise_id: int | None = None):  # type: ignore[no-untyped-def]
    """Create or edit an enterprise and manage its memberships."""
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise_id and enterprise is None:
        abort(404)
    form = EnterpriseForm(obj=enterprise)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in accounts.ENTERPRISE_FIELDS}
        try:
            if enterprise is None:
                enterprise = accounts.create_enterprise(current_user, **fields)
            else:
                accounts.update_enterprise(current_user, enterprise, **fields)
            flash(_("企业已保存。"), "success")
            return redirect(url_for(".enterprise_form", enterprise_id=enterprise.id))
        except ServiceError as error:
            refused(error, category=None)
            _field_error(form, error)
    members = enterprise.memberships if enterprise else []
    return render_template("admin/enterprise_form.html", form=form, enterprise=enterprise, members=members,
                           membership_form=MembershipForm(prefix="m"))


@bp.route("/enterprises/<int:enterprise_id>/members", methods=["POST"])
def add_member(enterprise_id: int):  # type: ignore[no-untyped-def]
    """Add a user to the enterprise as filer or signatory."""
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    form = MembershipForm(prefix="m")
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.lower()))
        if user is None:
            flash(_("没有该邮箱的用户。"), "danger")
        else:
            accounts.add_membership(current_user, user, enterprise, form.role.data)
            flash(_("已添加。"), "success")
    else:
        flash(_("请填写有效的邮箱和角色。"), "danger")
    return redirect(url_for(".enterprise_form", enterprise_id=enterprise_id))


@bp.route("/memberships/<int:membership_id>/delete", methods=["POST"])
def remove_member(membership_id: int):  # type: ignore[no-untyped-def]
    """Remove a membership."""
    membership = db.session.get(Membership, membership_id) or abort(404)
    enterprise_id = membership.enterprise_id
    accounts.remove_membership(current_user, membership)
    flash(_("已移除。"), "success")
    return redirect(url_for(".enterprise_form", enterprise_id=enterprise_id))


@bp.route("/audit")
def audit_log():  # type: ignore[no-untyped-def]
    """Page through the audit log, newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return render_template("admin/audit.html", entries=rows, page=page, page_size=PAGE_SIZE)


@bp.route("/reference", methods=["GET", "POST"])
def reference():  # type: ignore[no-untyped-def]
    """List every reference value with its source and status (U clearly marked) and correct one."""
    from forms.admin import CorrectionForm

    from ..services import reference as reference_service

    form = CorrectionForm()
    if request.method == "GET":
        form.process(data={key: request.args.get(key, "") for key in ("target", "code", "scope", "field")}
                     | {"status": "C"})
    elif form.validate_on_submit():
        try:
            reference_service.correct(current_user, target=form.target.data, code=form.code.data,
                                      scope=form.scope.data or "", field=form.field.data, value=form.value.data,
                                      status=form.status.data, reason=form.reason.data)
            flash(_("已更正，门户自即刻起使用新值。"), "success")
            return redirect(url_for(".reference") + "#" + form.target.data)
        except ServiceError as error:
            refused(error, category=None)
            _field_error(form, error)
    ref = reference_service.current_reference()
    corrections = db.session.scalars(
        select(ReferenceCorrection).order_by(ReferenceCorrection.id.desc()).limit(50)).all()
    return render_template(
        "admin/reference.html", form=form, fuels=sorted(ref.all_fuels(), key=lambda f: (f.edition, f.code)),
        processes=list(ref.all_processes()), products=list(ref.all_products()),
        params=sorted(ref.all_params(), key=lambda p: (p.key, p.from_year)), corrections=corrections,
        editing=bool(form.target.data), editions=ref.edition_mappings(),
    )
