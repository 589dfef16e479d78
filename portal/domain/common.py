"""The parts every filing kind shares: the enterprise profile, the common bounds, the explanations, savings.

Declared once here and used by each kind's declarations (``documents.py`` for the GHG report and the
audit, ``disclosure.py`` for the environmental disclosure documents), so that the declarations of one
kind never import another's module: the enterprise reads the same, with the same labels, in every kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .fields import between, flag, info, optional

# ----------------------------------------------------------------------------------------- bounds

#: a year typed by a filer (the database keys filings by year)
YEAR = between(1990, 2100)
#: an amount of money or a saving that may be negative (a loss-making option, a trade-off between media)
SIGNED_AMOUNT = between("-1E9", "1E9")
#: an amount of money that is never negative
AMOUNT = between(0, "1E9")
#: the longest explanation a filer may write for one finding (it is printed in the copy of record)
EXPLANATION_MAX_LENGTH = 2000
#: the most lines one list of a document may hold (fuel lines, options …): beyond is an upload gone wrong
MAX_LINES = 5000


# --------------------------------------------------------------------------------------------- shared


@dataclass(kw_only=True)
class Enterprise:
    """Hold the enterprise profile shared by every kind (ENT-001…ENT-005 check it)."""

    # Profile fields are optional in the codec: ENT-005 reports a missing one as a finding, so a draft
    # with a half-filled profile can still be saved.
    # Name, USCC, region and industry come from the registry the administrators keep (issue 18 item 5):
    # fixed — read-only in the forms; a differing value saved or uploaded is replaced from the registry
    # (services/filings.py); a filer asks for a change through a request a reviewer approves.
    name: str | None = optional("企业名称", "Enterprise name", max_length=200, fixed=True)
    uscc: str | None = optional("统一社会信用代码", "Unified social credit code", max_length=40, fixed=True)
    region_code: str | None = optional("行政区划代码", "Region code", codes="region", max_length=12, fixed=True)
    industry_code: str | None = optional(
        "国民经济行业分类代码", "Industry class (GB/T 4754)", codes="industry", max_length=8, fixed=True)
    permit_number: str | None = optional("排污许可证编号", "Pollutant permit number", max_length=40)
    address: str | None = optional("地址", "Address")
    legal_representative: str | None = optional("法定代表人", "Legal representative", max_length=100)
    contact_name: str | None = optional("联系人", "Contact person", max_length=100)
    contact_phone: str | None = optional("联系电话", "Contact phone", max_length=40)
    is_key_emitter: bool = flag("重点排放单位", "Key emitting enterprise")
    is_key_pollutant_discharger: bool = field(
        default=False, metadata=info("重点排污单位", "Key pollutant discharger")
    )
    is_listed: bool = flag("上市公司或发债企业", "Listed company or bond issuer")


def explanations_info() -> dict[str, Any]:
    """Return the metadata of a kind's ``explanations`` (finding key → the filer's explanation)."""
    return info("情况说明", "Explanations", max_length=EXPLANATION_MAX_LENGTH,
                help_zh=f"每条说明不超过 {EXPLANATION_MAX_LENGTH} 字",
                help_en=f"at most {EXPLANATION_MAX_LENGTH} characters per explanation")


@dataclass(kw_only=True)
class OptionSavings:
    """Hold an option's annual savings — pollutants and CO2 side by side (减污降碳协同).

    A saving may be negative: an option may raise one medium while it lowers another (a scrubber costs
    CO2), and the co-benefit table shows the trade-off rather than refusing it.
    """

    energy_tce: Decimal | None = optional("节能量", "Energy saved", "tce/a", bounds=SIGNED_AMOUNT)
    water_t: Decimal | None = optional("节水量", "Water saved", "t/a", bounds=SIGNED_AMOUNT)
    co2_t: Decimal | None = optional("二氧化碳减排量", "CO2 reduced", "t/a", bounds=SIGNED_AMOUNT)
    so2_t: Decimal | None = optional("二氧化硫减排量", "SO2 reduced", "t/a", bounds=SIGNED_AMOUNT)
    nox_t: Decimal | None = optional("氮氧化物减排量", "NOx reduced", "t/a", bounds=SIGNED_AMOUNT)
    pm_t: Decimal | None = optional("颗粒物减排量", "PM reduced", "t/a", bounds=SIGNED_AMOUNT)
    vocs_t: Decimal | None = optional("挥发性有机物减排量", "VOCs reduced", "t/a", bounds=SIGNED_AMOUNT)
    cod_t: Decimal | None = optional("化学需氧量减排量", "COD reduced", "t/a", bounds=SIGNED_AMOUNT)
    nh3n_t: Decimal | None = optional("氨氮减排量", "NH3-N reduced", "t/a", bounds=SIGNED_AMOUNT)
    hazardous_waste_t: Decimal | None = optional(
        "危险废物减量", "Hazardous waste reduced", "t/a", bounds=SIGNED_AMOUNT)
