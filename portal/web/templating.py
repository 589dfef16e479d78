"""Template helpers: status labels, role labels, bilingual messages, date formatting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("草稿"),
    "submitted": _l("已提交"),
    "returned": _l("已退回"),
    "resubmitted": _l("已重新提交"),
    "accepted": _l("已通过"),
}
STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "resubmitted": "text-bg-info",
    "accepted": "text-bg-success",
}
KIND_LABELS = {"ghg_annual_report": _l("温室气体排放年度报告"), "clean_production_audit": _l("清洁生产审核")}
ROLE_LABELS = {"admin": _l("管理员"), "reviewer": _l("审核人"), "filer": _l("填报人"), "signatory": _l("签字人")}
SEVERITY_LABELS = {"error": _l("错误"), "warning": _l("警告"), "notice": _l("提示")}
SEVERITY_BADGES = {"error": "text-bg-danger", "warning": "text-bg-warning", "notice": "text-bg-info"}


def bilingual(zh: str, en: str) -> str:
    """Return the message in the current language."""
    locale = get_locale()
    return en if locale is not None and locale.language == "en" else zh


def format_number(value: Any) -> str:
    """Return a number with thousands separators, keeping its decimals ("—" for none)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = max(-number.as_tuple().exponent, 0) if isinstance(number.as_tuple().exponent, int) else 0
    return f"{number:,.{places}f}"


def register_template_helpers(app: Flask) -> None:
    """Expose labels and helpers to every template."""
    app.add_template_filter(format_number, "num")

    @app.context_processor
    def _labels() -> dict[str, Any]:
        return {
            "STATUS_LABELS": STATUS_LABELS,
            "STATUS_BADGES": STATUS_BADGES,
            "KIND_LABELS": KIND_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "SEVERITY_LABELS": SEVERITY_LABELS,
            "SEVERITY_BADGES": SEVERITY_BADGES,
            "bilingual": bilingual,
            "current_language": (get_locale().language if get_locale() else "zh"),
        }
