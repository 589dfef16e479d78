"""The filer's forms of a clean-production audit (清洁生产审核): one page per section of the schema.

Like :mod:`forms.ghg`, every input comes from the kind's field tree through :mod:`forms.doc_fields`. The
regulatory checks (CPA-002…CPA-012) stay in the rules engine.
"""

from __future__ import annotations

from flask_wtf import FlaskForm

from portal.domain.documents import CPA_KIND

from .doc_fields import FormSection, apply_section, form_sections
from .doc_fields import section_form_class as _section_form_class

__all__ = ["SECTIONS", "SECTION_BY_SLUG", "Section", "apply_section", "section_form_class"]

Section = FormSection
SECTIONS: tuple[FormSection, ...] = form_sections(CPA_KIND)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def section_form_class(slug: str) -> type[FlaskForm]:
    """Return the form class of an audit section (built once from the schema)."""
    return _section_form_class(CPA_KIND, slug)
