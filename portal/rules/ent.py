"""ENT-001…ENT-005: the enterprise profile, on every filing kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from portal.domain import codes
from portal.domain.common import Enterprise
from portal.domain.documents import CleanProductionAudit

from .registry import Evaluation, Hit, rule
from .text import label


@rule("ENT-001")
def ent_001(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Flag a USCC that is present but invalid (a missing one is ENT-005's)."""
    uscc = doc.enterprise.uscc
    if not uscc or not uscc.strip():
        return
    problem = codes.uscc_problem(uscc)
    if problem is not None:
        yield ("enterprise.uscc", f"统一社会信用代码“{uscc}”无效：{problem[0]}", f"USCC '{uscc}' is invalid: {problem[1]}")


@rule("ENT-002")
def ent_002(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Flag a region code that is not a Jiangxi or Jiangsu code in force in the filing's year."""
    code = doc.enterprise.region_code
    if not code or codes.region_known(code, ev.year):
        return
    if codes.region_retired(code):
        successor = codes.region_successor(code)
        hint_zh = f"，现行代码为 {successor}（{codes.region_name(successor)}）" if successor else ""
        hint_en = f"; the code in force is {successor}" if successor else ""
        zh = f"行政区划代码 {code}（{codes.region_name(code)}）在 {ev.year} 年已撤销{hint_zh}"
        en = f"region code {code} was retired before {ev.year}{hint_en}"
    elif codes.region_province(code) is None:
        zh = f"行政区划代码“{code}”不是江西（36xxxx）或江苏（32xxxx）的6位代码"
        en = f"region code '{code}' is not a 6-digit Jiangxi (36xxxx) or Jiangsu (32xxxx) code"
    else:
        zh = f"行政区划代码 {code} 不在 GB/T 2260 代码表中"
        en = f"region code {code} is not in the GB/T 2260 table"
    yield "enterprise.region_code", zh, en


@rule("ENT-003")
def ent_003(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Flag an industry code that is not a 4-digit GB/T 4754-2017 class."""
    code = doc.enterprise.industry_code
    if code and not codes.industry_known(code):
        yield (
            "enterprise.industry_code",
            f"行业代码“{code}”不是 GB/T 4754-2017 的4位小类代码",
            f"industry code '{code}' is not a 4-digit GB/T 4754-2017 class",
        )


@rule("ENT-004")
def ent_004(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Flag an invalid permit number: the enterprise's and, on an audit, the linked one."""
    uscc = doc.enterprise.uscc or None
    numbers = [("enterprise.permit_number", doc.enterprise.permit_number)]
    if isinstance(doc, CleanProductionAudit):
        numbers.append(("permit_number", doc.permit_number))
    for path, number in numbers:
        if not number:
            continue
        problem = codes.permit_problem(number, uscc)
        if problem is not None:
            yield (path, f"排污许可证编号“{number}”无效：{problem[0]}", f"permit number '{number}' is invalid: {problem[1]}")


_REQUIRED = ("name", "uscc", "region_code", "industry_code")


@rule("ENT-005")
def ent_005(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Flag each required profile field that is missing or blank."""
    enterprise: Enterprise = doc.enterprise
    for name in _REQUIRED:
        value = getattr(enterprise, name)
        if value is None or not value.strip():
            zh, en = label(enterprise, name)
            yield (f"enterprise.{name}", f"未填写{zh}", f"{en} is missing")
