"""Compute the figures of a clean-production audit (filing-format.md, kind ``clean_production_audit``).

Pure and exact: every number is a ``Decimal`` (no float anywhere, the IRR included) and results are
rounded once, at the end, half up. ``compute_cpa`` fills :class:`~portal.calc.results.CpaComputed`;
``audit_steps`` and ``overdue_steps`` turn its deadlines into the timeline the portal shows.

Decisions worth knowing:

* An option counts in its cost class unless it is ``dropped``; a class with no such option has no
  rate (None), not 0.
* ``savings_total`` sums the implemented options; a key appears when at least one implemented option
  reports it, and a reported 0 is a value (Z1's ``co2_t: 0`` counts).
* Every medium/high option not dropped gets an :class:`OptionEconomics`, with None for what its inputs
  do not allow, so the portal can say "cannot be computed" and why (``arithmetic``).
* IRR is the root of −I + B·Σ(1+x)^−t over (−1, ∞). With I > 0 and B > 0 the cash flows change sign
  once, so the root exists and is unique; it is negative when B·n < I and 0 when B·n = I. IRR is None
  only without a sign change (I ≤ 0 or B ≤ 0), as ``OptionEconomics.irr`` documents.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

from ..domain.common import OptionSavings
from ..domain.documents import AuditOption, CleanProductionAudit, Indicator
from ..domain.formatting import percent, places_of
from ..domain.labels import VALUE_SETS
from ..reference.types import ReferenceData, int_value
from .results import AuditDeadlines, CpaComputed, IndicatorAchievement, OptionEconomics

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
PCT_PLACES = Decimal("0.1")

#: Indicators where a larger value is better; every other indicator is lower-is-better (reference-data §6).
HIGHER_IS_BETTER = frozenset({"solid_waste_reuse_rate"})

#: Working precision of the NPV/IRR arithmetic — far beyond the 4 decimals reported.
_PRECISION = 60
#: Closest approach to −1 when bracketing a negative IRR (well inside the working precision).
_TINY = Decimal("1e-45")


def _round(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    """Return ``value`` in plain notation without trailing zeros (for arithmetic strings)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -------------------------------------------------------------------------------------- economics


def annuity_factor(rate: Decimal, years: int) -> Decimal:
    """Return Σ_{t=1..years} (1 + rate)^−t, the present value of 1 a year (unrounded)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if rate == ZERO:
            return Decimal(years)
        discount = ONE / (ONE + rate)
        total = ZERO
        factor = ONE
        for _ in range(years):
            factor *= discount
            total += factor
        return +total


def npv(investment: Decimal, benefit: Decimal, years: int, rate: Decimal) -> Decimal:
    """Return −investment + benefit × annuity_factor(rate, years), unrounded."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return benefit * annuity_factor(rate, years) - investment


def irr(investment: Decimal, benefit: Decimal, years: int) -> Decimal | None:
    """Return the internal rate of return of −investment now and +benefit for ``years`` years, unrounded.

    Bisection on (−1, ∞): the NPV is strictly decreasing there when investment > 0 and benefit > 0, tends
    to +∞ near −1 and to −investment for large rates, so exactly one root is bracketed. None without a
    sign change in the cash flows (investment ≤ 0 or benefit ≤ 0) or without a year.
    """
    if years < 1 or investment <= ZERO or benefit <= ZERO:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        total = benefit * years
        if total == investment:
            return ZERO
        if total > investment:  # positive root: NPV(0) > 0
            low, high = ZERO, ONE
            while npv(investment, benefit, years, high) > ZERO:
                low, high = high, high * 2
        else:  # negative root in (−1, 0): approach −1 until the NPV turns positive
            low, high = Decimal("-0.9"), ZERO
            step = Decimal("0.1")
            while npv(investment, benefit, years, low) <= ZERO:
                if step < _TINY:  # benefit negligible against the investment: IRR is −1 to 4 places
                    return -ONE + step
                high = low
                step /= 10
                low = -ONE + step
        # Invariant: NPV(low) > 0 ≥ NPV(high). Halve until the bracket is far below the reported 4 places.
        tolerance = Decimal("1e-40")
        while high - low > tolerance:
            middle = (low + high) / 2
            if npv(investment, benefit, years, middle) > ZERO:
                low = middle
            else:
                high = middle
        return +((low + high) / 2)


