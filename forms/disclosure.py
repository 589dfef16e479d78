"""The filer's forms of the disclosure kinds (企业环境信息依法披露年度报告, 临时环境信息依法披露报告).

Like :mod:`forms.ghg` and :mod:`forms.cpa`, every input comes from the kind's field tree through
:mod:`forms.doc_fields`. What is particular here: each section of the annual report is one object
(``pollutants``) whose lists (``pollutants.outlets``) are tables of rows on the section's page, named by
their input prefix (``pollutants-outlets``), and an optional object left blank is no object (``carbon.ets``
absent, not empty: DSC-002 reads it).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask_wtf import FlaskForm

from portal.domain.disclosure import ADHOC_KIND, ANNUAL_KIND
from portal.domain.schema import Field

from .doc_fields import FormSection, apply_section, form_sections, is_object_list, keep_row_lists
from .doc_fields import section_form_class as _section_form_class

__all__ = ["ADHOC_SECTIONS", "ANNUAL_SECTIONS", "apply_disclosure_section", "sections_of"]


def _with_nested_lists(section: FormSection) -> FormSection:
    """Return the page with the tables inside its objects listed too (``pollutants-outlets``)."""
    lists = list(section.lists)
    for node in section.section.fields:
        if node.kind == "object" and not node.fixed:
            lists.extend(f"{node.name}-{child.name}" for child in node.children if is_object_list(child))
    return dataclasses.replace(section, lists=tuple(lists))


def sections_of(kind: str) -> tuple[FormSection, ...]:
    """Return the form pages of a disclosure kind."""
    return tuple(_with_nested_lists(s) for s in form_sections(kind))


ANNUAL_SECTIONS = sections_of(ANNUAL_KIND)
ADHOC_SECTIONS = sections_of(ADHOC_KIND)


def annual_form_class(slug: str) -> type[FlaskForm]:
    """Return the form class of an annual-report section (built once from the schema)."""
    return _section_form_class(ANNUAL_KIND, slug)


def adhoc_form_class(slug: str) -> type[FlaskForm]:
    """Return the form class of an ad-hoc report section (built once from the schema)."""
    return _section_form_class(ADHOC_KIND, slug)


def _blank(value: Any) -> bool:
    """Return whether every field of an object is empty (None, "", [], False, 0 or a blank object)."""
    if dataclasses.is_dataclass(value):
        return all(_blank(getattr(value, f.name)) for f in dataclasses.fields(value))
    return value in (None, "", [], False, 0)


def _blank_optional(value: Any, node: Field) -> Any:
    """Return ``value`` with each optional object under it that was left blank set to None."""
    if node.kind != "object" or value is None or not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {}
    for child in node.children:
        if child.kind != "object":
            continue
        inner = _blank_optional(getattr(value, child.name), child)
        if child.nullable and inner is not None and _blank(inner):
            inner = None
        changes[child.name] = inner
    return dataclasses.replace(value, **changes) if changes else value


def apply_disclosure_section(document: Any, form: FlaskForm) -> Any:
    """Return the document with the section replaced by the (valid) form's values.

    Optional objects left blank are absent; the tables inside table rows (a waste's receivers, a financing's
    projects), which the forms do not draw, keep what the JSON editor or the workbook put there.
    """
    updated = apply_section(document, form)
    changes = {}
    for node in form.section_nodes:
        if node.fixed:
            continue
        value = _blank_optional(getattr(updated, node.name), node)
        if node.kind == "object" and node.nullable and value is not None and _blank(value):
            value = None
        changes[node.name] = keep_row_lists(getattr(document, node.name), value) if value is not None else None
        if node.kind == "list" and isinstance(value, list):
            changes[node.name] = value
    return dataclasses.replace(updated, **changes)
