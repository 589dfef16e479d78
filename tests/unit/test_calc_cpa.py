"""Tests for portal.calc.cpa: rates, investment, savings, option economics, indicators and deadlines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from portal.calc.cpa import (
    add_months,
    annuity_factor,
    audit_deadlines,
    audit_steps,
    compute_cpa,
    finished_on,
    irr,
    npv,
    option_economics,
    overdue_steps,
    round_finished_on,
)
from portal.domain.codec import document_from_json
from portal.domain.documents import (
    AcceptanceReview,
    AssessmentReview,
    AuditOption,
    CleanProductionAudit,
    Enterprise,
    Indicator,
    OptionSavings,
    Phase,
    Phases,
)
from portal.reference.files import default_reference

EXAMPLE = Path("/work/shared/examples/cpa-jx-cement-2023.json")
REF = default_reference()


def audit(**fields) -> CleanProductionAudit:
    fields.setdefault("audit_type", "mandatory")
    return CleanProductionAudit(
        kind="clean_production_audit", schema_version=1, enterprise=Enterprise(name="测试企业"), **fields
    )


def option(id: str, cost_class: str = "medium_high", status: str = "proposed", **fields) -> AuditOption:
    return AuditOption(id=id, name=id, cost_class=cost_class, category="process", status=status, **fields)


# ---------------------------------------------------------------------------------- worked example


@pytest.fixture(scope="module")
def example():
    if not EXAMPLE.is_file():  # pragma: no cover - the shared examples live outside the repository
        pytest.skip("shared worked example not available")
    return compute_cpa(document_from_json(EXAMPLE.read_bytes()), REF)


def test_example_rates_and_investment(example):
    # no_low: F1, F2 both implemented → 2/2; medium_high: Z1 implemented, Z2 feasible → 1/2
    assert (
        example.implementation_rate_no_low == D("1.0") and str(example.implementation_rate_no_low) == "1.0000"
    )
    assert (
        example.implementation_rate_medium_high == D("0.5")
        and str(example.implementation_rate_medium_high) == "0.5000"
    )
    assert (example.count_no_low, example.implemented_no_low) == (2, 2)
    assert (example.count_medium_high, example.implemented_medium_high) == (2, 1)
    # 8 + 2 + 480 + 1350 = 1840
    assert str(example.total_investment_10k_cny) == "1840.00"


def test_example_savings(example):
    # energy 600 + 250 (Z1 has none); CO2 1550 + 650 + 0 (Z1 reports 0, which is a value);
    # NOx: F1 null, Z1 110; Z2 is not implemented, so its 5200 tce / 13400 t are not counted.
    assert example.savings_total == {"energy_tce": D(850), "co2_t": D(2200), "nox_t": D(110)}


def test_example_option_economics(example):
    by_id = {o.id: o for o in example.options}
    assert list(by_id) == ["Z1", "Z2"]  # medium/high only, in document order; Z2 is feasible, still computed
    z1, z2 = by_id["Z1"], by_id["Z2"]
    # Z1: 480 / 95 = 5.0526 → 5.05; NPV = −480 + 95 × 6.710081 = 157.46
    assert (str(z1.payback_years), str(z1.npv_10k_cny), str(z1.irr)) == ("5.05", "157.46", "0.1482")
    # Z2: 1350 / 260 = 5.1923 → 5.19; NPV = −1350 + 260 × 8.559479 = 875.46
    assert (str(z2.payback_years), str(z2.npv_10k_cny), str(z2.irr)) == ("5.19", "875.46", "0.1756")
    assert "6.710081" in z1.arithmetic and "157.46" in z1.arithmetic


def test_example_irr_brackets(example):
    # The reported IRR rounds the root: NPV changes sign between the half-way points around it.
    assert npv(D(480), D(95), 10, D("0.14815")) > 0 > npv(D(480), D(95), 10, D("0.14825"))
    assert npv(D(1350), D(260), 15, D("0.17555")) > 0 > npv(D(1350), D(260), 15, D("0.17565"))


def test_example_indicators_and_deadlines(example):
    energy, nox = example.indicators
    # unit_energy: 104.8 > target 104.0 → not achieved; (108.5 − 104.8) / (108.5 − 104.0) = 3.7 / 4.5 = 82.2 %
    assert (energy.index, energy.indicator, energy.achieved, str(energy.achievement_pct)) == (
        0,
        "unit_energy",
        False,
        "82.2",
    )
    # nox_t: 410 ≤ 420 → achieved; (520 − 410) / (520 − 420) = 110.0 %
    assert (nox.achieved, str(nox.achievement_pct)) == (True, "110.0")
    assert example.deadlines is None  # voluntary audit, listed_on null


def test_example_check_block(example):
    block = example.check_block()
    assert block["options"]["Z1"] == {
        "payback_years": D("5.05"),
        "npv_10k_cny": D("157.46"),
        "irr": D("0.1482"),
    }
    assert block["total_investment_10k_cny"] == D("1840.00")


# ------------------------------------------------------------------------------ rates and totals


def test_dropped_options_never_count():
    document = audit(
        options=[
            # no_low: A implemented, B dropped (even with savings and investment), C proposed with null investment
            option(
                "A", "no_low", "implemented", investment_10k_cny=D(10), savings=OptionSavings(water_t=D(500))
            ),
            option(
                "B", "no_low", "dropped", investment_10k_cny=D(1000), savings=OptionSavings(water_t=D(99))
            ),
            option("C", "no_low", "proposed", investment_10k_cny=None, savings=OptionSavings(so2_t=D(3))),
            # medium_high: only a dropped one → the class has no option
            option(
                "Z",
                "medium_high",
                "dropped",
                investment_10k_cny=D(300),
                annual_benefit_10k_cny=D(90),
                lifetime_years=5,
            ),
        ]
    )
    result = compute_cpa(document, REF)
    # no_low: 1 implemented of 2 not dropped (A, C) = 0.5000
    assert result.implementation_rate_no_low == D("0.5000")
    assert (result.count_no_low, result.implemented_no_low) == (2, 1)
    # medium_high: nothing left → no rate, not 0
    assert result.implementation_rate_medium_high is None
    assert (result.count_medium_high, result.implemented_medium_high) == (0, 0)
    # 10 + 0 (C's null investment); B's 1000 and Z's 300 are dropped
    assert result.total_investment_10k_cny == D("10.00")
    # only A is implemented: C's proposed SO2 and B's dropped water are not savings
    assert result.savings_total == {"water_t": D(500)}
    assert result.options == []  # Z is dropped, no economics


def test_audit_without_options():
    result = compute_cpa(audit(), REF)
    assert result.implementation_rate_no_low is None and result.implementation_rate_medium_high is None
    assert result.total_investment_10k_cny == D("0.00")
    assert result.savings_total == {} and result.options == [] and result.indicators == []


def test_rates_round_half_up_to_four_places():
    # 1/3 = 0.33333 → 0.3333; 2/3 = 0.66666 → 0.6667
    thirds = [option(x, "no_low", s) for x, s in (("A", "implemented"), ("B", "feasible"), ("C", "proposed"))]
    assert compute_cpa(audit(options=thirds), REF).implementation_rate_no_low == D("0.3333")
    thirds[1].status = "implemented"
    assert compute_cpa(audit(options=thirds), REF).implementation_rate_no_low == D("0.6667")


def test_investment_rounds_to_cents():
    # 0.125 + 0.0001 = 0.1251 → 0.13 (half up), all Decimal
    options = [option("A", investment_10k_cny=D("0.125")), option("B", investment_10k_cny=D("0.0001"))]
    assert str(compute_cpa(audit(options=options), REF).total_investment_10k_cny) == "0.13"


def test_savings_keys_only_where_reported_and_zero_counts():
    options = [
        option("A", "no_low", "implemented", savings=OptionSavings(co2_t=D(0), nox_t=None)),
        option(
            "B", "medium_high", "implemented", savings=OptionSavings(co2_t=D("2.5"), hazardous_waste_t=D(1))
        ),
        option("C", "medium_high", "feasible", savings=OptionSavings(nox_t=D(7))),
    ]
    # co2: 0 + 2.5; hazardous waste: 1; nox: only C (not implemented) reports it → absent
    assert compute_cpa(audit(options=options), REF).savings_total == {"co2_t": D("2.5"), "hazardous_waste_t": D(1)}


# ------------------------------------------------------------------------------- option economics


def test_simple_option_by_hand():
    # Investment 100, benefit 30 a year for 5 years, r = 8 %:
    # annuity = 1/1.08 + … + 1/1.08^5 = 0.925926 + 0.857339 + 0.793832 + 0.735030 + 0.680583 = 3.992710
    # NPV = 30 × 3.992710 − 100 = 19.78; payback = 100 / 30 = 3.33; IRR ≈ 0.1524 (NPV(0.1524) ≈ 0)
    assert annuity_factor(D("0.08"), 5).quantize(D("0.000001")) == D("3.992710")
    result = option_economics(
        option("S", investment_10k_cny=D(100), annual_benefit_10k_cny=D(30), lifetime_years=5), D("0.08")
    )
    assert (result.payback_years, result.npv_10k_cny, result.irr) == (D("3.33"), D("19.78"), D("0.1524"))
    assert str(result.npv_10k_cny) == "19.78" and str(result.irr) == "0.1524"
    assert npv(D(100), D(30), 5, D("0.15235")) > 0 > npv(D(100), D(30), 5, D("0.15245"))


def test_zero_discount_rate():
    # r = 0: NPV = 30 × 5 − 100 = 50.00
    result = option_economics(
        option("S", investment_10k_cny=D(100), annual_benefit_10k_cny=D(30), lifetime_years=5), D(0)
    )
    assert result.npv_10k_cny == D("50.00")


def test_negative_irr_when_benefits_do_not_repay():
    # 100 invested, 10 a year for 5 years: 10 × 5 = 50 < 100, so the one sign change gives a negative root.
    # At x = −0.1940: 1/(1+x) = 1/0.806 = 1.240695; Σ v^t (t=1..5) = 1.240695 + 1.539324 + 1.909831
    # + 2.369517 + 2.939847 = 9.999214 → NPV = 10 × 9.999214 − 100 ≈ −0.008 ≈ 0.
    result = option_economics(
        option("N", investment_10k_cny=D(100), annual_benefit_10k_cny=D(10), lifetime_years=5), D("0.08")
    )
    assert result.irr == D("-0.1940")
    # NPV at 8 %: 10 × 3.992710 − 100 = −60.07
    assert result.npv_10k_cny == D("-60.07")
    assert npv(D(100), D(10), 5, D("-0.19405")) > 0 > npv(D(100), D(10), 5, D("-0.19395"))


def test_irr_is_zero_when_benefits_exactly_repay():
    # 20 × 5 = 100 = investment → NPV(0) = 0
    assert irr(D(100), D(20), 5) == 0
    result = option_economics(
        option("E", investment_10k_cny=D(100), annual_benefit_10k_cny=D(20), lifetime_years=5), D("0.08")
    )
    assert str(result.irr) == "0.0000"


def test_one_year_irr_is_exact():
    # −100 now, +112 in a year: 112 / 100 − 1 = 0.12; −1000, +1: 1/1000 − 1 = −0.999
    assert abs(irr(D(100), D(112), 1) - D("0.12")) < D("1e-30")
    assert irr(D(1000), D(1), 1).quantize(D("0.0001")) == D("-0.9990")


def test_large_irr_is_bracketed():
    # −1 now, +10 a year for 3 years: root of 10/(1+x) + 10/(1+x)^2 + 10/(1+x)^3 = 1, x ≈ 9.9909
    root = irr(D(1), D(10), 3)
    assert root is not None and D(9) < root < D(11)
    assert abs(npv(D(1), D(10), 3, root)) < D("1e-30")


@pytest.mark.parametrize(
    ("investment", "benefit", "payback", "irr_value"),
    [
        (D(0), D(10), D("0.00"), None),  # nothing invested: all flows ≥ 0, no root
        (D(100), D(0), None, None),  # nothing earned: all flows ≤ 0
        (D(100), D(-5), None, None),  # a loss every year
    ],
)
def test_no_root_irr(investment, benefit, payback, irr_value):
    result = option_economics(
        option("X", investment_10k_cny=investment, annual_benefit_10k_cny=benefit, lifetime_years=4),
        D("0.08"),
    )
    assert result.payback_years == payback
    assert result.irr is irr_value
    # NPV is still defined: benefit × 3.312127 − investment
    assert result.npv_10k_cny == (benefit * annuity_factor(D("0.08"), 4) - investment).quantize(D("0.01"))
    assert "IRR" in result.arithmetic


def test_option_lacking_inputs_gets_nones_and_a_reason():
    document = audit(
        options=[
            option("L", investment_10k_cny=D(100), annual_benefit_10k_cny=D(25), lifetime_years=None),
            option("B", investment_10k_cny=D(100), annual_benefit_10k_cny=None, lifetime_years=8),
            option("I", investment_10k_cny=None, annual_benefit_10k_cny=D(25), lifetime_years=8),
            option("F", "no_low", investment_10k_cny=D(1), annual_benefit_10k_cny=D(5), lifetime_years=2),
        ]
    )
    by_id = {o.id: o for o in compute_cpa(document, REF).options}
    assert list(by_id) == ["L", "B", "I"]  # no_low options have no economics
    # lifetime missing: payback 100 / 25 = 4.00 still computed, NPV and IRR not
    assert (by_id["L"].payback_years, by_id["L"].npv_10k_cny, by_id["L"].irr) == (D("4.00"), None, None)
    assert "lifetime" in by_id["L"].arithmetic and "missing" in by_id["L"].arithmetic
    for key in ("B", "I"):
        assert (by_id[key].payback_years, by_id[key].npv_10k_cny, by_id[key].irr) == (None, None, None)
    assert "annual benefit" in by_id["B"].arithmetic
    assert "investment" in by_id["I"].arithmetic


def test_invalid_inputs_are_not_computed():
    negative = option_economics(
        option("N", investment_10k_cny=D(-5), annual_benefit_10k_cny=D(1), lifetime_years=3), D("0.08")
    )
    assert (negative.payback_years, negative.npv_10k_cny, negative.irr) == (None, None, None)
    assert "negative investment" in negative.arithmetic
    no_years = option_economics(
        option("Y", investment_10k_cny=D(5), annual_benefit_10k_cny=D(1), lifetime_years=0), D("0.08")
    )
    assert (no_years.npv_10k_cny, no_years.irr) == (None, None) and no_years.payback_years == D("5.00")
    bad_rate = option_economics(
        option("R", investment_10k_cny=D(5), annual_benefit_10k_cny=D(2), lifetime_years=3), D(-1)
    )
    assert bad_rate.npv_10k_cny is None and bad_rate.irr is not None


def test_results_are_decimal():
    result = compute_cpa(
        audit(
            options=[option("S", investment_10k_cny=D(100), annual_benefit_10k_cny=D(30), lifetime_years=5)]
        ),
        REF,
    )
    economics = result.options[0]
    for value in (
        economics.payback_years,
        economics.npv_10k_cny,
        economics.irr,
        result.total_investment_10k_cny,
    ):
        assert type(value) is D


# ------------------------------------------------------------------------------------- indicators


def indicators_of(*items: Indicator):
    return compute_cpa(audit(indicators=list(items)), REF).indicators


def test_lower_is_better_indicator():
    reached, missed, exact = indicators_of(
        # so2: 50 → target 40, achieved 35: beyond target; (50 − 35) / (50 − 40) = 150.0 %
        Indicator(indicator="so2_t", baseline=D(50), target=D(40), achieved=D(35)),
        # unit_water: 10 → 7, achieved 8: short; (10 − 8) / (10 − 7) = 2 / 3 = 66.67 → 66.7 %
        Indicator(indicator="unit_water", baseline=D(10), target=D(7), achieved=D(8)),
        # at the target exactly counts as achieved: 100.0 %
        Indicator(indicator="unit_co2", baseline=D("0.9"), target=D("0.85"), achieved=D("0.85")),
    )
    assert (reached.achieved, reached.achievement_pct) == (True, D("150.0"))
    assert (missed.achieved, missed.achievement_pct) == (False, D("66.7"))
    assert (exact.achieved, exact.achievement_pct) == (True, D("100.0"))
    assert [i.index for i in (reached, missed, exact)] == [0, 1, 2]


def test_higher_is_better_indicator():
    reached, missed, worse = indicators_of(
        # reuse rate 60 % → target 80 %, achieved 85 %: (60 − 85) / (60 − 80) = 125.0 %
        Indicator(indicator="solid_waste_reuse_rate", baseline=D(60), target=D(80), achieved=D(85)),
        # achieved 70 %: short of 80; (60 − 70) / (60 − 80) = 50.0 %
        Indicator(indicator="solid_waste_reuse_rate", baseline=D(60), target=D(80), achieved=D(70)),
        # fell to 55 %: (60 − 55) / (60 − 80) = −25.0 %
        Indicator(indicator="solid_waste_reuse_rate", baseline=D(60), target=D(80), achieved=D(55)),
    )
    assert (reached.achieved, reached.achievement_pct) == (True, D("125.0"))
    assert (missed.achieved, missed.achievement_pct) == (False, D("50.0"))
    assert (worse.achieved, worse.achievement_pct) == (False, D("-25.0"))


def test_indicator_without_achieved_value_or_planned_change():
    pending, flat_ok, flat_bad = indicators_of(
        Indicator(indicator="cod_t", baseline=D(10), target=D(8), achieved=None),
        # baseline == target: no share of a planned change, but the target test still applies
        Indicator(indicator="pm_t", baseline=D(5), target=D(5), achieved=D(4)),
        Indicator(indicator="pm_t", baseline=D(5), target=D(5), achieved=D(6)),
    )
    assert (pending.achieved, pending.achievement_pct) == (None, None)
    assert (flat_ok.achieved, flat_ok.achievement_pct) == (True, None)
    assert (flat_bad.achieved, flat_bad.achievement_pct) == (False, None)


def test_achievement_rounds_half_up():
    # (100 − 99.9) / (100 − 60) × 100 = 0.1 / 40 × 100 = 0.25 → 0.3 (half up, not half even)
    (item,) = indicators_of(Indicator(indicator="vocs_t", baseline=D(100), target=D(60), achieved=D("99.9")))
    assert str(item.achievement_pct) == "0.3"


# -------------------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # leap year: clamp to Feb 29
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),  # clamp to Feb 28
        (dt.date(2023, 1, 31), 2, dt.date(2023, 3, 31)),  # March has 31 days: no clamp
        (dt.date(2023, 3, 31), 1, dt.date(2023, 4, 30)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # one year after Feb 29
        (dt.date(2023, 11, 30), 2, dt.date(2024, 1, 30)),  # across the year end
        (dt.date(2023, 12, 15), 1, dt.date(2024, 1, 15)),
        (dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_deadlines_from_listing_date():
    deadlines = audit_deadlines(dt.date(2024, 1, 31), REF)
    assert (deadlines.publish_by, deadlines.start_by, deadlines.finish_by) == (
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2025, 1, 31),
    )
    assert audit_deadlines(None, REF) is None
    computed = compute_cpa(audit(listed_on=dt.date(2023, 1, 31)), REF)
    assert computed.deadlines.publish_by == dt.date(2023, 2, 28)
    assert computed.check_block()["deadlines"]["finish_by"] == dt.date(2024, 1, 31)


# ------------------------------------------------------------------------------------ overdue steps


def listed_audit(**fields) -> CleanProductionAudit:
    # Listed 2023-01-31 → publish by 2023-02-28, start by 2023-03-31, finish by 2024-01-31.
    return audit(listed_on=dt.date(2023, 1, 31), **fields)


def test_steps_done_late_and_on_time():
    document = listed_audit(
        info_published_on=dt.date(2023, 3, 5),  # 5 days after Feb 28
        # preparation starts on its due date (on time); finish due Jan 31 2024, implementation ended Mar 1 2024: 29 days of February (leap year) + 1 = 30 late
        phases=Phases(preparation=Phase(start=dt.date(2023, 3, 31)),
                      implementation=Phase(start=dt.date(2023, 6, 1), end=dt.date(2024, 3, 1))),
    )
    computed = compute_cpa(document, REF)
    steps = {s.step: s for s in audit_steps(document, computed, dt.date(2024, 6, 1))}
    assert (steps["publish"].status, steps["publish"].days_late) == ("done_late", 5)
    assert (steps["start"].status, steps["start"].days_late, steps["start"].overdue) == ("done", 0, False)
    assert (steps["finish"].status, steps["finish"].days_late) == ("done_late", 30)
    overdue = overdue_steps(document, computed, dt.date(2024, 6, 1))
    assert [s.step for s in overdue] == ["publish", "finish"]
    assert overdue[0].label_zh == "公布企业信息" and overdue[0].label_en == "publish the required information"


def test_steps_not_done():
    document = listed_audit()
    computed = compute_cpa(document, REF)
    # On the publish due date nothing is overdue yet.
    assert overdue_steps(document, computed, dt.date(2023, 2, 28)) == []
    assert [s.status for s in audit_steps(document, computed, dt.date(2023, 2, 28))] == ["pending"] * 3
    # The day after, publishing is 1 day overdue; starting is still pending.
    (late,) = overdue_steps(document, computed, dt.date(2023, 3, 1))
    assert (late.step, late.status, late.days_late, late.done_on) == ("publish", "overdue", 1, None)
    # After the finish deadline all three are overdue: Feb 28 → Feb 1 2024 = 338 days, etc.
    steps = overdue_steps(document, computed, dt.date(2024, 2, 1))
    assert [(s.step, s.days_late) for s in steps] == [("publish", 338), ("start", 307), ("finish", 1)]


def test_history_completion_counts_the_earliest_passed_review():
    applied = listed_audit(assessment=AssessmentReview(status="applied", date=dt.date(2023, 6, 1)))
    assert finished_on(applied) is None  # applying is not passing
    both = listed_audit(
        assessment=AssessmentReview(status="passed", date=dt.date(2024, 5, 1)),
        acceptance=AcceptanceReview(status="passed", date=dt.date(2024, 1, 20)),
    )
    assert finished_on(both) == dt.date(2024, 1, 20)


def test_the_deadline_finish_is_the_end_of_implementation_not_a_review():
    # A passed 评估 does not finish the round for the deadline (round_finished_on; CPA-004 reads the same step).
    reviewed = listed_audit(assessment=AssessmentReview(status="passed", date=dt.date(2023, 11, 1)))
    assert round_finished_on(reviewed) is None
    assert [s.step for s in overdue_steps(reviewed, compute_cpa(reviewed, REF), dt.date(2024, 6, 1))][-1] == "finish"
    on_time = listed_audit(phases=Phases(implementation=Phase(start=dt.date(2023, 5, 1), end=dt.date(2024, 1, 31))))
    steps = audit_steps(on_time, compute_cpa(on_time, REF), dt.date(2024, 6, 1))
    assert (steps[-1].step, steps[-1].status, steps[-1].done_on) == ("finish", "done", dt.date(2024, 1, 31))


def test_deadlines_follow_the_audit_parameters_of_the_listing_year():
    """Read the month counts through the reference (audit.* parameters), not literals: a corrected value moves them."""

    class Corrected:
        """Answer like the shipped reference, with the start deadline corrected to 3 months from 2024."""

        def value(self, key: str, year: int):
            if key == "audit.start_months" and year >= 2024:
                return 3
            return REF.value(key, year)

    assert [REF.value(key, 2023) for key in ("audit.publish_info_months", "audit.start_months",
                                             "audit.finish_months")] == [1, 2, 12]
    before = audit_deadlines(dt.date(2023, 12, 15), Corrected())
    after = audit_deadlines(dt.date(2024, 1, 15), Corrected())
    assert (before.publish_by, before.start_by, before.finish_by) == (
        dt.date(2024, 1, 15), dt.date(2024, 2, 15), dt.date(2024, 12, 15))
    assert (after.publish_by, after.start_by, after.finish_by) == (
        dt.date(2024, 2, 15), dt.date(2024, 4, 15), dt.date(2025, 1, 15))
    # Listed before the parameters' first year (2019): no deadlines rather than another regime's.
    assert audit_deadlines(dt.date(2015, 6, 1), REF) is None


def test_no_timeline_without_listing_date():
    document = audit(audit_type="voluntary", info_published_on=dt.date(2023, 3, 5))
    computed = compute_cpa(document, REF)
    assert audit_steps(document, computed, dt.date(2030, 1, 1)) == []
    assert overdue_steps(document, computed, dt.date(2030, 1, 1)) == []
