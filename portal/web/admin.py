"""Administration, split three ways (三权分立, issue 16 item 7).

- **System administrator** (``system``): the overview, enterprises' master data, reference data.
- **Security administrator** (``security``): users (invitations, not typed passwords), role and signatory
  grants (asked by one, approved by another), memberships, lockouts, sessions, second factors, API tokens.
- **Audit administrator** (``audit``): the audit log, its filters and CSV export — nothing else.

Every page answers 404 to anyone without the role it needs, as a missing page would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from forms.admin import AuditFilterForm, EnterpriseForm, GrantForm, InviteForm, MembershipForm, UserForm
from forms.base import BadInput, PortalForm

from ..auth.loading import current_account
from ..extensions import db
from ..models import ApiToken, Enterprise, Filing, Membership, ReferenceCorrection, RoleGrant, User
from ..services import accounts, audit, credentials, grants, tokens, twofactor
from ..services import audit_log as audit_log_service
from ..services.errors import ServiceError
from .access import (
    any_admin_required,
    audit_admin_required,
    security_admin_required,
    system_admin_required,
)
from .auth import link_builder
from .transaction import attempt, field_error, flash_form_errors, posted, refused

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.before_request
@login_required
def _only_admins() -> None:
    any_admin_required()


def _me() -> User:
    return current_account()


def _checked_post() -> None:
    """Refuse a POST without a valid CSRF token (the action buttons carry only that)."""
    posted(PortalForm())


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _posted_user(user_id: int) -> User:
    """Return the user a security administrator's action button is about (404 for others, 400 without CSRF)."""
    security_admin_required()
    user = _user_or_404(user_id)
    _checked_post()
    return user


def _on_posted_user(user_id: int, action: Callable[[User], object], done: str) -> ResponseReturnValue:
    """Run a security administrator's action button on a user (``done`` flashed) and show the user again."""
    user = _posted_user(user_id)
    attempt(lambda: action(user), done)
    return redirect(url_for(".user_form", user_id=user.id))


@bp.route("/")
def index() -> ResponseReturnValue:
    """Show counts and the shortcuts of the administrator's role (the audit administrator reads the log)."""
    if current_user.is_audit_admin:
        return redirect(url_for(".audit_log"))
    counts = {
        "users": db.session.scalar(select(func.count(User.id))),
        "enterprises": db.session.scalar(select(func.count(Enterprise.id))),
        "filings": db.session.scalar(select(func.count(Filing.id))),
        "pending_grants": db.session.scalar(select(func.count(RoleGrant.id)).where(RoleGrant.status == "pending")),
    }
    by_status = dict(db.session.execute(select(Filing.status, func.count(Filing.id)).group_by(Filing.status)).tuples().all())
    return render_template("admin/index.html", counts=counts, by_status=by_status)


# ------------------------------------------------------------------------------------------ users

