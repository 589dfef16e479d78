"""The label catalogue in the language of the page: lazy bilingual labels for forms and templates.

``portal.domain.labels`` holds every name a filing prints in Chinese and English; this module wraps them
so that the language is chosen when a page is drawn (the user's choice, Chinese first). Templates, forms
and views take their kind, status, severity and value-set names from here — never from a table of their
own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from markupsafe import escape
from wtforms.fields.choices import SelectChoice

from portal.domain.fields import ComputedDef
from portal.domain.labels import FILING_STATUSES, KINDS, SEVERITIES, VALUE_SETS, Text, Unit, ValueSet


def english() -> bool:
    """Return whether the page is drawn in English."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


def language() -> str:
    """Return the language of the page: "en" or "zh"."""
    return "en" if english() else "zh"


class Bilingual:
    """Hold a label (and its unit) in Chinese and English; render the one of the current language.

    WTForms renders labels with ``escape(text)``, which calls :meth:`__html__`, so the language is chosen
    when the page is drawn, not when the form class is built.
    """

    __slots__ = ("en", "unit_en", "unit_zh", "zh")

    def __init__(self, zh: str, en: str, unit: str | None = None, unit_en: str | None = None) -> None:
        self.zh = zh
        self.en = en
        self.unit_zh = unit
        self.unit_en = unit_en if unit_en is not None else unit

    @property
    def name(self) -> str:
        """Return the label without its unit."""
        return self.en if english() else self.zh

    @property
    def unit(self) -> str | None:
        """Return the unit in the current language (None when the field has none)."""
        return self.unit_en if english() else self.unit_zh

    def __str__(self) -> str:
        unit = self.unit
        if not unit:
            return self.name
        return f"{self.name} ({unit})" if english() else f"{self.name}（{unit}）"

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"Bilingual({self.zh!r}, {self.en!r}, {self.unit_zh!r})"


def localized(text: Text, unit: Unit | None = None) -> Bilingual:
    """Return a catalogue text (with its unit) as a label drawn in the page's language."""
    return Bilingual(text.zh, text.en, unit.zh if unit else None, unit.en if unit else None)


def computed_label(definition: ComputedDef) -> Bilingual:
    """Return the label of a computed figure with its unit."""
    return localized(definition.label, definition.unit)


def value_labels(values: ValueSet) -> dict[str, Bilingual]:
    """Return value → name of a closed value set, drawn in the page's language."""
    return {c.value: Bilingual(c.zh, c.en) for c in values}


def value_choices(values: ValueSet, *, blank: Any = None) -> list[SelectChoice]:
    """Return the select choices of a value set, optionally after a blank first choice ("all …")."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(c.value, Bilingual(c.zh, c.en)) for c in values]


def value_name(set_name: str, value: str) -> Bilingual | str:
    """Return the name of one value of a named value set (the value itself when it is not in the set)."""
    choice = VALUE_SETS[set_name].get(value)
    return value if choice is None else Bilingual(choice.zh, choice.en)


KIND_LABELS: Mapping[str, Bilingual] = value_labels(KINDS)
STATUS_LABELS: Mapping[str, Bilingual] = value_labels(FILING_STATUSES)
SEVERITY_LABELS: Mapping[str, Bilingual] = value_labels(SEVERITIES)
