"""Reference data as the web portal uses it: the shipped files with administrators' corrections on top.

``portal check`` reads the files alone; the web portal reads :func:`current_reference`, where the newest
correction of each value takes precedence. Corrections are audited and never edited in place.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import func, select

from ..extensions import db
from ..models import ReferenceCorrection, User
from ..reference import FileReference, Parameter, ReferenceDataError, default_reference, parse_param_value
from ..reference.types import FuelFactor, ProcessFactor, ProductLevel, Status
from . import audit
from .access import require_system_admin
from .errors import ServiceError

FUEL_FIELDS = ("ncv", "carbon_content", "oxidation_rate")
PROCESS_FIELDS = ("default_factor",)
PRODUCT_FIELDS = ("benchmark", "baseline")

_cache: dict[tuple[str, int], FileReference] = {}


def _decimal(value: str, field: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise ServiceError(f"“{value}”不是有效数值", f"{value!r} is not a number", field="value") from None
    if not number.is_finite():
        raise ServiceError("数值无效", "not a finite number", field="value")
    return number


_Corrected = TypeVar("_Corrected", FuelFactor, ProcessFactor, ProductLevel)


def _corrected(item: _Corrected, c: ReferenceCorrection, source: str) -> _Corrected:
    """Return ``item`` with the correction's value, status and source (the field is named by the row)."""
    changes: dict[str, Any] = {c.field: Decimal(c.value), "status": _status(c), "source": source}
    return dataclasses.replace(item, **changes)


def _status(c: ReferenceCorrection) -> Status:
    """Return the correction's status, C or U (the table's check constraint allows no other)."""
    if c.status == "C":
        return "C"
    if c.status == "U":
        return "U"
    raise ReferenceDataError(f"correction {c.id}: status {c.status!r} is neither C nor U")


def apply_corrections(base: FileReference, corrections: list[ReferenceCorrection]) -> FileReference:
    """Return a copy of ``base`` with the corrections applied in order (later ones win)."""
    ref = copy.copy(base)
    ref._fuels = dict(base._fuels)
    ref._processes = dict(base._processes)
    ref._products = dict(base._products)
    ref._params = {key: (list(years), list(params)) for key, (years, params) in base._params.items()}
    for c in corrections:
        source = f"管理员更正（{c.created_at:%Y-%m-%d}）：{c.reason}"
        if c.target == "fuel" and (c.code, c.scope) in ref._fuels:
            old = ref._fuels[(c.code, c.scope)]
            ref._fuels[(c.code, c.scope)] = _corrected(old, c, source)
        elif c.target == "process" and c.code in ref._processes:
            ref._processes[c.code] = _corrected(ref._processes[c.code], c, source)
        elif c.target == "product" and c.code in ref._products:
            product = ref._products[c.code]
            levels = tuple(
                _corrected(lv, c, source)
                if lv.variant == c.scope else lv for lv in product.levels)
            ref._products[c.code] = dataclasses.replace(product, levels=levels)
        elif c.target == "param" and c.code in ref._params:
            years, params = ref._params[c.code]
            kind = params[0].value_type or "str"
            param = Parameter(c.code, int(c.scope), parse_param_value(c.code, kind, _stored_param_value(kind, c.value)),
                              _status(c), source, kind)
            position = bisect.bisect_left(years, param.from_year)
            if position < len(years) and years[position] == param.from_year:
                params[position] = param
            else:
                years.insert(position, param.from_year)
                params.insert(position, param)
    return ref


def _stored_param_value(kind: str, text: str) -> Any:
    import json

    if kind in ("int", "bool", "list"):
        return json.loads(text)
    return text


def current_reference() -> FileReference:
    """Return the reference data in force in the web portal (cached per newest correction id)."""
    newest = db.session.scalar(select(func.max(ReferenceCorrection.id))) or 0
    key = (str(db.engine.url), newest)
    if key not in _cache:
        corrections = db.session.scalars(select(ReferenceCorrection).order_by(ReferenceCorrection.id)).all()
        _cache.clear()
        _cache[key] = apply_corrections(default_reference(), list(corrections))
    return _cache[key]


def correct(
    actor: User, *, target: str, code: str, scope: str, field: str, value: str, status: str, reason: str
) -> ReferenceCorrection:
    """Record a correction of one reference value after checking it parses (audited; administrators only)."""
    require_system_admin(actor)
    ref = current_reference()
    if not reason.strip():
        raise ServiceError("请说明更正的依据", "give the basis for the correction", field="reason")
    if status not in ("C", "U"):
        raise ServiceError("状态应为 C 或 U", "status must be C or U", field="status")
    before: Any
    if target == "fuel" and field in FUEL_FIELDS and (code, scope) in ref._fuels:
        before = getattr(ref._fuels[(code, scope)], field)
        stored = str(_decimal(value, field))
    elif target == "process" and field in PROCESS_FIELDS and code in ref._processes:
        before = getattr(ref._processes[code], field)
        stored = str(_decimal(value, field))
    elif target == "product" and field in PRODUCT_FIELDS and code in ref._products and \
            ref._products[code].level(scope) is not None:
        before = getattr(ref._products[code].level(scope), field)  # scope: the band ("" if unbanded)
        stored = str(_decimal(value, field))
    elif target == "param" and field == "value" and code in ref._params:
        if not scope.isdigit() or not 2000 <= int(scope) <= 2100:
            raise ServiceError("起始年度应为 2000–2100", "the first year must be 2000–2100", field="scope")
        kind = ref._params[code][1][0].value_type or "str"
        try:
            parsed = parse_param_value(code, kind, _stored_param_value(kind, value.strip()))
        except (ReferenceDataError, ValueError) as exc:
            raise ServiceError(f"参数值无效：{exc}", f"invalid parameter value: {exc}", field="value") from None
        try:
            before = ref.param(code, int(scope)).value
        except KeyError:
            before = None
        stored = value.strip() if kind not in ("decimal",) else str(parsed)
    else:
        raise ServiceError("未知的参考数据项", "unknown reference value")
    correction = ReferenceCorrection(target=target, code=code, scope=scope, field=field, value=stored,
                                     status=status, reason=reason.strip(), created_by_id=actor.id)
    db.session.add(correction)
    db.session.flush()
    audit.record(actor, "reference.correct", "reference_correction", correction.id,
                 before={"target": target, "code": code, "scope": scope, "field": field, "value": before},
                 after={"value": stored, "status": status, "reason": correction.reason})
    return correction


def reference_as_of(moment: dt.datetime) -> FileReference:
    """Return the reference data as it stood at ``moment``: only corrections recorded by then apply.

    A submitted version is re-rendered with the factors its signatory saw, not those corrected since.
    """
    corrections = db.session.scalars(
        select(ReferenceCorrection).where(ReferenceCorrection.created_at <= moment).order_by(ReferenceCorrection.id)
    ).all()
    if not corrections:
        return default_reference()
    return apply_corrections(default_reference(), list(corrections))