@bp.route("/users")
def users() -> ResponseReturnValue:
    """List users with their roles."""
    security_admin_required()
    rows = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def invite() -> ResponseReturnValue:
    """Open an account and mail its owner an invitation to set their password (nobody types it for them)."""
    security_admin_required()
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = credentials.invite(_me(), email=form.email.data or "", name=form.name.data or "",
                                      link_url=link_builder("auth.welcome"))
        except ServiceError as error:
            refused(error, category=None)
            field_error(form, error)
        else:
            flash(_("账户已建立，邀请邮件已发往 %(email)s。角色须另行申请并经另一名安全管理员批准。", email=user.email),
                  "success")
            return redirect(url_for(".user_form", user_id=user.id))
    return render_template("admin/invite.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_form(user_id: int) -> ResponseReturnValue:
    """Edit a user; show their roles and grants, memberships, lockout, second factor, tokens and actions."""
    security_admin_required()
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    status = 200
    if form.validate_on_submit():
        if attempt(lambda: accounts.update_user(_me(), user, email=form.email.data or "", name=form.name.data or "",
                                                active=bool(form.active.data)),
                   _("用户已保存。"), form=form):
            return redirect(url_for(".user_form", user_id=user.id))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("admin/user_form.html", **_user_page(user, form=form)), status


def _body_names() -> dict[str, str]:
    """Return the verification bodies' names by id as text (a verifier grant's value is the body's id)."""
    from ..services import verification

    return {str(b.id): b.name for b in verification.bodies()}


def _user_page(user: User, **forms: object) -> dict[str, object]:
    live = accounts.live_api_tokens(user)
    now = dt.datetime.now(dt.UTC)
    grant_form = forms.pop("grant_form", None)
    if not isinstance(grant_form, GrantForm):
        grant_form = GrantForm(prefix="g", formdata=None)
    names = _body_names()
    grant_form.body.choices = [("", "—"), *names.items()]
    return {
        "user": user, "lock": accounts.account_lock(user), "now": now, "tokens": live,
        "last_uses": tokens.last_uses(live), "grants": grants.of_user(user), "action_form": PortalForm(),
        "codes_left": twofactor.unused_recovery_codes(user) if user.totp_enabled else None,
        "second_factor_required": twofactor.required_for(user), "is_self": user.id == current_user.id,
        "grant_form": grant_form, "body_names": names, **forms,
    }


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
def unlock(user_id: int) -> ResponseReturnValue:
    """Lift a user's lockout."""
    return _on_posted_user(user_id, lambda user: accounts.unlock(_me(), user), _("已解除锁定。"))


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
def sign_out(user_id: int) -> ResponseReturnValue:
    """End every session of a user on every device ("sign out everywhere")."""
    return _on_posted_user(user_id, lambda user: accounts.sign_out_everywhere(_me(), user),
                           _("已使该用户在所有设备上退出登录。"))


@bp.route("/users/<int:user_id>/two-factor-reset", methods=["POST"])
def reset_two_factor(user_id: int) -> ResponseReturnValue:
    """Turn a user's second factor off (a lost phone): they set up a new one at their next sign-in."""
    return _on_posted_user(user_id, lambda user: twofactor.reset_by_administrator(_me(), user),
                           _("已重置该用户的两步验证，其所有登录已结束。"))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
def password_link(user_id: int) -> ResponseReturnValue:
    """Mail the user a new invitation or a password-reset link (nobody is told or types the password)."""
    if request.form.get("purpose") == "invitation":
        return _on_posted_user(user_id, lambda user: credentials.send_invitation(_me(), user, link_builder("auth.welcome")),
                               _("邀请邮件已重新发送。"))
    return _on_posted_user(user_id, lambda user: credentials.send_reset(_me(), user, link_builder("auth.reset_password")),
                           _("重置密码的链接已发往该用户的邮箱。"))


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
def request_grant(user_id: int) -> ResponseReturnValue:
    """Ask for a role or a signatory right for the user (a second security administrator decides)."""
    security_admin_required()
    user = _user_or_404(user_id)
    form = GrantForm(prefix="g")
    if form.validate_on_submit():
        kind = form.kind.data or ""
        try:
            enterprise = None
            if kind == "signatory":
                enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == (form.uscc.data or "")))
                if enterprise is None:
                    raise ServiceError("没有该统一社会信用代码的企业", "no enterprise has this code", field="uscc")
            value = {"admin_role": form.admin_role.data, "verifier": form.body.data}.get(kind, form.reviewer_scope.data)
            grants.request_grant(_me(), user, kind, value=value, enterprise=enterprise)
        except ServiceError as error:
            refused(error, category=None)
            field_error(form, error)
        else:
            flash(_("授权申请已提交，须由另一名安全管理员批准后生效。"), "success")
            return redirect(url_for(".user_form", user_id=user.id) + "#roles")
    return render_template("admin/user_form.html", **_user_page(user, form=UserForm(obj=user), grant_form=form)), 422


