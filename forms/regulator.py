"""Forms of the regulator's tools and registers (issue 18 items 3–5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.domain.labels import VALUE_SETS

from .base import PortalForm
from .filings import KIND_CHOICES
from .labels import value_choices

REASON_REQUIRED = _l("请填写理由 / give the reason")
GRADE_CHOICES = value_choices(VALUE_SETS["credit_grade"])
LEVEL_CHOICES = value_choices(VALUE_SETS["energy_level"], blank=_l("全部"))


class AssignForm(PortalForm):
    """Assign a filing to a reviewer (blank: unassign)."""

    assignee = SelectField(_l("分派给"), validate_choice=False, default="")


class ExtendDeadlineForm(PortalForm):
    """Extend one enterprise's deadline of a kind and year, with the reason."""

    kind = SelectField(_l("类型"), choices=KIND_CHOICES, default="ghg_annual_report")
    year = IntegerField(_l("报告年度"), validators=[DataRequired(message=_l("请填写年度 / give the year")),
                                                NumberRange(2000, 2100)])
    due_on = DateField(_l("延期后的截止日期"), validators=[DataRequired(message=_l(
        "请填写延期后的截止日期 / give the extended due date"))])
    reason = TextAreaField(_l("延期理由"), validators=[DataRequired(message=REASON_REQUIRED), Length(max=2000)])


class ReopenForm(PortalForm):
    """Reopen an accepted filing for correction, with the reason the enterprise sees."""

    reason = TextAreaField(_l("重新打开的理由（企业可见）"), validators=[DataRequired(message=REASON_REQUIRED),
                                                                   Length(max=2000)])


class BulkForm(PortalForm):
    """Act on the filings ticked in the queue: assign them, or remind their enterprises."""

    action = SelectField(_l("批量操作"), choices=[SelectChoice("assign", _l("分派")), SelectChoice("remind", _l("催报提醒"))])
    assignee = SelectField(_l("分派给"), validate_choice=False, default="")


class LedgerFilterForm(PortalForm):
    """Filter the 两高 project ledger (a GET form)."""

    class Meta:
        csrf = False

    region = StringField(_l("行政区划代码（前缀）"), validators=[Optional(), Regexp(r"^\d{2,6}$", message=_l(
        "行政区划代码应为 2–6 位数字 / the region code must be 2 to 6 digits"))])
    industry = StringField(_l("行业代码（前缀）"), validators=[Optional(), Regexp(r"^\d{1,4}$", message=_l(
        "行业代码应为 1–4 位数字 / the industry code must be 1 to 4 digits"))])
    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(2000, 2100, message=_l(
        "年度应在 2000–2100 之间 / the year must be between 2000 and 2100"))])
    level = SelectField(_l("能效水平"), choices=LEVEL_CHOICES, default="")


class CreditRatingForm(PortalForm):
    """Enter an enterprise's 环保信用评价 grade of a year."""

    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(min=18, max=18)],
                       filters=[lambda v: v.strip().upper() if v else v])
    year = IntegerField(_l("评价年度"), validators=[DataRequired(message=_l("请填写年度 / give the year")),
                                                NumberRange(2000, 2100)])
    grade = SelectField(_l("评价等级"), choices=GRADE_CHOICES)
    issuer = StringField(_l("评价机关"), validators=[Optional(), Length(max=200)])


class CreditImportForm(PortalForm):
    """Import grades from an .xlsx workbook (USCC, year, grade, issuer)."""

    file = FileField(_l("评价结果文件（.xlsx）"))


class ObligationForm(PortalForm):
    """Set what an enterprise must file: the flags that make it owe a report."""

    is_key_emitter = BooleanField(_l("重点排放单位"))
    is_key_pollutant_discharger = BooleanField(_l("重点排污单位"))
    is_listed = BooleanField(_l("上市公司或发债企业"))


class MasterDataRequestForm(PortalForm):
    """Ask for a change of the enterprise's registered name, USCC, region or industry (a reviewer decides)."""

    name = StringField(_l("企业名称"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(min=18, max=18)],
                       filters=[lambda v: v.strip().upper() if v else v])
    region_code = StringField(_l("行政区划代码"), validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("应为 6 位数字"))])
    industry_code = StringField(_l("行业代码（GB/T 4754-2017）"), validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l("应为 4 位数字"))])
    reason = TextAreaField(_l("变更理由"), validators=[DataRequired(message=REASON_REQUIRED), Length(max=2000)])
