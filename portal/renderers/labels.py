"""Names of the reference codes a filing uses (fuels, processes, products), looked up for the renderers.

Every other name a filing prints — field labels, units, value sets, kinds, statuses, severities — is in
the domain's label catalogue (``portal.domain.labels``) and the field declarations. Reference code names
are data (``portal/reference/data``) with a source: the caller passes them in as :data:`CodeLabels`,
because renderers depend on ``domain`` only (ARCHITECTURE.md, "Arrows point down only").
"""

from __future__ import annotations

from typing import Any

from portal.domain.disclosure import EnvDisclosureAnnualReport
from portal.domain.documents import Document, GhgAnnualReport
from portal.domain.formatting import CodeNames
from portal.domain.labels import Text

#: code list name ("fuel", "process", "product") → code → name
CodeLabels = CodeNames


def labels_from_reference(ref: Any, document: Document, edition: str | None = None) -> dict[str, dict[str, Text]]:
    """Return the names of the fuel, process and product codes ``document`` uses, from reference data.

    ``ref`` is any object with the ``fuel(code, edition)``, ``process(code)`` and ``product(code)`` methods
    of ``portal.reference.ReferenceData`` (duck-typed: renderers do not import the reference package).
    ``edition`` is the default-factor edition of the computed results; the fuel names are the same in
    every edition, so any will do when it is not given.
    """
    out: dict[str, dict[str, Text]] = {"fuel": {}, "process": {}, "product": {}}
    if isinstance(document, EnvDisclosureAnnualReport):  # its main products, the only codes it uses
        for disclosed in document.basic_info.products if document.basic_info is not None else ():
            found = ref.product(disclosed.product)
            if found is not None:
                out["product"][disclosed.product] = Text(found.name_zh, found.name_en)
        return out
    if not isinstance(document, GhgAnnualReport):  # the audit and the ad-hoc report use no reference code
        return out
    fuel_edition = edition or ref.fuel_edition(document.enterprise.industry_code)
    for line in document.fuels:
        found = ref.fuel(line.fuel, fuel_edition)
        if found is not None:
            out["fuel"][line.fuel] = Text(found.name_zh, found.name_en)
    for pline in document.processes:
        found = ref.process(pline.process)
        if found is not None:
            out["process"][pline.process] = Text(found.name_zh, found.name_en)
    for product in document.products:
        found = ref.product(product.product)
        if found is not None:
            out["product"][product.product] = Text(found.name_zh, found.name_en)
    return out