@bp.route("/users/<int:user_id>/roles/<any(admin_role, reviewer_scope, verifier):kind>/remove", methods=["POST"])
def remove_role(user_id: int, kind: str) -> ResponseReturnValue:
    """Take an administrator role or a review scope away, at once."""
    user = _posted_user(user_id)
    if kind == "admin_role":
        grants.remove_admin_role(_me(), user)
    elif kind == "verifier":
        grants.remove_verifier(_me(), user)
    else:
        grants.remove_reviewer_scope(_me(), user)
    flash(_("角色已撤销。"), "success")
    return redirect(url_for(".user_form", user_id=user.id) + "#roles")


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one API token of any user."""
    security_admin_required()
    token = db.session.get(ApiToken, token_id) or abort(404)
    _checked_post()
    accounts.revoke_api_token(_me(), token)
    flash(_("令牌已撤销。"), "success")
    return redirect(url_for(".user_form", user_id=token.user_id) + "#tokens")


# ------------------------------------------------------------------------------------------ grants

@bp.route("/grants")
def grants_page() -> ResponseReturnValue:
    """List the requests waiting for a second security administrator, and the latest decisions."""
    security_admin_required()
    return render_template("admin/grants.html", pending=grants.pending(), decided=grants.recent_decisions(),
                           action_form=PortalForm(), body_names=_body_names())


@bp.route("/grants/<int:grant_id>/<any(approve, reject, cancel):decision>", methods=["POST"])
def decide_grant(grant_id: int, decision: str) -> ResponseReturnValue:
    """Approve, reject or withdraw a pending request (nobody decides on their own request or for themselves)."""
    security_admin_required()
    grant = db.session.get(RoleGrant, grant_id) or abort(404)
    _checked_post()
    try:
        if decision == "cancel":
            grants.cancel(_me(), grant)
        else:
            grants.decide(_me(), grant, approve=decision == "approve")
        flash({"approve": _("已批准，授权已生效。"), "reject": _("已驳回。"), "cancel": _("申请已撤回。")}[decision],
              "success")
    except ServiceError as error:
        refused(error)
    return redirect(url_for(".grants_page"))


# ------------------------------------------------------------------------------------ enterprises

@bp.route("/enterprises")
def enterprises() -> ResponseReturnValue:
    """List enterprises, optionally filtered by name, code or region prefix (system and security administrators)."""
    if not (current_user.is_system_admin or current_user.is_security_admin):
        abort(404)
    q = (request.args.get("q") or "").strip()[:200]
    stmt = select(Enterprise).order_by(Enterprise.region_code, Enterprise.name)
    if q:
        stmt = stmt.where(Enterprise.name.contains(q, autoescape=True)
                          | Enterprise.uscc.startswith(q.upper(), autoescape=True)
                          | Enterprise.region_code.startswith(q, autoescape=True))
    return render_template("admin/enterprises.html", enterprises=db.session.scalars(stmt.limit(500)).all(), q=q)


@bp.route("/enterprises/new", methods=["GET", "POST"])
@bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
def enterprise_form(enterprise_id: int | None = None) -> ResponseReturnValue:
    """Edit an enterprise's master data (system administrator); manage its members (security administrator)."""
    if not (current_user.is_system_admin or current_user.is_security_admin):
        abort(404)
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise_id and enterprise is None:
        abort(404)
    if enterprise is None or request.method == "POST":
        system_admin_required()  # registering and editing: the system administrator's
    form = EnterpriseForm(obj=enterprise)
    status = 200
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in accounts.ENTERPRISE_FIELDS}
        try:
            if enterprise is None:
                enterprise = accounts.create_enterprise(_me(), **fields)
            else:
                accounts.update_enterprise(_me(), enterprise, **fields)
        except ServiceError as error:
            refused(error, category=None)
            field_error(form, error)
            status = 422
        else:
            flash(_("企业已保存。"), "success")
            return redirect(url_for(".enterprise_form", enterprise_id=enterprise.id))
    elif request.method == "POST":
        status = 422
    members = enterprise.memberships if enterprise else []
    return render_template("admin/enterprise_form.html", form=form, enterprise=enterprise, members=members,
                           membership_form=MembershipForm(prefix="m"),
                           editable=current_user.is_system_admin), status


