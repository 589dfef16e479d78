"""The filer's section forms of a clean-production audit, through the HTTP client on the real database."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from forms.cpa import SECTIONS
from portal.domain.codec import canonical_json, loads, to_data
from portal.extensions import db
from portal.models import Filing
from portal.services import filings as filing_service
from portal.services import review as decisions
from tests.conftest import login
from tests.functional.test_ghg_forms import _form_data, _Inputs, _revision
from tests.helpers import PASSWORD, example_text

EXAMPLE = "cpa-jx-cement-2023.json"


def _url(filing_id: int, slug: str, suffix: str = "") -> str:
    return f"/filings/{filing_id}/edit/{slug}{suffix}"


def _audit(world, year: int = 2023) -> Filing:  # type: ignore[no-untyped-def]
    """Open enterprise A's audit filing of ``year`` with an empty draft, as the enterprise page does."""
    return filing_service.open_draft(world.users["filer_a"], world.a, "clean_production_audit", year)


def _save(client, filing_id: int, slug: str, data: MultiDict):  # type: ignore[no-untyped-def]
    page = client.get(_url(filing_id, slug)).get_data(as_text=True)
    data = MultiDict(data)
    data["revision"] = _revision(page)
    data["action"] = "save"
    return client.post(_url(filing_id, slug), data=data)


def _draft(filing: Filing) -> dict[str, Any]:
    db.session.refresh(filing)
    return to_data(filing_service.draft_document(filing))


