"""Administration forms: users, enterprises, memberships."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


class UserForm(FlaskForm):
    """Create or edit a user."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("密码（新建必填；编辑时留空表示不修改）"), validators=[Optional(), Length(min=10, max=200)],
                             render_kw={"autocomplete": "new-password"})
    is_admin = BooleanField(_l("管理员"))
    reviewer_scope = StringField(
        _l("审核范围（行政区划代码前缀，如 36、3601、32；非审核人留空）"),
        validators=[Optional(), Regexp(r"^(36|32)(\d{2}){0,2}$", message=_l("应为 36 或 32 开头的 2、4 或 6 位数字"))],
        filters=[_blank_to_none],
    )
    active = BooleanField(_l("启用"), default=True)


class EnterpriseForm(FlaskForm):
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


class MembershipForm(FlaskForm):
    """Add a user to an enterprise as filer or signatory."""

    email = EmailField(_l("用户电子邮箱"), validators=[DataRequired(), Email()])
    role = SelectField(_l("角色"), choices=[SelectChoice("filer", _l("填报人")), SelectChoice("signatory", _l("签字人"))])


class CorrectionForm(FlaskForm):
    """Correct one reference value, with its status and the basis for the change."""

    target = HiddenField()
    code = HiddenField()
    scope = StringField(_l("范围（燃料版本或参数起始年度）"), validators=[Optional(), Length(max=20)])
    field = HiddenField()
    value = StringField(_l("新值"), validators=[DataRequired(), Length(max=2000)])
    status = SelectField(_l("状态"), choices=[SelectChoice("C", _l("C：已见于公开文件")), SelectChoice("U", _l("U：未经确认"))])
    reason = TextAreaField(_l("更正依据（文件、条款）"), validators=[DataRequired(), Length(max=2000)])