@bp.route("/enterprises/<int:enterprise_id>/members", methods=["POST"])
def add_member(enterprise_id: int) -> ResponseReturnValue:
    """Add a filer at once, or ask for a signatory right (a second security administrator approves it)."""
    security_admin_required()
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    form = MembershipForm(prefix="m")
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(func.lower(User.email) == (form.email.data or "").lower()))
        try:
            if user is None:
                raise ServiceError("没有该邮箱的用户", "no user has this e-mail", field="email")
            if form.role.data == "signatory":
                grants.request_grant(_me(), user, "signatory", enterprise=enterprise)
                flash(_("签字权申请已提交，须由另一名安全管理员批准后生效。"), "success")
            else:
                accounts.add_membership(_me(), user, enterprise, "filer")
                flash(_("已添加。"), "success")
        except ServiceError as error:
            refused(error)
    else:
        flash(_("请填写有效的邮箱和角色。"), "danger")
    return redirect(url_for(".enterprise_form", enterprise_id=enterprise_id))


@bp.route("/memberships/<int:membership_id>/delete", methods=["POST"])
def remove_member(membership_id: int) -> ResponseReturnValue:
    """Remove a membership (at once)."""
    security_admin_required()
    membership = db.session.get(Membership, membership_id) or abort(404)
    _checked_post()
    enterprise_id = membership.enterprise_id
    accounts.remove_membership(_me(), membership)
    flash(_("已移除。"), "success")
    return redirect(url_for(".enterprise_form", enterprise_id=enterprise_id))


# ------------------------------------------------------------------------------------------ audit log

def _audit_filters() -> tuple[AuditFilterForm, audit_log_service.AuditFilter, int]:
    form = AuditFilterForm(request.args)
    if request.args and not form.validate():
        flash_form_errors(form)
        return AuditFilterForm(formdata=None), audit_log_service.AuditFilter(), 1
    filters = audit_log_service.AuditFilter(actor=form.actor.data, enterprise=form.enterprise.data, action=form.action.data,
                                    result=form.result.data or None, date_from=form.date_from.data,
                                    date_to=form.date_to.data)
    return form, filters, form.page.data or 1


@bp.route("/audit")
def audit_log() -> ResponseReturnValue:
    """Page through the audit log, newest first, filtered by actor, enterprise, action, result and dates."""
    audit_admin_required()
    form, filters, page = _audit_filters()
    rows = audit_log_service.page(_me(), filters, page, PAGE_SIZE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", entries=rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE, page=page,
                           form=form, args=args)