def option_economics(option: AuditOption, discount_rate: Decimal) -> OptionEconomics:
    """Return the payback, NPV and IRR of one option, None where its inputs do not allow them."""
    investment = option.investment_10k_cny
    benefit = option.annual_benefit_10k_cny
    years = option.lifetime_years
    notes: list[str] = []
    missing = [
        label
        for label, value in (
            ("投资 investment", investment),
            ("年经济效益 annual benefit", benefit),
            ("寿命期 lifetime", years),
        )
        if value is None
    ]
    if missing:
        notes.append("缺少 missing: " + ", ".join(missing))
    if investment is not None and investment < ZERO:
        notes.append(f"投资为负 negative investment {_fmt(investment)}")
        investment = None
    if years is not None and years < 1:
        notes.append(f"寿命期应至少1年 lifetime must be at least 1 year, not {years}")
        years = None

    payback = None
    if investment is not None and benefit is not None:
        if benefit > ZERO:
            payback = _round(investment / benefit, CENT)
            notes.append(f"payback = {_fmt(investment)} / {_fmt(benefit)} = {payback} 年")
        else:
            notes.append("年经济效益不为正，投资不能回收 no payback: annual benefit is not positive")

    net_present_value = None
    rate_of_return = None
    if investment is not None and benefit is not None and years is not None:
        if discount_rate > -ONE:
            factor = annuity_factor(discount_rate, years)
            net_present_value = _round(npv(investment, benefit, years, discount_rate), CENT)
            notes.append(
                f"NPV = −{_fmt(investment)} + {_fmt(benefit)} × {_round(factor, Decimal('0.000001'))}"
                f" (r = {percent(discount_rate, max(places_of(discount_rate) - 2, 1))}, n = {years}) = {net_present_value} 万元"
            )
        else:
            notes.append(f"折现率无效 discount rate {_fmt(discount_rate)} must exceed −1")
        root = irr(investment, benefit, years)
        if root is not None:
            rate_of_return = _round(root, RATE_PLACES)
            notes.append(f"IRR = {percent(rate_of_return, 2)}")  # rates one way (issue 20 item 9)
        else:
            notes.append("现金流无正负变化，内部收益率不存在 IRR: the cash flows never change sign")

    return OptionEconomics(
        id=option.id,
        payback_years=payback,
        npv_10k_cny=net_present_value,
        irr=rate_of_return,
        arithmetic="; ".join(notes),
    )


# ------------------------------------------------------------------------------------- indicators


def indicator_achievement(index: int, indicator: Indicator) -> IndicatorAchievement:
    """Return whether one indicator reached its target and the share of the planned change achieved.

    The share (baseline − achieved) / (baseline − target) × 100 is the same expression for both
    directions (a rise planned and achieved gives a positive share too); only ``achieved`` looks at the
    direction: at or below target for lower-is-better, at or above for solid_waste_reuse_rate.
    """
    value = indicator.achieved
    if value is None:
        return IndicatorAchievement(
            index=index, indicator=indicator.indicator, achieved=None, achievement_pct=None
        )
    if indicator.indicator in HIGHER_IS_BETTER:
        reached = value >= indicator.target
    else:
        reached = value <= indicator.target
    planned = indicator.baseline - indicator.target
    pct = None
    if planned != ZERO:
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            pct = _round((indicator.baseline - value) / planned * HUNDRED, PCT_PLACES)
    return IndicatorAchievement(
        index=index, indicator=indicator.indicator, achieved=reached, achievement_pct=pct
    )


