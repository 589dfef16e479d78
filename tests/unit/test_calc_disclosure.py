"""The disclosure documents' computed figures, the working-day count and the pre-fill — each worked by hand."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from portal.calc.cpa import compute_cpa
from portal.calc.disclosure import (
    WorkingDays,
    adhoc_record,
    adhoc_timing,
    apply_prefill,
    compute_adhoc,
    compute_annual,
    derive_prefill,
    required_sections,
)
from portal.calc.ghg import compute_ghg
from portal.domain.codec import document_from_json, document_sha256
from portal.domain.disclosure import (
    AdhocRecord,
    CarbonSection,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    PollutantsSection,
    PollutantTotal,
)
from portal.reference import FileReference, ReferenceDataError, default_reference

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
TEST_EXAMPLES = ROOT / "tests" / "examples"
_SHARED = ROOT.parent / "shared" / "examples"
SHARED = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
REF = default_reference()


def annual() -> EnvDisclosureAnnualReport:
    document = document_from_json((TEST_EXAMPLES / "disclosure-jx-cement-2024.json").read_bytes())
    assert isinstance(document, EnvDisclosureAnnualReport)
    return document


def adhoc() -> EnvDisclosureAdhoc:
    document = document_from_json((TEST_EXAMPLES / "adhoc-jx-cement-2024-penalty.json").read_bytes())
    assert isinstance(document, EnvDisclosureAdhoc)
    return document


def due(received: dt.date, ref: Any = REF) -> tuple[dt.date, tuple[int, ...]]:
    days = WorkingDays(ref)
    return days.nth_after(received, 5), tuple(sorted(days.missing))


# ------------------------------------------------------------------------------------ the calendar


def test_the_calendars_hold_the_notices_with_their_statuses() -> None:
    c2024, c2025, c2026 = (REF.calendar(y) for y in (2024, 2025, 2026))
    assert c2024 is not None and c2025 is not None and c2026 is not None
    assert c2024.notice_number == "国办发明电〔2023〕7号" and c2024.notice_number_status == "C"
    assert c2025.notice_number == "国办发明电〔2024〕12号" and c2025.notice_number_status == "C"
    # 2026: the dates are C, the notice's number was not seen in the reprints (U) and is not guessed
    assert c2026.notice_number is None and c2026.notice_number_status == "U" and c2026.status == "C"
    assert all(c.status == "C" for c in (c2024, c2025, c2026))
    # 2025: 元旦 1 + 春节 8 + 清明 3 + 劳动 5 + 端午 3 + 国庆·中秋 8 = 28 days off; 5 adjusted working days
    assert len(c2025.days_off) == 28
    assert sorted(c2025.working_weekend_days) == [dt.date(2025, 1, 26), dt.date(2025, 2, 8), dt.date(2025, 4, 27),
                                                  dt.date(2025, 9, 28), dt.date(2025, 10, 11)]
    # 2026 春节 is 9 days (2月15日–23日), with two adjusted Saturdays (2月14日, 2月28日)
    spring = next(h for h in c2026.holidays if h.name == "春节")
    assert (spring.first, spring.last) == (dt.date(2026, 2, 15), dt.date(2026, 2, 23))
    assert dt.date(2024, 2, 9) not in c2024.days_off  # 2024 除夕 is only "encouraged", not a holiday
    assert REF.calendar(2027) is None


def _calendar_dir(tmp_path: Path, change: Any) -> Path:
    folder = tmp_path / "data"
    source = Path(REF.directory)  # type: ignore[arg-type]
    folder.mkdir()
    for item in source.iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    data = json.loads((folder / "holidays.json").read_text("utf-8"))
    change(data)
    (folder / "holidays.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return folder


def test_a_weekday_listed_as_an_adjusted_working_day_is_refused(tmp_path: Path) -> None:
    folder = _calendar_dir(tmp_path, lambda d: d["years"][0]["working_days"].append({"name": "x", "date": "2024-02-05"}))
    with pytest.raises(ReferenceDataError, match="2024-02-05 is not a weekend day"):
        FileReference(folder)


def test_a_day_both_off_and_worked_is_refused(tmp_path: Path) -> None:
    folder = _calendar_dir(tmp_path, lambda d: d["years"][0]["working_days"].append({"name": "x", "date": "2024-02-10"}))
    with pytest.raises(ReferenceDataError, match="both a day off and a working day"):
        FileReference(folder)


def test_without_the_calendar_file_no_year_has_a_calendar(tmp_path: Path) -> None:
    folder = _calendar_dir(tmp_path, lambda d: None)
    (folder / "holidays.json").unlink()
    ref = FileReference(folder)
    assert ref.calendar(2025) is None
    assert due(dt.date(2025, 9, 26), ref) == (dt.date(2025, 10, 3), (2025,))


# -------------------------------------------------------------------------------- the working days


def test_national_day_2025_with_its_adjusted_sunday_and_saturday() -> None:
    # Received Friday 2025-09-26; the day of receipt is not counted (民法典第二百零一条).
    #   9-27 Sat: off · 9-28 Sun: 调休上班 → 1 · 9-29 Mon → 2 · 9-30 Tue → 3
    #   10-01 … 10-08: 国庆节、中秋节 (8 days off) · 10-09 Thu → 4 · 10-10 Fri → 5
    assert due(dt.date(2025, 9, 26)) == (dt.date(2025, 10, 10), ())


def test_national_day_2025_received_on_the_eve() -> None:
    # Received Tuesday 2025-09-30: 10-01 … 10-08 off · 10-09 Thu → 1 · 10-10 Fri → 2
    #   10-11 Sat: 调休上班 → 3 · 10-12 Sun: off · 10-13 Mon → 4 · 10-14 Tue → 5
    assert due(dt.date(2025, 9, 30)) == (dt.date(2025, 10, 14), ())


def test_the_same_count_without_a_calendar_would_be_monday_to_friday() -> None:
    # What a calendar-less count gives, for contrast: 9-29 → 1, 9-30 → 2, 10-01 → 3, 10-02 → 4, 10-03 → 5
    days = WorkingDays(FileReferenceWithoutCalendars())
    assert days.nth_after(dt.date(2025, 9, 26), 5) == dt.date(2025, 10, 3)
    assert days.missing == {2025}


class FileReferenceWithoutCalendars:
    """Delegate to the default reference, with no calendar for any year."""

    def __getattr__(self, name: str) -> Any:
        return getattr(REF, name)

    def calendar(self, year: int) -> None:
        return None


def test_spring_festival_2025() -> None:
    # Received Friday 2025-01-24: 1-25 Sat off · 1-26 Sun 调休上班 → 1 · 1-27 Mon → 2
    #   1-28 … 2-04 春节 (8 days off) · 2-05 Wed → 3 · 2-06 Thu → 4 · 2-07 Fri → 5
    assert due(dt.date(2025, 1, 24)) == (dt.date(2025, 2, 7), ())


def test_spring_festival_2026() -> None:
    # Received Thursday 2026-02-12: 2-13 Fri → 1 · 2-14 Sat 调休上班 → 2
    #   2-15 … 2-23 春节 (9 days off) · 2-24 Tue → 3 · 2-25 Wed → 4 · 2-26 Thu → 5
    assert due(dt.date(2026, 2, 12)) == (dt.date(2026, 2, 26), ())


def test_national_day_2024_with_an_adjusted_sunday() -> None:
    # Received Thursday 2024-09-26: 9-27 Fri → 1 · 9-28 Sat off · 9-29 Sun 调休上班 → 2 · 9-30 Mon → 3
    #   10-01 … 10-07 off · 10-08 Tue → 4 · 10-09 Wed → 5
    assert due(dt.date(2024, 9, 26)) == (dt.date(2024, 10, 9), ())


def test_a_count_into_a_year_without_a_calendar_uses_monday_to_friday_and_says_so() -> None:
    # Received Tuesday 2026-12-29: 12-30 Wed → 1 · 12-31 Thu → 2 · 2027 has no calendar:
    #   2027-01-01 Fri → 3 (it will be 元旦, but no notice is entered) · 1-04 Mon → 4 · 1-05 Tue → 5
    assert due(dt.date(2026, 12, 29)) == (dt.date(2027, 1, 5), (2027,))


def test_working_days_elapsed_count_after_receipt_up_to_and_including_disclosure() -> None:
    days = WorkingDays(REF)
    # 2025-09-26 → 2025-10-10: 9-28, 9-29, 9-30, 10-09, 10-10 = 5
    assert days.between(dt.date(2025, 9, 26), dt.date(2025, 10, 10)) == 5
    # disclosed the day it was received, or before: 0
    assert days.between(dt.date(2025, 9, 26), dt.date(2025, 9, 26)) == 0
    assert days.between(dt.date(2025, 9, 26), dt.date(2025, 9, 20)) == 0


def test_untimed_triggers_and_missing_dates_have_no_due_date() -> None:
    days = WorkingDays(REF)
    incident = adhoc_timing(0, "incident", dt.date(2025, 9, 26), dt.date(2025, 12, 1), days)
    assert incident.due_on is None and incident.working_days_elapsed is None
    assert adhoc_timing(0, "penalty", None, None, days).due_on is None
    draft = adhoc_timing(0, "penalty", dt.date(2025, 9, 26), None, days)
    assert draft.due_on == dt.date(2025, 10, 10) and draft.working_days_elapsed is None


# ------------------------------------------------------------------------------ the ad-hoc report


def test_the_adhoc_example() -> None:
    # received 2024-09-26, disclosed 2024-10-09: due the 5th working day (see the 2024 国庆 test), on time
    c = compute_adhoc(adhoc(), REF)
    assert c.due_on == dt.date(2024, 10, 9) and c.working_days_elapsed == 5
    assert c.check_block() == {"received_on": dt.date(2024, 9, 26), "due_on": dt.date(2024, 10, 9),
                               "working_days_elapsed": 5, "calendar_missing": []}


def test_an_adhoc_report_without_a_receipt_date_counts_from_the_document_date() -> None:
    document = adhoc()
    document.document.received_on = None  # the document date, 2024-09-20 (Fri), counts:
    # 9-23 Mon → 1 · 9-24 → 2 · 9-25 → 3 · 9-26 → 4 · 9-27 Fri → 5
    assert compute_adhoc(document, REF).due_on == dt.date(2024, 9, 27)


def test_adhoc_record_gives_the_annual_report_its_line() -> None:
    assert adhoc_record(adhoc()) == AdhocRecord(
        trigger="penalty", document_number="赣市环罚〔2024〕45号", document_date=dt.date(2024, 9, 20),
        received_on=dt.date(2024, 9, 26), disclosed_on=dt.date(2024, 10, 9))


# ------------------------------------------------------------------------------ the annual report


def test_the_annual_example_by_hand() -> None:
    c = compute_annual(annual(), REF)
    assert c.required_sections == ("key_info", "basic_info", "env_management", "pollutants", "carbon", "emergency",
                                   "violations", "adhoc", "other", "audit", "financing")
    assert c.due_on == dt.date(2025, 3, 15)  # 15 March of 2024 + 1
    assert c.days_late == 0  # disclosed 2025-03-10
    assert c.carbon_total_tco2 == 1067866  # 1,011,976 + 55,890
    # (1,011,976 − 998,500) ÷ 998,500 = 13,476 ÷ 998,500 = 0.013496… → 0.0135
    assert c.carbon_change_pct == D("0.0135")
    assert c.ccer_share == D("0.0500")  # 49,925 ÷ 998,500
    # 85 ÷ 200 = 0.425; 410 ÷ 600 = 0.68333… → 0.6833; 60 ÷ 100 = 0.6; vocs has no permitted total
    assert c.permitted_ratio == {"so2": D("0.4250"), "nox": D("0.6833"), "pm": D("0.6000")}
    # HW08 3.6 + HW49 0.85 = 4.45 generated; 3.2 + 0.85 = 4.05 transferred; 0.4 + 0 = 0.4 stored
    assert c.hazardous_waste_t == {"generated": D("4.45"), "self_used": D("0.00"), "self_disposed": D("0.00"),
                                   "transferred": D("4.05"), "stored": D("0.40")}
    assert c.general_waste_use_rate == D("0.9583")  # 1,150 ÷ 1,200 = 0.958333…
    assert c.monitoring_completion_rate == D("0.9583")  # 23 ÷ 24 = 0.958333…
    assert c.implementation_rate_no_low == D("1.0000")  # 2 ÷ 2
    assert c.implementation_rate_medium_high == D("0.5000")  # 1 ÷ 2
    # the permit renewal received 2024-06-14 (Fri): 6-17 … 6-21 → due 6-21; disclosed 6-19 after 3 working days
    renewal, penalty = c.adhoc
    assert (renewal.due_on, renewal.working_days_elapsed) == (dt.date(2024, 6, 21), 3)
    assert (penalty.due_on, penalty.working_days_elapsed) == (dt.date(2024, 10, 9), 5)
    assert c.calendar_missing == ()


def test_days_late_and_a_draft() -> None:
    document = annual()
    document.disclosed_on = dt.date(2025, 3, 20)
    assert compute_annual(document, REF).days_late == 5  # 20 − 15 March
    document.disclosed_on = None
    assert compute_annual(document, REF).days_late is None


def test_ratios_without_their_data_are_none() -> None:
    document = annual()
    assert document.carbon is not None and document.carbon.ets is not None and document.pollutants is not None
    document.carbon.ets.previous_actual_tco2 = None
    document.carbon.ets.surrender.due_t = 0
    document.pollutants.general_solid_waste.generated_t = D(0)
    document.pollutants.monitoring.manual_planned = None
    c = compute_annual(document, REF)
    assert (c.carbon_change_pct, c.ccer_share, c.general_waste_use_rate, c.monitoring_completion_rate) == (
        None, None, None, None)
    document.carbon = CarbonSection(none=True)
    assert compute_annual(document, REF).carbon_total_tco2 is None


def test_a_fall_in_emissions_is_a_negative_change() -> None:
    document = annual()
    assert document.carbon is not None and document.carbon.ets is not None
    document.carbon.ets.actual_tco2 = 990000  # (990,000 − 998,500) ÷ 998,500 = −0.0085127… → −0.0085
    assert compute_annual(document, REF).carbon_change_pct == D("-0.0085")


def test_required_sections_follow_the_subjects() -> None:
    document = annual()
    document.subjects = ["key_pollutant_discharger"]
    assert required_sections(document)[-1] == "other" and len(required_sections(document)) == 9
    document.subjects = ["bond_issuer"]
    assert required_sections(document)[-1] == "financing" and "audit" not in required_sections(document)
    document.subjects = ["mandatory_audit"]
    assert required_sections(document)[-1] == "audit"


# -------------------------------------------------------------------------------------- pre-fill


def _sources() -> tuple[Any, Any, Any, Any]:
    ghg = document_from_json((SHARED / "ghg-jx-cement-2024.json").read_bytes())
    audit = document_from_json((TEST_EXAMPLES / "cpa-jx-cement-2023-mandatory.json").read_bytes())
    return ghg, compute_ghg(ghg, REF), audit, compute_cpa(audit, REF)


def test_prefill_from_the_ghg_report_and_the_mandatory_audit() -> None:
    ghg, ghg_c, audit, audit_c = _sources()
    previous = copy.deepcopy(ghg)
    previous.reporting_year = 2023
    values = derive_prefill(ghg=ghg, ghg_computed=ghg_c, previous_computed=compute_ghg(previous, REF), audit=audit,
                            audit_computed=audit_c)
    g = values.prefill.ghg
    assert g is not None and g.sha256 == document_sha256(ghg)
    # direct: combustion 347,053.35 + process 664,922.90 − 0 = 1,011,976.25 → 1,011,976
    # indirect: total 1,067,866 − 1,011,976 = 55,890 (the electricity, 98,000 MWh × 0.5703 = 55,889.40)
    assert (g.direct_tco2, g.indirect_tco2, g.ets_covered_tco2) == (1011976, 55890, 1011976)
    # the national ETS covers cement from reporting year 2024: the 2023 report has no covered emissions
    assert g.previous_ets_covered_tco2 is None
    assert (g.pollutants_t.so2, g.pollutants_t.nox, g.pollutants_t.pm, g.pollutants_t.vocs) == (85, 410, 60, 0)
    assert (g.permitted_t.so2, g.permitted_t.nox, g.permitted_t.pm, g.permitted_t.cod) == (200, 600, 100, None)
    assert g.exceeded_standards is False
    a = values.prefill.audit
    assert a is not None and a.triggers == ["high_energy"] and a.listed_on == dt.date(2023, 7, 10)
    assert (a.assessment_status, a.acceptance_status) == ("passed", "not_applied")
    # the section values it fills
    assert values.carbon is not None and values.carbon.ets is not None
    assert (values.carbon.direct_tco2, values.carbon.indirect_tco2) == (1011976, 55890)
    assert [(f.id, f.facility_type) for f in values.carbon.facilities] == [("1#窑", "process"), ("厂内车辆", "other")]
    assert [(t.pollutant, t.total_t, t.permitted_t) for t in values.pollutant_totals or ()] == [
        ("so2", 85, 200), ("nox", 410, 600), ("pm", 60, 100), ("vocs", 0, None)]
    assert [(p.product, p.output) for p in values.products or ()] == [("cement_clinker", 1250000)]
    assert [(p.type, p.number) for p in values.permits or ()] == [("pollutant_discharge", "91360700MA38P2K51K001P")]
    audit_section = values.audit
    assert audit_section is not None and audit_section.status == "assessed"  # assessment passed 2023-11-20
    assert (audit_section.options.no_low_total, audit_section.options.no_low_implemented,
            audit_section.options.medium_high_total, audit_section.options.medium_high_implemented) == (2, 2, 2, 1)
    assert audit_section.investment_10k_cny == D("1840.00")  # 8 + 2 + 480 + 1,350
    assert (audit_section.savings.energy_tce, audit_section.savings.co2_t, audit_section.savings.nox_t) == (850, 2200, 110)
    assert "carbon.direct_tco2" in values.paths and "audit.reasons" in values.paths


def test_prefill_takes_the_previous_years_covered_emissions() -> None:
    ghg, ghg_c, _, _ = _sources()
    current = copy.deepcopy(ghg)
    current.reporting_year = 2025
    current.processes[0].activity = D(1200000)
    values = derive_prefill(ghg=current, ghg_computed=compute_ghg(current, REF), previous_computed=ghg_c)
    g = values.prefill.ghg
    assert g is not None
    # clinker EF = 0.652 × 44/56 + 0.018 × 44/40.30 = 0.531938…; × 1,200,000 t = 638,325.98 tCO2
    # direct = 347,053.35 + 638,325.98 = 985,379.33 → 985,379; the previous year's (2024) is 1,011,976
    assert (g.direct_tco2, g.ets_covered_tco2, g.previous_ets_covered_tco2) == (985379, 985379, 1011976)
    assert values.carbon is not None and values.carbon.ets is not None
    assert (values.carbon.ets.actual_tco2, values.carbon.ets.previous_actual_tco2) == (985379, 1011976)


def test_a_voluntary_audit_fills_nothing() -> None:
    ghg, ghg_c, audit, audit_c = _sources()
    audit.audit_type = "voluntary"
    values = derive_prefill(audit=audit, audit_computed=audit_c)
    assert values.prefill.audit is None and values.audit is None and values.prefill.ghg is None


def test_apply_prefill_fills_a_new_draft_and_leaves_a_none_section_alone() -> None:
    ghg, ghg_c, audit, audit_c = _sources()
    values = derive_prefill(ghg=ghg, ghg_computed=ghg_c, audit=audit, audit_computed=audit_c)
    empty = EnvDisclosureAnnualReport(kind="env_disclosure_annual_report", schema_version=1, reporting_year=2024,
                                      enterprise=ghg.enterprise, pollutants=PollutantsSection(none=True))
    filled = apply_prefill(empty, values)
    assert filled.prefill == values.prefill
    assert filled.carbon is not None and filled.carbon.direct_tco2 == 1011976
    assert filled.pollutants == PollutantsSection(none=True)  # the filer's 本年度无 is kept
    assert filled.basic_info is not None and filled.basic_info.products[0].product == "cement_clinker"
    assert filled.env_management is not None and filled.env_management.permits[0].number == "91360700MA38P2K51K001P"
    assert filled.audit == values.audit


def test_a_refresh_replaces_what_it_copies_and_keeps_the_rest() -> None:
    ghg, ghg_c, audit, audit_c = _sources()
    document = annual()
    assert document.carbon is not None and document.carbon.ets is not None and document.pollutants is not None
    document.carbon.direct_tco2 = 1
    document.pollutants.totals = [PollutantTotal(pollutant="so2", total_t=D(1))]
    values = derive_prefill(ghg=ghg, ghg_computed=ghg_c, audit=audit, audit_computed=audit_c)
    refreshed = apply_prefill(document, values)
    assert refreshed.carbon is not None and refreshed.carbon.ets is not None and refreshed.pollutants is not None
    assert refreshed.carbon.direct_tco2 == 1011976
    assert refreshed.carbon.ets.surrender.ccer_t == 49925 and refreshed.carbon.ets.verified  # the filer's, kept
    assert refreshed.carbon.ets.previous_actual_tco2 is None  # the pre-fill had no previous report
    assert [t.pollutant for t in refreshed.pollutants.totals] == ["so2", "nox", "pm", "vocs"]
    assert refreshed.pollutants.hazardous_waste == document.pollutants.hazardous_waste
    assert refreshed.audit is not None and refreshed.audit.reason_text == document.audit.reason_text  # type: ignore[union-attr]
    # the example was pre-filled from the same documents: refreshing the original changes only the ETS's
    # previous emissions (the filer's 998,500 — the pre-fill had no previous year's report)
    again = apply_prefill(annual(), values)
    original = annual()
    assert dataclasses.replace(again, carbon=original.carbon) == original


def test_the_counted_working_days_equal_a_day_by_day_walk() -> None:
    import random

    rng = random.Random(17)
    walker = WorkingDays(REF)
    for _ in range(300):
        start = dt.date(2023, 10, 1) + dt.timedelta(days=rng.randint(0, 1400))
        end = start + dt.timedelta(days=rng.randint(-3, 500))
        walked, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            walked += walker.is_working_day(day)
        counter = WorkingDays(REF)
        assert counter.between(start, end) == walked, (start, end)
        # the years counted without a calendar: those of the days after start up to end (2023, 2027, …)
        counted_years = {(start + dt.timedelta(days=i)).year for i in range(1, (end - start).days + 1)}
        assert counter.missing == {y for y in counted_years if REF.calendar(y) is None}


def test_absurd_dates_do_not_break_the_count() -> None:
    days = WorkingDays(REF)
    # a mistyped year: counted at once, no walk over 8,000 years
    assert days.between(dt.date(2024, 1, 1), dt.date(9999, 12, 31)) > 2_000_000
    assert adhoc_timing(0, "penalty", dt.date(9999, 12, 30), None, days).due_on is None
    old = adhoc_timing(0, "penalty", dt.date(1900, 1, 5), dt.date(1900, 1, 20), WorkingDays(REF))
    # 1900-01-05 was a Friday: 01-08 … 01-12 → due 1900-01-12 (Monday–Friday: no calendar for 1900)
    assert old.due_on == dt.date(1900, 1, 12) and old.working_days_elapsed == 10


def test_an_absurd_permitted_total_is_computed_not_crashed_on() -> None:
    document = annual()
    assert document.pollutants is not None
    document.pollutants.totals[0].permitted_t = D("1E-100")  # within the bounds [0, 10⁹]: typed, not refused
    ratio = compute_annual(document, REF).permitted_ratio["so2"]
    assert ratio == D("8.5E+101")