@bp.route("/audit.csv")
def audit_csv() -> ResponseReturnValue:
    """Export the filtered audit log as CSV (with each row's hashes); the export itself is audited."""
    audit_admin_required()
    _form, filters, _page = _audit_filters()
    audit.record_download(_me(), "audit_csv", "audit_log", None,
                          filters={k: str(v) for k, v in vars(filters).items() if v})
    name = f"audit-log-{dt.date.today().isoformat()}.csv"
    return Response(stream_with_context(audit_log_service.csv_lines(_me(), filters)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


# ------------------------------------------------------------------------------------------ reference

@bp.route("/reference", methods=["GET", "POST"])
def reference() -> ResponseReturnValue:
    """List every reference value with its source and status (U clearly marked) and correct one."""
    from forms.admin import CorrectionForm

    from ..services import reference as reference_service

    system_admin_required()
    form = CorrectionForm()
    status = 200
    if request.method == "GET":
        form.process(data={key: request.args.get(key, "") for key in ("target", "code", "scope", "field")}
                     | {"status": "C"})
    elif form.validate_on_submit():
        try:
            reference_service.correct(_me(), target=form.target.data, code=form.code.data,
                                      scope=form.scope.data or "", field=form.field.data, value=form.value.data,
                                      status=form.status.data, reason=form.reason.data)
            flash(_("已更正，门户自即刻起使用新值。"), "success")
            return redirect(url_for(".reference") + "#" + form.target.data)
        except ServiceError as error:
            refused(error, category=None)
            field_error(form, error)
            status = 422
    else:
        status = 422
    ref = reference_service.current_reference()
    corrections = db.session.scalars(
        select(ReferenceCorrection).order_by(ReferenceCorrection.id.desc()).limit(50)).all()
    return render_template(
        "admin/reference.html", form=form, fuels=sorted(ref.all_fuels(), key=lambda f: (f.edition, f.code)),
        processes=list(ref.all_processes()), products=list(ref.all_products()),
        params=sorted(ref.all_params(), key=lambda p: (p.key, p.from_year)), corrections=corrections,
        editing=bool(form.target.data), editions=ref.edition_mappings(),
    ), status


# ------------------------------------------------------------------------------------------ obligations

#: what each flag of the registry obliges an enterprise to file, with the deadline parameter (reference-data.md §5)
OBLIGATIONS = (
    ("is_key_emitter", "deadline.ghg_annual_report"),
    ("is_key_pollutant_discharger", "deadline.disclosure_annual_report"),
    ("is_key_pollutant_discharger", "deadline.permit_annual_report"),
)


@bp.route("/obligations")
def obligations() -> ResponseReturnValue:
    """Show who must file what, by when: each enterprise's obligations, the deadlines and the extensions."""
    from forms.regulator import ObligationForm

    from ..services import regulator as regulator_service
    from ..services.reference import current_reference

    system_admin_required()
    q = (request.args.get("q") or "").strip()[:200]
    raw_year = request.args.get("year", "")
    if raw_year and not (raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
        raise BadInput("year", "应为 2000–2100 之间的年度", "must be a year between 2000 and 2100")
    year = int(raw_year) if raw_year else dt.date.today().year - 1
    stmt = select(Enterprise).order_by(Enterprise.region_code, Enterprise.name)
    if q:
        stmt = stmt.where(Enterprise.name.contains(q, autoescape=True)
                          | Enterprise.uscc.startswith(q.upper(), autoescape=True)
                          | Enterprise.region_code.startswith(q, autoescape=True))
    ref = current_reference()
    deadlines = {key: ref.deadline(key, year) for _flag, key in OBLIGATIONS}
    enterprises = db.session.scalars(stmt.limit(500)).all()
    ids = [e.id for e in enterprises]
    # the year's GHG report of each enterprise listed: its status, and its due date in force (an extension)
    ghg_status = dict(db.session.execute(select(Filing.enterprise_id, Filing.status).where(
        Filing.enterprise_id.in_(ids), Filing.kind == "ghg_annual_report", Filing.year == year)).tuples().all())
    extensions = regulator_service.extensions_in_scope(None)
    due = {x.enterprise_id: x.due_on for x in extensions if x.kind == "ghg_annual_report" and x.year == year}
    return render_template("admin/obligations.html", enterprises=enterprises, q=q, year=year,
                           obligations=OBLIGATIONS, deadlines=deadlines, form=ObligationForm(),
                           extensions=extensions, ghg_status=ghg_status, ghg_due=due)


@bp.route("/obligations/<int:enterprise_id>", methods=["POST"])
def set_obligations(enterprise_id: int) -> ResponseReturnValue:
    """Change what an enterprise must file (the registry's flags; audited as an enterprise update)."""
    from forms.regulator import ObligationForm

    system_admin_required()
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        abort(404)
    form = posted(ObligationForm())
    try:
        accounts.update_enterprise(_me(), enterprise, is_key_emitter=bool(form.is_key_emitter.data),
                                   is_key_pollutant_discharger=bool(form.is_key_pollutant_discharger.data),
                                   is_listed=bool(form.is_listed.data))
        flash(_("已更新 %(name)s 的申报义务。", name=enterprise.name), "success")
    except ServiceError as error:
        refused(error)
    return redirect(url_for(".obligations", q=request.args.get("q") or None) + f"#enterprise-{enterprise.id}")
