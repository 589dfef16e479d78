"""Administration forms: users and invitations, role grants, enterprises, memberships, the audit-log filter."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from .base import PortalForm


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


class InviteForm(PortalForm):
    """Open an account for someone: they set their own password through the invitation mailed to them."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])


class UserForm(PortalForm):
    """Edit a user's name, e-mail and whether the account is active (roles are granted, not typed)."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    active = BooleanField(_l("启用"), default=True)


ADMIN_ROLE_CHOICES = [SelectChoice("system", _l("系统管理员（企业、参考数据）")),
                      SelectChoice("security", _l("安全管理员（账户、角色、成员、令牌）")),
                      SelectChoice("audit", _l("审计管理员（仅查阅操作日志）"))]


class GrantForm(PortalForm):
    """Ask for a role or a signatory right for a user; a second security administrator decides."""

    kind = SelectField(_l("申请授予"), choices=[SelectChoice("admin_role", _l("管理员角色")),
                                             SelectChoice("reviewer_scope", _l("审核范围")),
                                             SelectChoice("signatory", _l("企业签字权")),
                                             SelectChoice("verifier", _l("核查人员"))])
    admin_role = SelectField(_l("管理员角色"), choices=ADMIN_ROLE_CHOICES)
    reviewer_scope = StringField(
        _l("审核范围（行政区划代码前缀，如 36、3601、32）"),
        validators=[Optional(), Regexp(r"^(36|32)(\d{2}){0,2}$", message=_l("应为 36 或 32 开头的 2、4 或 6 位数字"))],
        filters=[_blank_to_none])
    uscc = StringField(_l("企业统一社会信用代码（签字权）"), validators=[Optional(), Length(max=18)],
                       filters=[lambda v: v.strip().upper() if v else None])
    #: the verification body a verifier works for (issue 18); the view sets the choices
    body = SelectField(_l("核查机构（核查人员）"), choices=[], validate_choice=False)


class AuditFilterForm(PortalForm):
    """Filter the audit log (a GET form: every view of the log is a link)."""

    class Meta:
        csrf = False

    actor = StringField(_l("操作人邮箱"), validators=[Optional(), Length(max=254)], filters=[_blank_to_none])
    enterprise = StringField(_l("企业（统一社会信用代码或名称）"), validators=[Optional(), Length(max=200)],
                             filters=[_blank_to_none])
    action = StringField(_l("操作（如 auth.、grant.、export.）"), validators=[Optional(), Length(max=40)],
                         filters=[_blank_to_none])
    result = SelectField(_l("结果"), choices=[SelectChoice("", _l("全部")), SelectChoice("success", _l("成功")),
                                             SelectChoice("failure", _l("失败"))], validators=[Optional()])
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    page = IntegerField(_l("页码"), validators=[Optional(), NumberRange(min=1, max=100_000)])


class EnterpriseForm(PortalForm):
    """Create or edit an enterprise's master profile."""

    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(min=18, max=18)],
                       filters=[lambda v: v.strip().upper() if v else v])
    name = StringField(_l("企业名称"), validators=[DataRequired(), Length(max=200)])
    region_code = StringField(_l("行政区划代码"), validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("应为 6 位数字"))])
    industry_code = StringField(_l("行业代码（GB/T 4754-2017）"), validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l("应为 4 位数字"))])
    permit_number = StringField(_l("排污许可证编号"), validators=[Optional(), Length(min=22, max=22)], filters=[_blank_to_none])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=300)], filters=[_blank_to_none])
    legal_representative = StringField(_l("法定代表人"), validators=[Optional(), Length(max=100)], filters=[_blank_to_none])
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=100)], filters=[_blank_to_none])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=50)], filters=[_blank_to_none])
    is_key_emitter = BooleanField(_l("重点排放单位"))
    is_key_pollutant_discharger = BooleanField(_l("重点排污单位"))
    is_listed = BooleanField(_l("上市公司或发债企业"))


class MembershipForm(PortalForm):
    """Add a user to an enterprise as filer, or ask for a signatory right (approved by a second person)."""

    email = EmailField(_l("用户电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("角色"), choices=[SelectChoice("filer", _l("填报人")), SelectChoice("signatory", _l("签字人"))])


class CorrectionForm(PortalForm):
    """Correct one reference value, with its status and the basis for the change."""

    target = HiddenField()
    code = HiddenField()
    scope = StringField(_l("范围（燃料版本或参数起始年度）"), validators=[Optional(), Length(max=20)])
    field = HiddenField()
    value = StringField(_l("新值"), validators=[DataRequired(), Length(max=2000)])
    status = SelectField(_l("状态"), choices=[SelectChoice("C", _l("C：已见于公开文件")), SelectChoice("U", _l("U：未经确认"))])
    reason = TextAreaField(_l("更正依据（文件、条款）"), validators=[DataRequired(), Length(max=2000)])
