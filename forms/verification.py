"""Forms of verification (核查) and evidence attachments: well-formedness only; choices are set by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .base import PortalForm


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value else None


class BodyForm(PortalForm):
    """Register a verification body (核查机构)."""

    name = StringField(_l("核查机构名称"), validators=[DataRequired(_l("请填写核查机构名称")), Length(max=200)])
    uscc = StringField(_l("统一社会信用代码（可选）"), validators=[Optional(), Length(min=18, max=18)],
                       filters=[_blank_to_none])


class EngagementForm(PortalForm):
    """Engage a verification body for a set of a year's filings."""

    body = SelectField(_l("核查机构"), coerce=int, validators=[InputRequired(_l("请选择核查机构"))])
    year = IntegerField(_l("报告年度"), validators=[InputRequired(_l("请填写年度")), NumberRange(2000, 2100)])
    filings = SelectMultipleField(_l("委托核查的申报"), coerce=int, validate_choice=False)


class FindingForm(PortalForm):
    """Raise a 不符合项 on a field, optionally citing an attachment of the version."""

    field_path = SelectField(_l("字段"), validators=[InputRequired(_l("请选择不符合项所针对的字段"))])
    body = TextAreaField(_l("不符合内容"), validators=[DataRequired(_l("请写明不符合的内容")), Length(max=4000)])
    attachment = SelectField(_l("引用的证据附件（可选）"), coerce=str, validate_choice=False)


class ResponseForm(PortalForm):
    """The enterprise's response to a 不符合项."""

    response = TextAreaField(_l("企业答复"), validators=[DataRequired(_l("答复不能为空")), Length(max=4000)])


class ConclusionForm(PortalForm):
    """The verifier's conclusion with the verified total (审定排放量)."""

    verified_tco2 = IntegerField(_l("审定排放量（tCO₂）"),
                                 validators=[InputRequired(_l("请填写审定排放量")), NumberRange(min=0)])
    conclusion = TextAreaField(_l("核查结论"), validators=[DataRequired(_l("请填写核查结论")), Length(max=4000)])


class AttachmentForm(PortalForm):
    """Upload one evidence file to the filing, a section or a line."""

    file = FileField(_l("文件（PDF、PNG、JPEG 或 xlsx）"), validators=[FileRequired(_l("请选择要上传的文件"))],
                     render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.xlsx"})
    target = SelectField(_l("附于"), validate_choice=False, default="filing:")
