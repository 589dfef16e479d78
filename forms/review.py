"""Forms of the review workspace: queue filters, comments, verdicts, decisions, the enterprise's answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.domain.labels import FILING_STATUSES

from .base import PortalForm
from .filings import KIND_CHOICES
from .labels import value_choices

STATUS_CHOICES = value_choices(FILING_STATUSES, blank=_l("全部状态"))
SORT_CHOICES = [
    SelectChoice("submitted", _l("提交时间")),
    SelectChoice("deadline", _l("截止日期")),
    SelectChoice("year", _l("年度")),
    SelectChoice("enterprise", _l("企业")),
    SelectChoice("region", _l("行政区划")),
    SelectChoice("status", _l("状态")),
    SelectChoice("errors", _l("错误数")),
    SelectChoice("warnings", _l("警告数")),
]
ORDER_CHOICES = [SelectChoice("desc", _l("降序")), SelectChoice("asc", _l("升序"))]


class QueueFilterForm(PortalForm):
    """Filter and sort the review queue (a GET form: no CSRF token, the query string is the state)."""

    class Meta:
        csrf = False

    region = StringField(_l("行政区划代码（前缀）"), validators=[Optional(), Regexp(r"^\d{2,6}$", message=_l(
        "行政区划代码应为 2–6 位数字 / the region code must be 2 to 6 digits"))])
    industry = StringField(_l("行业代码（前缀）"), validators=[Optional(), Regexp(r"^\d{1,4}$", message=_l(
        "行业代码应为 1–4 位数字 / the industry code must be 1 to 4 digits"))])
    kind = SelectField(_l("类型"), choices=[SelectChoice("", _l("全部类型")), *KIND_CHOICES], default="")
    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(2000, 2100, message=_l(
        "年度应在 2000–2100 之间 / the year must be between 2000 and 2100"))])
    status = SelectField(_l("状态"), choices=STATUS_CHOICES, default="")
    rule = StringField(_l("规则编号"), validators=[Optional(), Regexp(r"^[A-Za-z]{3}-\d{3}$", message=_l(
        "规则编号的格式为 GHG-004 / a rule id looks like GHG-004"))])
    overdue = BooleanField(_l("仅逾期未报"))
    q = StringField(_l("企业名称、统一社会信用代码或行政区划"), validators=[Optional(), Length(max=200)])
    mine = BooleanField(_l("仅分派给我的"))
    sort = SelectField(_l("排序"), choices=SORT_CHOICES, default="submitted")
    order = SelectField(_l("顺序"), choices=ORDER_CHOICES, default="desc")
    page = IntegerField(_l("页码"), validators=[Optional(), NumberRange(1, 100000)], default=1)


class CommentForm(PortalForm):
    """Write a comment on the whole filing, one finding or one field, internal or visible to the filer."""

    target = SelectField(_l("针对"), validators=[DataRequired()], validate_choice=False)
    visibility = SelectField(_l("可见范围"), choices=[
        SelectChoice("filer", _l("企业可见（企业须答复）")), SelectChoice("internal", _l("仅审核人员可见（内部）")),
    ], default="filer")
    body = TextAreaField(_l("意见内容"), validators=[DataRequired(message=_l("请填写审核意见 / write the comment")),
                                                     Length(max=4000)])


class VerdictForm(PortalForm):
    """Accept or reject the filer's explanation of one warning."""

    finding_key = HiddenField(validators=[DataRequired()])
    verdict = SelectField(_l("情况说明"), choices=[
        SelectChoice("accepted", _l("认可")), SelectChoice("rejected", _l("不认可")),
    ])


class DecisionForm(PortalForm):
    """Return (with a note the filer must address) or accept."""

    note = TextAreaField(_l("退回说明（企业可见）"), validators=[Optional(), Length(max=4000)])


class AnswerForm(PortalForm):
    """Answer one of the reviewer's comments."""

    answer = TextAreaField(_l("答复"), validators=[DataRequired(message=_l("请填写答复 / write the answer")),
                                                   Length(max=4000)])
