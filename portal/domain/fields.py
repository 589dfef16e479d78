"""Field metadata shared by every view of a canonical document.

One declaration per field (in ``documents.py``) carries its Chinese and English labels, its unit and the
reference code list it draws from. The JSON codec, the web forms, the Excel template and the PDF tables
all read this metadata, so a field added once appears everywhere with the same name and unit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

#: English forms of the units that documents.py writes in Chinese (SI and ASCII units read the same in both)
UNITS_EN: dict[str, str] = {
    "年": "years",
    "单位由产品决定": "per the product's unit",
    "单位/年": "units/a",
    "万元": "10⁴ CNY",
    "万元/年": "10⁴ CNY/a",
    "tCO2e/单位": "tCO2e/unit",
    "GJ/单位": "GJ/unit",
    "t 或 万Nm³": "t or 10⁴ Nm³",
}


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """Describe one document field for people: labels, unit and code list."""

    zh: str
    en: str
    unit: str | None = None
    #: name of the reference code list the value must come from (``fuel``, ``process``, ``product``);
    #: unknown codes are reported by rule GHG-002, not rejected by the codec, so a filing can be saved.
    codes: str | None = None
    #: short help text shown beside the field (Chinese; English in ``help_en``)
    help_zh: str | None = None
    help_en: str | None = None

    @property
    def unit_en(self) -> str | None:
        """Return the unit as English pages print it."""
        return None if self.unit is None else UNITS_EN.get(self.unit, self.unit)


def info(
    zh: str,
    en: str,
    unit: str | None = None,
    *,
    codes: str | None = None,
    help_zh: str | None = None,
    help_en: str | None = None,
) -> dict[str, Any]:
    """Return dataclass field metadata holding a :class:`FieldInfo`."""
    return {"info": FieldInfo(zh, en, unit, codes, help_zh, help_en)}


def field_info(f: dataclasses.Field[Any]) -> FieldInfo:
    """Return the :class:`FieldInfo` of a dataclass field (a plain one when none was declared)."""
    found = f.metadata.get("info")
    return found if isinstance(found, FieldInfo) else FieldInfo(f.name, f.name)
