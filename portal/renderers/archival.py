"""Make a rendered WeasyPrint document an archival PDF: PDF/A-3b, tagged, XMP metadata, the canonical JSON.

* **PDF/A-3b** (ISO 19005-3): WeasyPrint's ``pdf/a-3b`` variant — fonts embedded, an sRGB output intent,
  XMP identification (``pdfaid:part=3``, ``conformance=B``), a file identifier. Part 3 rather than 2
  because only part 3 allows a non-PDF associated file: the canonical JSON travels inside the copy.
* **Tagged** (``pdf_tags``): headings, tables (TH with scope, TD) and paragraphs in reading order.
* **XMP**: Dublin Core title, creator (the enterprise), description and keywords, plus the portal's own
  properties (kind, year, enterprise, USCC, document SHA-256, version, status, template) declared in a
  PDF/A extension schema (ISO 19005-3 6.6.2.3.2), which PDF/A requires for any property outside the
  predefined schemas. ``signing.verify_pdf`` reads ``portal:sha256`` back.
* The metadata stream is left uncompressed: ISO 19005-1 forbids a filter on it and some validators apply
  that rule to every part.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import fromstring, tostring
from xml.sax.saxutils import escape

from .signing import DOCUMENT_ATTACHMENT, PORTAL_XMP_NS

if TYPE_CHECKING:
    from .pdf import ArchivalFacts

PDF_VARIANT = "pdf/a-3b"
OUTPUT_INTENT = "portal-srgb"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

#: the portal's XMP properties: (name, XMP value type, description)
PORTAL_PROPERTIES: tuple[tuple[str, str, str], ...] = (
    ("kind", "Text", "Filing kind (ghg_annual_report, clean_production_audit)"),
    ("year", "Integer", "Reporting or audit year"),
    ("enterprise", "Text", "Enterprise name"),
    ("uscc", "Text", "Unified social credit code of the enterprise"),
    ("sha256", "Text", "SHA-256 of the canonical JSON document embedded as document.json"),
    ("version", "Integer", "Submitted version number (absent for a draft)"),
    ("status", "Text", "Status of the filing version"),
    ("template", "Text", "Report template and its version"),
)

def _portal_values(facts: ArchivalFacts) -> dict[str, str]:
    values = {
        "kind": facts.kind, "year": facts.year, "enterprise": facts.enterprise, "uscc": facts.uscc,
        "sha256": facts.sha256, "version": facts.version, "status": facts.status, "template": facts.template,
    }
    return {k: str(v) for k, v in values.items() if v is not None and v != ""}


def _extension_schema() -> str:
    """Return the rdf:Description holding the PDF/A extension schema that declares the portal's properties."""
    properties = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>{value_type}</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(text)}</pdfaProperty:description>"
        "</rdf:li>"
        for name, value_type, text in PORTAL_PROPERTIES
    )
    return (
        f'<rdf:Description rdf:about="" xmlns:pdfaExtension="{EXTENSION}" xmlns:pdfaSchema="{SCHEMA}" '
        f'xmlns:pdfaProperty="{PROPERTY}"><pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>Portal copy of record</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{PORTAL_XMP_NS}</pdfaSchema:namespaceURI>"
        "<pdfaSchema:prefix>portal</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
    )


def _portal_description(values: dict[str, str]) -> str:
    body = "".join(f"<portal:{name}>{escape(value)}</portal:{name}>" for name, value in values.items())
    return f'<rdf:Description rdf:about="" xmlns:portal="{PORTAL_XMP_NS}">{body}</rdf:Description>'


def _metadata_class() -> type:
    from weasyprint.pdf.metadata import DocumentMetadata

    class CopyOfRecordMetadata(DocumentMetadata):
        """WeasyPrint's metadata, with the portal's properties and their extension schema in the XMP."""

        portal: dict[str, str]

        def generate_rdf_metadata(self, variant: str, version: Any, conformance: Any) -> bytes:
            # Each rdf:Description declares its own namespaces: XMP parsers that build one schema per
            # description (Apache xmpbox) do not look for them on rdf:RDF, where ElementTree puts them.
            root = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            parts = [tostring(description, encoding="unicode") for description in root]
            parts += [_extension_schema(), _portal_description(self.portal)]
            return f'<rdf:RDF xmlns:rdf="{RDF}">{"".join(parts)}</rdf:RDF>'.encode()

    return CopyOfRecordMetadata


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def archival_options(document: Any, facts: ArchivalFacts) -> dict[str, Any]:
    """Give a rendered WeasyPrint ``document`` its archival metadata; return the ``write_pdf`` arguments."""
    import weasyprint

    created = facts.created or dt.datetime.now(dt.UTC)
    old = document.metadata
    metadata = _metadata_class()(
        title=facts.title, authors=[facts.enterprise], description=old.description, keywords=old.keywords,
        generator=old.generator, created=_iso(created), modified=_iso(created), lang=old.lang,
    )
    metadata.portal = _portal_values(facts)
    document.metadata = metadata
    # The attachment's dates are the version's: two renderings of one version embed identical bytes.
    naive = created.astimezone(dt.UTC).replace(tzinfo=None)
    attachment = weasyprint.Attachment(
        string=facts.document_json, name=DOCUMENT_ATTACHMENT, relationship="Source", created=naive,
        modified=naive, description=f"规范化文书 canonical document, SHA-256 {facts.sha256}",
    )
    _srgb_output_intent(document)
    return {"pdf_variant": PDF_VARIANT, "pdf_tags": True, "attachments": [attachment],
            "output_intent": OUTPUT_INTENT, "finisher": _finish}


@cache
def _srgb_profile() -> bytes:
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _srgb_output_intent(document: Any) -> None:
    """Give the document WeasyPrint's sRGB profile as its PDF/A output intent, read here.

    With ``output_intent="srgb"`` WeasyPrint 70 opens the profile and never closes the file (a
    ResourceWarning on every PDF); under our own key it uses the profile we hand it.
    """
    from weasyprint.css import ColorProfile

    profile = ColorProfile(io.BytesIO(_srgb_profile()), "sRGB2014.icc", "relative-colorimetric",
                           (["r"], ["g"], ["b"]))
    document.color_profiles[OUTPUT_INTENT] = profile
    document.output_intent = OUTPUT_INTENT


def _finish(document: Any, pdf: Any) -> None:
    """Store the XMP metadata stream without a filter (see the module docstring); list each file once in /AF.

    WeasyPrint 70 adds an associated file to the catalog's /AF twice (once from the name tree, once from
    its file specification).
    """
    reference = pdf.catalog.get("Metadata")  # b"12 0 R"
    if reference is not None:
        text = reference.decode() if isinstance(reference, bytes) else str(reference)
        pdf.objects[int(text.split()[0])].compress = False
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)