def _text(page: str, element_id: str) -> str:
    """Return the text of the element with ``id`` (tags dropped, spaces collapsed)."""
    match = re.search(rf'id="{element_id}"(.*?)</section>', page, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


# ---------------------------------------------------------------------------- the worked example


def test_worked_audit_entered_through_the_forms_alone(client, world) -> None:  # type: ignore[no-untyped-def]
    example = loads(example_text(EXAMPLE))
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    for section in SECTIONS:
        data = _form_data({attr: example[attr] for attr in section.attrs})
        response = _save(client, filing.id, section.slug, data)
        assert response.status_code == 302, (section.slug, response.get_data(as_text=True)[:2000])
        assert response.headers["Location"].endswith(_url(filing.id, section.slug) + "?saved=1")

    expected = to_data(filing_service.parse_json_draft(example_text(EXAMPLE)))
    assert _draft(filing) == expected

    # The figures of ../shared/examples/README.md, as the side panel shows them.
    page = client.get(_url(filing.id, "options")).get_data(as_text=True)
    assert re.search(r'data-total="implementation_rate_no_low"[^>]*>100\.0%<', page)
    assert re.search(r'data-total="implementation_rate_medium_high"[^>]*>50\.0%<', page)
    # rates in one format everywhere (issue 20 item 9): 100.0%, never 1.0000 or 100 %
    assert "已实施 2 ÷ 未放弃 2 = 100.0%" in page and "已实施 1 ÷ 未放弃 2 = 50.0%" in page
    assert re.search(r'data-total="total_investment_10k_cny"[^>]*>1840\.00<', page)
    assert "8 + 2 + 480 + 1350 = 1840.00" in page
    # co-benefits of the implemented options F1, F2, Z1: energy 600 + 250, CO2 1550 + 650 + 0, NOx 110
    assert re.search(r'data-total="savings-energy_tce">850<', page)
    assert re.search(r'data-total="savings-co2_t">2200<', page)
    assert re.search(r'data-total="savings-nox_t">110<', page)
    assert re.search(r'data-total="savings-so2_t">—<', page)
    panel = _text(page, "computed-panel")
    assert "Z1 分级燃烧+SNCR脱硝优化 回收期 5.05 年 净现值 157.46 万元；内部收益率 14.82%" in panel
    assert "Z2 余热发电系统增效改造 回收期 5.19 年 净现值 875.46 万元；内部收益率 17.56%" in panel
    assert "NPV = −480 + 95 × 6.710081 (r = 8.0%, n = 10) = 157.46 万元" in panel

    page = client.get(_url(filing.id, "targets")).get_data(as_text=True)
    panel = _text(page, "computed-panel")
    # unit_energy (108.5 − 104.8) / (108.5 − 104.0) = 82.2 %, not reached; NOx (520 − 410) / (520 − 420) = 110 %
    assert "1. 单位产品综合能耗 完成 82.2% 未达成目标" in panel
    assert "2. 氮氧化物排放量 完成 110.0% 已达成目标" in panel

    # The example expects no error and no warning; the filing page agrees.
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert re.search(r'<span class="badge text-bg-danger">0</span>\s*<span class="badge text-bg-warning">0</span>', page)


def test_preview_computes_the_options_without_saving(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    before = _draft(filing)
    data = _form_data({"options": [
        {"id": "Z1", "name": "脱硝", "cost_class": "medium_high", "category": "process", "investment_10k_cny": 480,
         "status": "implemented", "annual_benefit_10k_cny": 95, "lifetime_years": 10, "savings": {"nox_t": 110}},
        {"id": "X", "name": "放弃的方案", "cost_class": "medium_high", "category": "process",
         "investment_10k_cny": 9999, "status": "dropped", "savings": {"nox_t": 5000}},
    ], "discount_rate": "0.08"})
    response = client.post(_url(filing.id, "options", "/preview"), data=data)
    assert response.status_code == 200
    body = response.get_json()
    totals = {t["key"]: t["value"] for t in body["panel"]["totals"]}
    # The dropped option counts in neither the rate, nor the investment, nor the co-benefits.
    assert totals["implementation_rate_medium_high"] == "100.0%"
    assert totals["total_investment_10k_cny"] == "480.00" and totals["savings-nox_t"] == "110"
    assert [line["anchor"] for line in body["panel"]["lines"]] == ["options-0"]
    assert body["panel"]["lines"][0]["value"] == "回收期 5.05 年"
    assert _draft(filing) == before  # nothing saved
    bad = MultiDict(data)
    bad["discount_rate"] = "8"
    response = client.post(_url(filing.id, "options", "/preview"), data=bad)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == "折现率应不小于 0 且小于 1（填报 8）"


def test_options_rows_are_added_and_removed_without_javascript(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, "options")).get_data(as_text=True)
    data = MultiDict({"revision": _revision(page), "options-0-id": "F1", "options-0-name": "密封",
                      "options-0-savings-co2_t": "12", "action": "add:options"})
    page = client.post(_url(filing.id, "options"), data=data).get_data(as_text=True)
    assert 'name="options-1-id"' in page and 'value="12"' in page  # the typed saving kept in its row
    assert 'data-row-template="options"' in page and 'name="options-__INDEX__-savings-co2_t"' in page
    data = MultiDict({"revision": _revision(page), "options-0-id": "F1", "options-1-id": "F2",
                      "action": "remove:options-0"})
    page = client.post(_url(filing.id, "options"), data=data).get_data(as_text=True)
    assert 'value="F2"' in page and 'value="F1"' not in page


def test_bad_input_is_refused_at_the_field_and_kept(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    before = _draft(filing)
    data = _form_data({"options": [{"id": "Z1", "name": "脱硝", "cost_class": "medium_high", "category": "process",
                                    "investment_10k_cny": "四百", "lifetime_years": "0"}]})
    response = _save(client, filing.id, "options", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入数字" in page and "寿命期应不小于 1 且不大于 100（填报 0）" in page and 'value="四百"' in page
    data = MultiDict({"listed_on": "2023-02-30", "audit_type": "mandatory"})
    response = _save(client, filing.id, "why", data)
    assert response.status_code == 422 and "请输入有效日期（格式 YYYY-MM-DD）" in response.get_data(as_text=True)
    assert _draft(filing) == before


def test_a_stale_revision_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, "targets")).get_data(as_text=True)
    revision = _revision(page)
    assert _save(client, filing.id, "targets", MultiDict({"focus": "窑"})).status_code == 302
    response = client.post(_url(filing.id, "targets"), data={"revision": revision, "focus": "磨", "action": "save"})
    assert response.status_code == 409 and 'value="磨"' in response.get_data(as_text=True)
    assert _draft(filing)["focus"] == "窑"


def test_a_blank_consultancy_is_none(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    data = MultiDict({"consultancy-name": "", "consultancy-uscc": "", "permit_number": ""})
    assert _save(client, filing.id, "consultancy", data).status_code == 302
    draft = _draft(filing)
    assert draft["consultancy"] is None and draft["permit_number"] is None


# ------------------------------------------------------------------------------ timeline, evidence


def _mandatory(client, filing: Filing, **why: Any) -> None:  # type: ignore[no-untyped-def]
    data = _form_data({"audit_type": "mandatory", "audit_mode": "individual", "triggers": ["double_toxic"], **why})
    assert _save(client, filing.id, "why", data).status_code == 302


def test_a_mandatory_audit_shows_its_overdue_steps(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    # Listed 2020-01-15: publish by 2020-02-15 (done 2020-02-20, 5 days late), start by 2020-03-15 (never),
    # finish by 2021-01-15 (never) — overdue on any day after, whatever "today" the test runs on.
    _mandatory(client, filing, listed_on="2020-01-15", info_published_on="2020-02-20")
    page = client.get(_url(filing.id, "why")).get_data(as_text=True)
    timeline = _text(page, "audit-timeline")
    assert "1. 公布企业信息 ⚠ 逾期完成 期限 2020-02-15 · 完成于 2020-02-20 · 逾期 5 天" in timeline
    today = dt.date.today()
    start_late = (today - dt.date(2020, 3, 15)).days
    assert "2. 启动清洁生产审核 ⚠ 已逾期，尚未完成 期限 2020-03-15" in timeline
    assert any(f"逾期 {n} 天" in timeline for n in (start_late - 1, start_late, start_late + 1))  # China's date
    assert "3. 完成本轮审核 ⚠ 已逾期，尚未完成 期限 2021-01-15" in timeline
    assert re.search(r'<ol class="list-unstyled mb-0 audit-timeline">', page)
    assert page.count('data-status="overdue"') == 2 and page.count('data-status="done_late"') == 1
    # The same step is CPA-004's: the rule fires on implementation.end and the phases page shows it.
    page = client.get(_url(filing.id, "phases")).get_data(as_text=True)
    assert 'id="audit-timeline"' in page and "CPA-004" in page


def test_timeline_on_time_and_voluntary(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    _mandatory(client, filing, listed_on="2023-01-31", info_published_on="2023-02-28")
    data = _form_data({"phases": {"preparation": {"start": "2023-03-31", "end": "2023-04-30"},
                                  "implementation": {"start": "2023-05-01", "end": "2024-01-31"}}})
    assert _save(client, filing.id, "phases", data).status_code == 302
    timeline = _text(client.get(_url(filing.id, "phases")).get_data(as_text=True), "audit-timeline")
    assert timeline.count("✓ 按期完成") == 3 and "逾期" not in timeline
    assert "完成于 2024-01-31" in timeline  # finish = the end of implementation (calc.cpa.round_finished_on)
    data = _form_data({"audit_type": "voluntary", "audit_mode": "individual"})
    assert _save(client, filing.id, "why", data).status_code == 302
    assert "自愿性审核没有法定期限。" in client.get(_url(filing.id, "why")).get_data(as_text=True)


def test_the_why_section_shows_the_ghg_report_evidence(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world, 2024)
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, "why")).get_data(as_text=True)
    evidence = _text(page, "trigger-evidence")
    assert "依据 2024 年度温室气体排放报告 的当前草稿（状态：草稿" in evidence
    assert 'data-evidence-source="draft"' in page
    assert 'data-trigger="double_toxic" data-applies="no"' in page
    # The report's draft now declares toxic discharges and an exceedance; the audit page shows it.
    document = filing_service.draft_document(world.filing_a)
    document.toxic.discharges_toxic_substances = True
    document.toxic.categories = ["heavy_metals"]
    document.exceeded_standards = True
    # the warnings this raises (CPA-001: 双超 of 2024 with the 2021 audit; PLN-011: heavy metals unmonitored)
    # are explained, so that the draft can be submitted below
    document.explanations = {"CPA-001@last_audit_year": "2024年启动强制性审核", "PLN-011@toxic.categories": "在建"}
    world.filing_a.draft_json = canonical_json(document)
    db.session.flush()
    page = client.get(_url(filing.id, "why")).get_data(as_text=True)
    assert 'data-trigger="double_toxic" data-applies="yes"' in page
    assert "在生产中排放有毒有害物质（重金属）" in page and "本年度存在超过污染物排放标准的情形" in page
    assert 'data-trigger="high_energy" data-applies="no"' in page
    # Once accepted, the accepted version is what is shown, and named.
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], world.filing_a)
    page = client.get(_url(filing.id, "why")).get_data(as_text=True)
    assert 'data-evidence-source="accepted"' in page and "的已通过版本 1" in page
    # An audit of 2026 has no report of 2026 or 2025 to lean on: it says so.
    later = _audit(world, 2026)
    page = client.get(_url(later.id, "why")).get_data(as_text=True)
    assert "本企业没有 2026 或 2025 年度的温室气体排放报告" in page


