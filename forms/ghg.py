"""The filer's forms of a GHG annual report (温室气体排放年度报告): one page per section of the schema.

Every input comes from the kind's field tree (``portal.domain.schema``) through :mod:`forms.doc_fields`:
the sections, their fields, labels, units and bounds are declared once, beside the document. What is
particular to this kind is the select choices of the reference code lists (fuels, processes, products).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from portal.domain.documents import GHG_KIND
from portal.domain.labels import UNITS

from .doc_fields import Bilingual, ChoiceList, FormSection, apply_section, form_sections
from .doc_fields import section_form_class as _section_form_class

__all__ = ["SECTIONS", "SECTION_BY_SLUG", "Section", "apply_section", "code_choices", "section_form_class"]

Section = FormSection
SECTIONS: tuple[FormSection, ...] = form_sections(GHG_KIND)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def section_form_class(slug: str) -> type[FlaskForm]:
    """Return the form class of a section (built once from the schema)."""
    return _section_form_class(GHG_KIND, slug)



# ------------------------------------------------------------------------------ reference choices

def _unit(unit: str) -> tuple[str, str]:
    """Return how a reference code's unit is printed (the catalogue holds reference data's spellings)."""
    found = UNITS.get(unit)
    return (found.zh, found.en) if found is not None else (unit, unit)


def code_choices(fuels: Iterable[Any], processes: Iterable[Any], products: Iterable[Any]) -> dict[str, ChoiceList]:
    """Return the select choices of the code lists, named in Chinese (English when chosen), with units.

    Takes the reference entries (``FuelFactor``, ``ProcessFactor``, ``ProductRef``) so the form stays free
    of data access; a fuel tabulated in several editions is offered once.
    """
    out: dict[str, ChoiceList] = {"fuel": ChoiceList(), "process": ChoiceList(), "product": ChoiceList(),
                                  "variant": ChoiceList()}
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
        # a product's bands, named after it ("合成氨 · 粉煤"): GHG-002 checks a band belongs to its product
        for level in product.levels:
            if level.variant:
                out["variant"].append(SelectChoice(level.variant, Bilingual(
                    f"{product.name_zh} · {level.name_zh}", f"{product.name_en} · {level.name_en}")))
    return out
