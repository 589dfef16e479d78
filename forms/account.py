"""The user's own account: password change, second factor, API tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from .base import PortalForm

TOKEN_MAX_DAYS = 365


class ChangePasswordForm(PortalForm):
    """Change one's password: the present one, and the new one typed twice."""

    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=256)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("新密码（至少 10 个字符）"), validators=[DataRequired(), Length(max=256)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(), Length(max=256), EqualTo("new_password", message=_l("两次输入的密码不一致"))],
        render_kw={"autocomplete": "new-password"})


class ConfirmCodeForm(PortalForm):
    """Confirm a second factor being set up with the code the authenticator shows."""

    code = StringField(_l("身份验证器显示的 6 位验证码"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"})


class ReauthForm(PortalForm):
    """Ask for the password again before a sensitive change (new recovery codes, turning 2FA off)."""

    password = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class TokenForm(PortalForm):
    """Create a named API token with a scope and a lifetime."""

    name = StringField(_l("令牌名称（例如：ERP 接口）"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(_l("权限"), choices=[SelectChoice("read", _l("只读（读取草稿）")),
                                            SelectChoice("write", _l("读写（读取并修改草稿）"))])
    days = IntegerField(_l("有效期（天，1–365）"), default=90,
                        validators=[DataRequired(), NumberRange(min=1, max=TOKEN_MAX_DAYS)])
