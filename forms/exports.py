"""Forms for the regulator's exports and for verifying a copy of record."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileSize
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, Regexp

from .base import PortalForm
from .filings import KIND_CHOICES


class ConsolidatedExportForm(PortalForm):
    """Choose the year (and optionally the kind) of the consolidated workbook; read from the query string."""

    class Meta:
        csrf = False  # a GET download that changes nothing

    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(min=2019, max=2100)],
                        default=lambda: dt.date.today().year - 1)
    kind = SelectField(_l("申报类型"), choices=[SelectChoice("", _l("全部")), *KIND_CHOICES],
                       validators=[Optional()], default="")


class VerifyCopyForm(PortalForm):
    """Upload a PDF copy of record or paste the SHA-256 printed on it."""

    pdf = FileField(_l("PDF 文件"), validators=[FileSize(max_size=10 * 1024 * 1024)])
    sha256 = StringField(_l("或粘贴 SHA-256 哈希值"), validators=[
        Optional(), Regexp(r"^\s*[0-9a-fA-F]{64}\s*$", message=_l("哈希值应为 64 位十六进制字符"))])
