"""Template helpers: the label catalogue in the page's language, role labels, bilingual messages, formatting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from forms.labels import KIND_LABELS, SEVERITY_LABELS, STATUS_LABELS, language, value_name
from portal.domain import formatting as fmt
from portal.domain.disclosure import ADHOC_COMPUTED, ANNUAL_COMPUTED
from portal.domain.documents import (
    CPA_COMPUTED,
    DEADLINES_COMPUTED,
    GHG_COMPUTED,
    INDICATOR_COMPUTED,
    OPTION_COMPUTED,
)
from portal.domain.labels import EMPTY, Text, Unit
from portal.domain.verification import CHECK_RESULTS

#: the computed figures of both kinds by key, as the filing page prints them (labels, units, places)
COMPUTED = {d.key: d for d in (*ANNUAL_COMPUTED, *ADHOC_COMPUTED, *GHG_COMPUTED, *CPA_COMPUTED)}

STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "resubmitted": "text-bg-info",
    "accepted": "text-bg-success",
}
ROLE_LABELS = {"system_admin": _l("系统管理员"), "security_admin": _l("安全管理员"), "audit_admin": _l("审计管理员"),
               "reviewer": _l("审核人"), "filer": _l("填报人"), "signatory": _l("签字人"),
               "verifier": _l("核查人员")}
VERIFICATION_LABELS = {"open": _l("核查中"), "concluded": _l("已出具结论，待确认"), "accepted": _l("结论已确认")}
SEVERITY_BADGES = {"error": "text-bg-danger", "warning": "text-bg-warning", "notice": "text-bg-info"}


def _language_code() -> str:
    """Return the language of the page being drawn ("zh" where none was chosen)."""
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def bilingual(zh: str, en: str) -> str:
    """Return the message in the current language."""
    locale = get_locale()
    return en if locale is not None and locale.language == "en" else zh


def format_number(value: Any, places: int | None = None) -> str:
    """Return a number with thousands separators, keeping its decimals ("—" for none): domain.formatting's."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return fmt.number(value, places)
    try:
        return fmt.number(Decimal(str(value)), places)
    except InvalidOperation:
        return str(value)


def show_value(column: Any, value: Any, names: Any = None) -> str:
    """Return a value of a document table (renderers.view.Column) as the PDF prints it, in the page's language."""
    if fmt.is_empty(value):
        return EMPTY
    if column.node is not None:
        return fmt.value(column.node, value, language(), names, places=column.places)
    if isinstance(value, bool):
        return fmt.value_of_bool(value, language())
    if column.kind == "year":
        return fmt.year(value)
    if isinstance(value, (Decimal, int, float)):
        return fmt.number(value, column.places)
    return str(value)


def field_value(node: Any, value: Any, names: Any = None) -> str:
    """Return a document value of field ``node`` as every view prints it (codes by name), in the page's language."""
    return fmt.value(node, value, language(), names)


def text_in_language(text: Text | Unit | None) -> str:
    """Return a catalogue text (or unit) in the page's language ("" for none)."""
    return "" if text is None else text.get(language())


def path_words(path: str, kind: str | None = None) -> str:
    """Return a finding's document path in words, as the filing page names the field (issue 20 item 5).

    "fuels[1].ncv" → "化石燃料燃烧 第2行 低位发热量（实测）"; a path no schema knows is shown as it is.
    """
    from portal.domain.documents import KINDS
    from portal.domain.schema import schema_of

    for candidate in (kind,) if kind else KINDS:
        schema = schema_of(candidate)
        if schema.find(path) is not None:
            return schema.describe(path).get(language())
    return path


def register_template_helpers(app: Flask) -> None:
    """Expose labels and helpers to every template."""
    app.add_template_filter(format_number, "num")
    app.add_template_filter(fmt.percent, "percent")
    app.add_template_filter(fmt.percent_points, "percent_points")
    app.add_template_filter(fmt.datetime, "china_time")
    app.add_template_filter(text_in_language, "t")

    def filing_facts(filing: Any) -> Any:
        from ..services.registers import filing_facts as facts

        return facts(filing)

    app.add_template_global(filing_facts, "filing_facts")

    @app.context_processor
    def _labels() -> dict[str, Any]:
        return {
            "STATUS_LABELS": STATUS_LABELS,
            "STATUS_BADGES": STATUS_BADGES,
            "KIND_LABELS": KIND_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "VERIFICATION_LABELS": VERIFICATION_LABELS,
            "CHECK_RESULT_CHOICES": tuple(CHECK_RESULTS.items()),
            "SEVERITY_LABELS": SEVERITY_LABELS,
            "SEVERITY_BADGES": SEVERITY_BADGES,
            "bilingual": bilingual,
            "COMPUTED": COMPUTED,
            "ANNUAL_COMPUTED": ANNUAL_COMPUTED,
            "ADHOC_COMPUTED": ADHOC_COMPUTED,
            "OPTION_COMPUTED": OPTION_COMPUTED,
            "INDICATOR_COMPUTED": INDICATOR_COMPUTED,
            "DEADLINES_COMPUTED": DEADLINES_COMPUTED,
            "value_name": value_name,
            "show_value": show_value,
            "field_value": field_value,
            "path_words": path_words,
            "current_language": _language_code(),
        }
