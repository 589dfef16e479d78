"""The filer's forms of a clean-production audit (清洁生产审核), one per section of the document.

Like :mod:`forms.ghg`, every input comes from the field declarations in ``portal/domain/documents.py``
through :mod:`forms.doc_fields`; this module says which attributes each section holds and the ranges a
typed number must lie in. The regulatory checks (CPA-002…CPA-012) stay in the rules engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.domain.documents import (
    AuditOption,
    CleanProductionAudit,
    Consultancy,
    Enterprise,
    OptionSavings,
)

from .doc_fields import FieldRule, NumberRange, build_section_form, form_values
from .ghg import Section

_ZERO = Decimal(0)
_ONE = Decimal(1)

ROW_LISTS = ("indicators", "options")


@dataclass(frozen=True)
class AuditSection(Section):
    """Describe one page of the audit forms (its repeatable rows are the indicators and the options)."""

    @property
    def lists(self) -> tuple[str, ...]:
        """Return the attributes edited as repeatable rows."""
        return tuple(a for a in self.attrs if a in ROW_LISTS)


SECTIONS: tuple[AuditSection, ...] = (
    AuditSection("profile", _l("企业信息"), ("enterprise",)),
    AuditSection("why", _l("审核类型与期限"),
                 ("audit_type", "audit_mode", "triggers", "listed_on", "info_published_on")),
    AuditSection("consultancy", _l("咨询机构与排污许可"), ("consultancy", "permit_number")),
    AuditSection("phases", _l("审核阶段"), ("phases",)),
    AuditSection("targets", _l("审核重点与指标"), ("focus", "baseline_year", "indicators")),
    AuditSection("options", _l("清洁生产方案"), ("options", "discount_rate")),
    AuditSection("review", _l("评估与验收"), ("assessment", "acceptance")),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}

#: Ranges beyond "not negative" (the default for every number of the audit).
RULES: Mapping[tuple[type, str], FieldRule] = {
    # The NPV/IRR need a discount rate in [0, 1): a rate of 100 % or more is a typo for a percentage.
    (CleanProductionAudit, "discount_rate"): FieldRule(
        NumberRange(_ZERO, _ONE, max_inclusive=False, message=_l("折现率应为 0 到 1 之间的小数（如 0.08）"))),
    (CleanProductionAudit, "baseline_year"): FieldRule(
        NumberRange(Decimal(1990), Decimal(2100), message=_l("请输入四位年份"))),
    (AuditOption, "lifetime_years"): FieldRule(
        NumberRange(_ONE, Decimal(100), message=_l("寿命期应为 1 到 100 年"))),
    # The filing is keyed by this code (services.filings checks it): shown, not edited here.
    (Enterprise, "uscc"): FieldRule(readonly=True),
    # An option may raise one medium while it lowers another (a scrubber costs CO2): a saving may be
    # negative, so the co-benefit table can show the trade-off instead of refusing it.
    **{(OptionSavings, f.name): FieldRule(NumberRange()) for f in dataclasses.fields(OptionSavings)},
}


@cache
def section_form_class(slug: str) -> type[FlaskForm]:
    """Return the form class of an audit section (built once from the field declarations)."""
    section = SECTION_BY_SLUG[slug]
    return build_section_form(CleanProductionAudit, section.attrs, rules=RULES,
                              name="Cpa" + slug.title().replace("-", ""))


def apply_section(document: CleanProductionAudit, form: FlaskForm) -> CleanProductionAudit:
    """Return the audit with the section's attributes replaced by what the (valid) form holds.

    A consultancy left entirely blank is no consultancy (``null`` in the document), not an empty one.
    """
    values = form_values(form)
    if values.get("consultancy") == Consultancy():
        values["consultancy"] = None
    return dataclasses.replace(document, **values)