# -------------------------------------------------------------------------------------- deadlines


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by calendar months, clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: The rule parameters of the three deadlines (reference-data.md §5; 《清洁生产审核办法》（2016）: publish
#: within one month of the list, start within two months, finish the round within one year).
DEADLINE_PARAMS = ("audit.publish_info_months", "audit.start_months", "audit.finish_months")


def audit_deadlines(listed_on: dt.date | None, ref: ReferenceData) -> AuditDeadlines | None:
    """Return the publish, start and finish deadlines from the listing date, by the ``audit.*`` parameters.

    The month counts are those in force in the year of the listing (parameters are versioned by year).
    None without a listing date, or when the listing predates every version of the parameters — the
    portal then shows no timeline rather than deadlines of a regime that did not apply.
    """
    if listed_on is None:
        return None
    try:
        publish, start, finish = (int_value(ref.value(key, listed_on.year)) for key in DEADLINE_PARAMS)
    except KeyError:  # ParameterNotFound: listed before the parameters' first year
        return None
    return AuditDeadlines(
        publish_by=add_months(listed_on, publish),
        start_by=add_months(listed_on, start),
        finish_by=add_months(listed_on, finish),
    )


# ------------------------------------------------------------------------------------------- total


def _savings_total(implemented: list[AuditOption]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for f in dataclasses.fields(OptionSavings):
        values = [getattr(o.savings, f.name) for o in implemented]
        present = [v for v in values if v is not None]
        if present:  # a key appears once any implemented option reports it; 0 is a report
            total[f.name] = sum(present, ZERO)
    return total


def _rate(implemented: int, count: int) -> Decimal | None:
    return _round(Decimal(implemented) / Decimal(count), RATE_PLACES) if count else None


def compute_cpa(document: CleanProductionAudit, ref: ReferenceData) -> CpaComputed:
    """Return everything computed for a clean-production audit (filing-format.md "Computed").

    ``ref`` supplies the deadline parameters (``audit.*``); nothing else here depends on reference data.

    Rates are returned with 4 decimals (the worked example gives ``Decimal("1.0000")`` and
    ``Decimal("0.5000")``), the total investment with 2, savings exactly as summed.
    """
    live = [o for o in document.options if o.status != "dropped"]
    no_low = [o for o in live if o.cost_class == "no_low"]
    medium_high = [o for o in live if o.cost_class == "medium_high"]
    implemented = [o for o in live if o.status == "implemented"]
    implemented_no_low = sum(1 for o in no_low if o.status == "implemented")
    implemented_medium_high = sum(1 for o in medium_high if o.status == "implemented")

    investment = sum((o.investment_10k_cny or ZERO for o in live), ZERO)

    return CpaComputed(
        count_no_low=len(no_low),
        count_medium_high=len(medium_high),
        implemented_no_low=implemented_no_low,
        implemented_medium_high=implemented_medium_high,
        implementation_rate_no_low=_rate(implemented_no_low, len(no_low)),
        implementation_rate_medium_high=_rate(implemented_medium_high, len(medium_high)),
        total_investment_10k_cny=_round(investment, CENT),
        savings_total=_savings_total(implemented),
        options=[option_economics(o, document.discount_rate) for o in medium_high],
        indicators=[indicator_achievement(i, ind) for i, ind in enumerate(document.indicators)],
        deadlines=audit_deadlines(document.listed_on, ref),
    )


# --------------------------------------------------------------------------------------- timeline

StepName = Literal["publish", "start", "finish"]
StepStatus = Literal["done", "done_late", "pending", "overdue"]

#: the steps' names (labels.toml ``audit_step``)
STEPS = VALUE_SETS["audit_step"]


@dataclass(frozen=True, slots=True)
class DeadlineStep:
    """Hold one deadline of a mandatory audit, when it was met and whether it is overdue."""

    step: StepName
    due: dt.date
    done_on: dt.date | None
    status: StepStatus
    days_late: int  # days past ``due`` at completion, or up to ``today`` while not done; 0 when on time

    @property
    def overdue(self) -> bool:
        """Return whether the step was done late or is still open past its due date."""
        return self.status in ("done_late", "overdue")

    @property
    def label_zh(self) -> str:
        """Return the Chinese label of the step."""
        return STEPS.label(self.step, "zh") or self.step

    @property
    def label_en(self) -> str:
        """Return the English label of the step."""
        return STEPS.label(self.step, "en") or self.step


def finished_on(document: CleanProductionAudit) -> dt.date | None:
    """Return the date the audit counts as completed for the audit history: the earliest passed 评估 or 验收.

    This is filing-format.md's definition of a completed audit (``last_audit_year``: 验收 or 评估 passed),
    which CPA-001/CPA-011 read through the audit history. It is not the deadline's "finish" — see
    :func:`round_finished_on`.
    """
    dates = [
        review.date
        for review in (document.assessment, document.acceptance)
        if review.status == "passed" and review.date is not None
    ]
    return min(dates) if dates else None


def round_finished_on(document: CleanProductionAudit) -> dt.date | None:
    """Return the date the enterprise finished this audit round: the end of the implementation phase.

    The one definition of "finish" shared by the timeline and CPA-004. 《清洁生产审核办法》（2016）
    requires a listed enterprise to finish the round within one year of the list (reference-data.md §5,
    ``audit.finish_months``), and rules-catalogue.md words CPA-004 as "implementation not finished within
    listed_on + 1 year". Finishing is the enterprise's own act, so it is the end of 方案的实施 — not the
    date a regulator passed 评估 or 验收, which depends on the regulator's calendar (and 验收 of
    medium/high options may come later still).
    """
    return document.phases.implementation.end


def audit_steps(document: CleanProductionAudit, computed: CpaComputed, today: dt.date) -> list[DeadlineStep]:
    """Return the publish, start and finish steps with their status on ``today`` (empty without deadlines).

    Done dates: ``info_published_on``; the start of the preparation phase; :func:`round_finished_on`. A
    step done on its due date is on time; one still open on its due date is pending, not overdue.
    """
    deadlines = computed.deadlines
    if deadlines is None:
        return []
    plan: list[tuple[StepName, dt.date, dt.date | None]] = [
        ("publish", deadlines.publish_by, document.info_published_on),
        ("start", deadlines.start_by, document.phases.preparation.start),
        ("finish", deadlines.finish_by, round_finished_on(document)),
    ]
    steps = []
    for name, due, done in plan:
        if done is not None:
            late = (done - due).days
            status: StepStatus = "done_late" if late > 0 else "done"
        else:
            late = (today - due).days
            status = "overdue" if late > 0 else "pending"
        steps.append(DeadlineStep(step=name, due=due, done_on=done, status=status, days_late=max(late, 0)))
    return steps


def overdue_steps(
    document: CleanProductionAudit, computed: CpaComputed, today: dt.date
) -> list[DeadlineStep]:
    """Return the steps done late or still open past their due date on ``today``, in timeline order."""
    return [step for step in audit_steps(document, computed, today) if step.overdue]
