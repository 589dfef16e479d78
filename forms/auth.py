"""Login and signing forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    """Ask for e-mail and password."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class SubmitForm(FlaskForm):
    """Ask the signatory to certify and re-enter the password (PRODUCT.md: the signing flow)."""

    certified = BooleanField(_l("本人已阅读并接受上述承诺"), validators=[DataRequired(_l("请接受承诺后再提交"))])
    password = PasswordField(_l("请再次输入您的登录密码以确认签署"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