# ----------------------------------------------------------------------------------- access, a11y


def test_others_cannot_reach_the_audit_forms(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    for role in ("filer_b", "reviewer_jx", "admin"):
        login(client, f"{role}@test.cn")
        assert client.get(_url(filing.id, "options")).status_code == 404
        assert client.post(_url(filing.id, "options", "/preview"), data={}).status_code == 404
        client.post("/logout")
    login(client, "filer_a@test.cn")
    assert client.get(_url(filing.id, "fuels")).status_code == 404  # a GHG section is not an audit section
    assert client.get(f"/filings/{filing.id}/edit").headers["Location"].endswith(_url(filing.id, "profile"))


@pytest.mark.parametrize("slug", [s.slug for s in SECTIONS])
def test_every_audit_input_has_a_label(client, world, slug: str) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, slug)).get_data(as_text=True)
    parser = _Inputs()
    parser.feed(page)
    main = [c for c in parser.controls if c]
    assert main, "the section has inputs"
    assert [c for c in main if c not in parser.labels] == []
    assert parser.headers_without_scope == 0
    assert not re.findall(r'[\w-]+="None"', page)
    ids = set(re.findall(r' id="([^"]+)"', page))
    described = {i for value in re.findall(r'aria-describedby="([^"]+)"', page) for i in value.split()}
    assert {i for i in described if "__INDEX__" not in i} <= ids


