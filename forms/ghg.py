"""The filer's forms of a GHG annual report (温室气体排放年度报告), one per section of the document.

Every input comes from the field declarations in ``portal/domain/documents.py`` through
:mod:`forms.doc_fields`; this module only says which document attributes each section holds, and the
ranges a typed number must lie in (layer 1 of the validation: what cannot be a number of that kind at
all). Regulatory and plausibility checks (GHG-002…) stay in the rules engine, as findings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from portal.domain.documents import (
    Enterprise,
    FuelLine,
    GeneratingUnit,
    GhgAnnualReport,
    ProcessLine,
    ProductLine,
)

from .doc_fields import Bilingual, ChoiceList, FieldRule, NumberRange, build_section_form, form_values

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True)
class Section:
    """Describe one page of the filer's forms: its URL slug, its title and the attributes it edits."""

    slug: str
    title: Any
    attrs: tuple[str, ...]

    @property
    def lists(self) -> tuple[str, ...]:
        """Return the attributes edited as repeatable rows."""
        return tuple(a for a in self.attrs if a in ROW_LISTS)


ROW_LISTS = ("fuels", "processes", "products", "generating_units", "boilers")

SECTIONS: tuple[Section, ...] = (
    Section("profile", _l("企业信息"), ("enterprise",)),
    Section("fuels", _l("化石燃料燃烧"), ("fuels",)),
    Section("processes", _l("工业生产过程"), ("processes",)),
    Section("energy", _l("电力与热力"), ("electricity", "heat", "co2_recovered_t")),
    Section("products", _l("产品与能耗"), ("products", "energy_total_tce")),
    Section("generating-units", _l("发电机组"), ("generating_units",)),
    Section("boilers", _l("锅炉"), ("boilers",)),
    Section("pollutants", _l("污染物与排污许可"), ("pollutants", "permit")),
    Section("other", _l("其他管理信息"), ("toxic", "hcfc", "air", "exceeded_standards", "last_audit_year")),
    Section("declared", _l("企业自报总量"), ("declared",)),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}

#: Ranges beyond "not negative" (the default for every number of the report), mirroring the bounds of
#: GHG-002/GHG-003 so a typo is caught at the field before it becomes a finding.
RULES: Mapping[tuple[type, str], FieldRule] = {
    (FuelLine, "consumption"): FieldRule(NumberRange(_ZERO, min_inclusive=False, message=_l("消耗量应大于 0"))),
    (FuelLine, "ncv"): FieldRule(NumberRange(_ZERO, min_inclusive=False, message=_l("低位发热量应大于 0"))),
    (FuelLine, "carbon_content"): FieldRule(
        NumberRange(_ZERO, min_inclusive=False, message=_l("单位热值含碳量应大于 0"))),
    (FuelLine, "oxidation_rate"): FieldRule(
        NumberRange(_ZERO, _ONE, min_inclusive=False, message=_l("碳氧化率应在 0 到 1 之间（不含 0）"))),
    (FuelLine, "sulfur_pct"): FieldRule(NumberRange(_ZERO, Decimal(100), message=_l("全硫应在 0 到 100 之间"))),
    (ProcessLine, "activity"): FieldRule(NumberRange(_ZERO, min_inclusive=False, message=_l("活动数据应大于 0"))),
    # Carbon leaving in products is a negative factor (crude_steel_out…): a measured factor is unbounded.
    (ProcessLine, "emission_factor"): FieldRule(NumberRange()),
    (ProcessLine, "cao_fraction"): FieldRule(NumberRange(_ZERO, _ONE, message=_l("含量应在 0 到 1 之间"))),
    (ProcessLine, "mgo_fraction"): FieldRule(NumberRange(_ZERO, _ONE, message=_l("含量应在 0 到 1 之间"))),
    (ProcessLine, "purity"): FieldRule(NumberRange(_ZERO, _ONE, message=_l("纯度应在 0 到 1 之间"))),
    (ProductLine, "output"): FieldRule(NumberRange(_ZERO, message=_l("产量不能为负数"))),
    (GeneratingUnit, "heat_ratio"): FieldRule(NumberRange(_ZERO, _ONE, message=_l("供热比应在 0 到 1 之间"))),
    (GhgAnnualReport, "last_audit_year"): FieldRule(
        NumberRange(Decimal(1990), Decimal(2100), message=_l("请输入四位年份"))),
    # The filing is keyed by this code (services.filings checks it): shown, not edited here.
    (Enterprise, "uscc"): FieldRule(readonly=True),
}


@cache
def section_form_class(slug: str) -> type[FlaskForm]:
    """Return the form class of a section (built once from the field declarations)."""
    section = SECTION_BY_SLUG[slug]
    return build_section_form(GhgAnnualReport, section.attrs, rules=RULES,
                              name="Ghg" + slug.title().replace("-", ""))


def apply_section(document: GhgAnnualReport, form: FlaskForm) -> GhgAnnualReport:
    """Return the document with the section's attributes replaced by what the (valid) form holds."""
    return dataclasses.replace(document, **form_values(form))


# ------------------------------------------------------------------------------ reference choices

_UNIT_LABELS = {"10^4 Nm3": ("万Nm³", "10⁴ Nm³"), "t clinker": ("t 熟料", "t clinker")}


def _unit(unit: str) -> tuple[str, str]:
    return _UNIT_LABELS.get(unit, (unit, unit))


def code_choices(fuels: Iterable[Any], processes: Iterable[Any], products: Iterable[Any]) -> dict[str, ChoiceList]:
    """Return the select choices of the code lists, named in Chinese (English when chosen), with units.

    Takes the reference entries (``FuelFactor``, ``ProcessFactor``, ``ProductRef``) so the form stays free
    of data access; a fuel tabulated in several editions is offered once.
    """
    out: dict[str, ChoiceList] = {"fuel": ChoiceList(), "process": ChoiceList(), "product": ChoiceList()}
    seen: set[str] = set()
    for fuel in fuels:
        if fuel.code in seen:
            continue
        seen.add(fuel.code)
        zh, en = _unit(fuel.unit)
        out["fuel"].append(SelectChoice(fuel.code, Bilingual(fuel.name_zh, fuel.name_en, zh, en)))
    for process in processes:
        zh, en = _unit(process.unit)
        out["process"].append(SelectChoice(process.code, Bilingual(process.name_zh, process.name_en, zh, en)))
    for product in products:
        zh, en = _unit(product.unit)
        out["product"].append(SelectChoice(product.code, Bilingual(product.name_zh, product.name_en, zh, en)))
    return out
