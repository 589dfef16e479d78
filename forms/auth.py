"""Sign-in (password, second factor), password reset and signing forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .base import PortalForm


class LoginForm(PortalForm):
    """Ask for e-mail and password."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class SubmitForm(PortalForm):
    """Ask the signatory to certify and re-enter the password (PRODUCT.md: the signing flow)."""

    certified = BooleanField(_l("本人已阅读并接受上述承诺"), validators=[DataRequired(_l("请接受承诺后再提交"))])
    password = PasswordField(_l("请再次输入您的登录密码以确认签署"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class SecondFactorForm(PortalForm):
    """Ask for the authenticator's six-digit code, or a recovery code, after the password."""

    code = StringField(_l("验证码（或恢复码）"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                  "spellcheck": "false", "autocapitalize": "off"})


class ForgotPasswordForm(PortalForm):
    """Ask for the e-mail of the account whose password is to be reset."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})


class NewPasswordForm(PortalForm):
    """Choose a password (through an invitation or a reset link): typed twice."""

    password = PasswordField(_l("新密码（至少 10 个字符）"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(), Length(max=256), EqualTo("password", message=_l("两次输入的密码不一致"))],
        render_kw={"autocomplete": "new-password"})