# -------------------------------------------------------------------------------------- life cycle


def test_enterprise_page_shows_both_kinds_per_year_and_starts_an_audit(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/enterprises/{world.a.id}").get_data(as_text=True)
    row = re.search(r'<tr data-year="2024">(.*?)</tr>', page, re.S)
    assert row, "a row per year"
    assert f'href="/filings/{world.filing_a.id}"' in row.group(1) and "草稿" in row.group(1)
    assert "开始填报 清洁生产审核 2024" in row.group(1)  # the audit cell offers to start one
    response = client.post(f"/enterprises/{world.a.id}/filings",
                           data={"kind": "clean_production_audit", "year": "2024"})
    assert response.status_code == 302
    audit = db.session.scalars(
        db.select(Filing).where(Filing.enterprise_id == world.a.id, Filing.kind == "clean_production_audit")).one()
    assert response.headers["Location"].endswith(f"/filings/{audit.id}")
    page = client.get(f"/enterprises/{world.a.id}").get_data(as_text=True)
    row = re.search(r'<tr data-year="2024">(.*?)</tr>', page, re.S).group(1)
    assert f'href="/filings/{world.filing_a.id}"' in row and f'href="/filings/{audit.id}"' in row
    # only the annual disclosure report of the year (issue 17, the third kind of the row) is left to start
    assert re.findall(r"开始填报 [^<]+", row) == ["开始填报 企业环境信息依法披露年度报告 2024"]
    page = client.get(f"/filings/{audit.id}").get_data(as_text=True)
    assert f'href="/filings/{audit.id}/edit"' in page and "填写表单" in page
    # A reviewer sees the row but cannot start anything, nor open a draft never submitted (issue 16 item 6).
    client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    page = client.get(f"/enterprises/{world.a.id}").get_data(as_text=True)
    assert "清洁生产审核 2024" in page and f'href="/filings/{audit.id}"' not in page and "开始填报" not in page


def test_an_audit_is_submitted_through_the_web_and_its_version_shows_the_figures(client, world) -> None:  # type: ignore[no-untyped-def]
    example = loads(example_text(EXAMPLE))
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    for section in SECTIONS:
        assert _save(client, filing.id, section.slug, _form_data({a: example[a] for a in section.attrs})).status_code == 302
    client.post("/logout")
    login(client, "signatory_a@test.cn")
    page = client.get(f"/filings/{filing.id}/submit").get_data(as_text=True)
    assert "本单位郑重承诺" in page
    response = client.post(f"/filings/{filing.id}/submit", data={"certified": "y", "password": "wrong-password"})
    assert response.status_code == 200 and not filing.versions
    response = client.post(f"/filings/{filing.id}/submit", data={"certified": "y", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/filings/{filing.id}/versions/1")
    db.session.refresh(filing)
    assert filing.status == "submitted" and len(filing.versions) == 1
    version = filing.versions[0]
    assert version.canonical_json == canonical_json(filing_service.parse_json_draft(example_text(EXAMPLE)))
    page = client.get(f"/filings/{filing.id}/versions/1").get_data(as_text=True)
    assert f"SHA-256 {version.sha256}" in page
    # The frozen computed block keeps the values, not their trailing zeros (canonical JSON): 1.0000 → 1.
    assert re.search(r'data-testid="rate-no-low">100.0%<', page)
    assert re.search(r'data-testid="rate-medium-high">50\.0%<', page)
    assert re.search(r'data-testid="total-investment">1,840<', page)
    table = re.search(r'id="computed-cobenefits"(.*?)</table>', page, re.S).group(1)
    assert re.search(r'data-saving="energy_tce"><th[^>]*>节能量（tce/a）</th><td[^>]*>850<', table)
    assert re.search(r'data-saving="co2_t"><th[^>]*>二氧化碳减排量（t/a）</th><td[^>]*>2,200<', table)
    assert re.search(r'data-saving="nox_t"><th[^>]*>氮氧化物减排量（t/a）</th><td[^>]*>110<', table)
    options = re.search(r'id="computed-options"(.*?)</table>', page, re.S).group(1)
    cells = re.findall(r'<tr data-option="(\w+)"><th scope="row">\w+</th>\s*<td[^>]*>([\d.,]+)</td>\s*<td[^>]*>([\d.,]+)</td>'
                       r'<td[^>]*>([\d.,]+)%</td>', options)
    assert cells == [("Z1", "5.05", "157.46", "14.82"), ("Z2", "5.19", "875.46", "17.56")]
    # The version is frozen, and so is the draft while it is under review (issue 15): the save is refused
    # with the reason, and neither changes.
    client.post("/logout")
    login(client, "filer_a@test.cn")
    refused = _save(client, filing.id, "targets", _form_data({"focus": "2#线", "baseline_year": 2022,
                                                              "indicators": example["indicators"]}))
    assert refused.status_code == 409 and "草稿为只读" in refused.get_data(as_text=True)
    db.session.refresh(version)
    assert '"focus":"1#熟料生产线烧成系统"' in version.canonical_json


# -- issue 20 item 9: an empty audit is not certified; a loss-making option is filed; rates one way -----------


def test_an_empty_audit_cannot_be_certified_or_submitted(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    db.session.commit()
    login(client, "signatory_a@test.cn")
    page = client.get(f"/filings/{filing.id}/submit").get_data(as_text=True)
    assert "CPA-013" in page and "尚未填写审核重点" in page and "暂不能提交" in page
    for action in ("certify", "certify_submit"):
        response = client.post(f"/filings/{filing.id}/submit",
                               data={"certified": "y", "password": PASSWORD, "action": action})
        assert response.status_code == 200 and "不能提交" in response.get_data(as_text=True)
    db.session.refresh(filing)
    assert filing.status == "draft" and not filing.versions
    assert filing_service.active_certification(filing) is None


def test_a_loss_making_option_is_saved_and_a_feasible_one_gets_a_finding(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _audit(world)
    login(client, "filer_a@test.cn")
    data = _form_data({"options": [
        {"id": "Z9", "name": "亏损方案", "cost_class": "medium_high", "category": "process", "investment_10k_cny": 100,
         "status": "feasible", "annual_benefit_10k_cny": "-5", "lifetime_years": 10}], "discount_rate": "0.08"})
    assert _save(client, filing.id, "options", data).status_code == 302
    assert _draft(filing)["options"][0]["annual_benefit_10k_cny"] == -5
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert "CPA-014" in page and "年经济效益为 -5 万元，投资无法回收" in page
