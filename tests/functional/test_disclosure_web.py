"""The disclosure kinds on the web (issue 17 part 2): the section forms, the JSON API, submission."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from werkzeug.datastructures import MultiDict

from forms.disclosure import ADHOC_SECTIONS, ANNUAL_SECTIONS
from portal.domain.codec import loads, to_data
from portal.extensions import db
from portal.models import Filing
from portal.services import filings as filing_service
from tests.conftest import login
from tests.functional.test_ghg_forms import _form_data, _revision

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example_text(name: str) -> str:
    """Return a worked disclosure example (tests/examples)."""
    return (EXAMPLES / name).read_text("utf-8")

ANNUAL = "disclosure-jx-cement-2024.json"
ADHOC = "adhoc-jx-cement-2024-penalty.json"


def _url(filing_id: int, slug: str) -> str:
    return f"/filings/{filing_id}/edit/{slug}"


def _save(client, filing_id: int, slug: str, data: MultiDict):  # type: ignore[no-untyped-def]
    page = client.get(_url(filing_id, slug)).get_data(as_text=True)
    data = MultiDict(data)
    data["revision"] = _revision(page)
    data["action"] = "save"
    return client.post(_url(filing_id, slug), data=data)


def _draft(filing: Filing) -> dict[str, Any]:
    db.session.refresh(filing)
    return to_data(filing_service.draft_document(filing))


def _without_nested_tables(data: dict[str, Any]) -> dict[str, Any]:
    """Return the example without the tables inside table rows (edited in JSON or the workbook, kept on save)."""
    out = loads(example_text(ANNUAL)) if data is None else data
    for waste in (out.get("pollutants") or {}).get("hazardous_waste", []):
        waste["receivers"] = []
    for item in (out.get("financing") or {}).get("items", []):
        item["projects"] = []
    return out


def test_annual_report_entered_through_the_forms_alone(client, world) -> None:  # type: ignore[no-untyped-def]
    example = loads(example_text(ANNUAL))
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    login(client, "filer_a@test.cn")
    for section in ANNUAL_SECTIONS:
        data = _form_data({attr: example[attr] for attr in section.attrs})
        response = _save(client, filing.id, section.slug, data)
        assert response.status_code == 302, (section.slug, response.get_data(as_text=True)[:3000])
    saved = _draft(filing)
    expected = _without_nested_tables(to_data(filing_service.parse_json_draft(example_text(ANNUAL))))
    # disclosed_on and prefill are the portal's (fixed): a new draft has neither
    expected["disclosed_on"] = None
    expected["prefill"] = saved["prefill"]
    assert saved == expected


def test_tables_inside_rows_are_kept_when_a_section_is_saved(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    document = filing_service.parse_json_draft(example_text(ANNUAL))
    filing_service.save_draft(world.users["filer_a"], filing, document, None)
    db.session.flush()
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, "pollutants"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the section's tables are drawn with their empty row for adding lines
    assert 'data-row-list="pollutants-outlets"' in html and 'data-row-template="pollutants-hazardous_waste"' in html
    example = loads(example_text(ANNUAL))
    response = _save(client, filing.id, "pollutants", _form_data({"pollutants": example["pollutants"]}))
    assert response.status_code == 302
    receivers = _draft(filing)["pollutants"]["hazardous_waste"][0]["receivers"]
    assert receivers == example["pollutants"]["hazardous_waste"][0]["receivers"] != []


def test_none_this_year_and_rows_without_javascript(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    login(client, "filer_a@test.cn")
    response = _save(client, filing.id, "emergency", MultiDict({"emergency-none": "y"}))
    assert response.status_code == 302
    assert _draft(filing)["emergency"] == {**_draft(filing)["emergency"], "none": True}
    # adding a row of a table inside the section's object, without JavaScript: nothing saved, a row drawn
    page = client.get(_url(filing.id, "violations")).get_data(as_text=True)
    response = client.post(_url(filing.id, "violations"), data={"revision": _revision(page),
                                                                "action": "add:violations-cases"})
    assert response.status_code == 200
    assert 'id="violations-cases-0-decision_number"' in response.get_data(as_text=True)


def test_adhoc_report_entered_through_the_forms(client, world) -> None:  # type: ignore[no-untyped-def]
    example = loads(example_text(ADHOC))
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_adhoc", 2024)
    login(client, "filer_a@test.cn")
    for section in ADHOC_SECTIONS:
        data = _form_data({attr: example[attr] for attr in section.attrs})
        response = _save(client, filing.id, section.slug, data)
        assert response.status_code == 302, (section.slug, response.get_data(as_text=True)[:3000])
    saved = _draft(filing)
    expected = to_data(filing_service.parse_json_draft(example_text(ADHOC)))
    expected["disclosed_on"] = None
    assert saved == expected
    page = client.get(_url(filing.id, "report")).get_data(as_text=True)
    # the side panel: due on the 5th working day after receipt (the example's own figure)
    assert re.search(r'data-total="due_on"[^>]*>\d{4}-\d{2}-\d{2}<', page)


def test_filing_page_json_api_and_submission(client, world) -> None:  # type: ignore[no-untyped-def]
    """The filing page, the JSON API and the signatory's submission work for a disclosure as for the others."""
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{filing.id}")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    assert "DSC-002" in page.get_data(as_text=True)  # an empty draft lacks its required sections
    edit = client.get(f"/filings/{filing.id}/json")
    assert edit.status_code == 200


def publish(world, filing: Filing, now):  # type: ignore[no-untyped-def]
    """Explain the draft's warnings and submit it as enterprise A's signatory on ``now`` (aware)."""
    from portal.services import checking
    from tests.helpers import PASSWORD

    document = filing_service.draft_document(filing)
    outcome = checking.run(document, filing=filing, filing_date=now.date(), submitted=True)
    texts = {f.key: "已核实" for f in outcome.findings if f.severity == "warning"}
    if texts:
        filing_service.save_explanations(world.users["filer_a"], filing, texts, None)
    version = filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True, now=now)
    db.session.flush()
    return version


def _published_example(world):  # type: ignore[no-untyped-def]
    """Submit enterprise A's worked annual report (its warnings explained) on 10 March 2025."""
    import datetime as dt

    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    document = filing_service.parse_json_draft(example_text(ANNUAL))
    filing_service.save_draft(world.users["filer_a"], filing, document, None)
    version = publish(world, filing, dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC))
    return filing, version


def test_submission_publishes_and_the_public_pages_show_only_that(client, world) -> None:  # type: ignore[no-untyped-def]
    filing, version = _published_example(world)
    assert loads(version.canonical_json)["disclosed_on"] == "2025-03-10"  # the day it was published, in China
    # no login: the search finds it by name, code, region and year
    for query in ("name=赣峰", f"uscc={world.a.uscc}", "region=3607", "year=2024", "region=36&year=2024"):
        page = client.get(f"/disclosure?{query}").get_data(as_text=True)
        assert f"/disclosure/{world.a.uscc}/2024" in page, query
    assert f"/disclosure/{world.a.uscc}/2024" not in client.get("/disclosure?region=32").get_data(as_text=True)
    response = client.get(f"/disclosure/{world.a.uscc}/2024")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public")
    page = response.get_data(as_text=True)
    headings = re.findall(r'<h2 class="h5" id="doc-(\w+)-h">', page)
    assert headings == ["key_info", "basic_info", "env_management", "pollutants", "carbon", "emergency", "violations",
                        "adhoc", "other", "audit", "financing"]
    # nothing internal: not the contact person, the phone, an explanation or a finding
    assert "王敏" not in page and "0797-8123456" not in page and "说明" not in page.split("<main")[-1].split(
        "本年度临时")[0].replace("情况说明", "") and "DSC-" not in page
    # the public PDF: the sections in the 准则's order, nothing internal, no embedded document
    pdf = client.get(f"/disclosure/{world.a.uscc}/2024/v1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "public, max-age=86400" and pdf.headers["X-Content-SHA256"] == version.sha256
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout
    lines = [line.strip() for line in text.decode("utf-8").splitlines()]
    assert [line for line in lines if re.match(r"^[一二三四五六七八九十]+、", line)] == [
        "一、关键环境信息提要", "二、企业基本信息", "三、企业环境管理信息", "四、污染物产生、治理与排放信息", "五、碳排放信息",
        "六、生态环境应急信息", "七、生态环境违法信息", "八、本年度临时环境信息依法披露情况", "九、法律法规规定的其他环境信息",
        "十、强制性清洁生产审核信息", "十一、融资及所投项目环境信息"]
    assert version.sha256 in text.decode("utf-8")
    for internal in ("王敏", "0797-8123456", "已核实", "DSC-"):
        assert internal not in text.decode("utf-8"), internal
    assert b"document.json" not in pdf.data  # the copy of record embeds the document; the public PDF does not
    # revalidation: the same tag answers 304 without a body
    again = client.get(f"/disclosure/{world.a.uscc}/2024", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    # enterprise B has an unpublished draft: its page is the 404 of a page that does not exist
    filing_service.open_draft(world.users["filer_b"], world.b, "env_disclosure_annual_report", 2024)
    assert client.get(f"/disclosure/{world.b.uscc}/2024").status_code == 404
    assert client.get(f"/disclosure/{world.b.uscc}/2024/v1.pdf").status_code == 404
    assert client.get("/disclosure/91360700MA38P2K5XX/2024").status_code == 404


def _accepted_ghg(world):  # type: ignore[no-untyped-def]
    """Submit and accept enterprise A's worked GHG report of 2024 (tests/helpers.build_world's draft)."""
    import datetime as dt

    from portal.services import review

    version = publish(world, world.filing_a, dt.datetime(2025, 3, 20, 2, 0, tzinfo=dt.UTC))
    review.accept_filing(world.users["reviewer_jx"], world.filing_a)
    db.session.flush()
    return version


def test_a_new_annual_draft_is_prefilled_from_the_accepted_ghg_report(client, world) -> None:  # type: ignore[no-untyped-def]
    ghg = _accepted_ghg(world)
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    draft = _draft(filing)
    # the GHG example's figures (disclosure-jx-cement-2024.json's key_info: 1,067,866 t in all, 1,011,976 direct)
    assert draft["carbon"]["direct_tco2"] == 1011976
    assert draft["carbon"]["indirect_tco2"] == 1067866 - 1011976
    assert draft["prefill"]["ghg"]["sha256"] == ghg.sha256
    assert [t["pollutant"] for t in draft["pollutants"]["totals"]][:3] == ["so2", "nox", "pm"]
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, "carbon")).get_data(as_text=True)
    # every pre-filled value carries its mark and source: the GHG report, its version and its status
    assert 'data-prefilled="carbon-direct_tco2"' in page
    assert "预填自：温室气体排放年度报告 2024 第 1 版（已通过）" in page
    assert f'href="/filings/{world.filing_a.id}/versions/1"' in page
    assert "DSC-003" not in page
    # the filer corrects one value: DSC-003 says it differs from the GHG report
    example = loads(example_text(ANNUAL))
    carbon = {**example["carbon"], "direct_tco2": 1100000, "indirect_tco2": 1067866 - 1011976}
    response = _save(client, filing.id, "carbon", _form_data({"carbon": carbon}))
    assert response.status_code == 302
    page = client.get(_url(filing.id, "carbon")).get_data(as_text=True)
    assert "DSC-003" in page and 'id="carbon-direct_tco2-find"' in page
    # refresh copies the GHG report's value again
    client.post(f"/filings/{filing.id}/prefill", data={})
    assert _draft(filing)["carbon"]["direct_tco2"] == 1011976


def test_the_ghg_reports_dsc001_opens_the_disclosure_draft(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert "DSC-001" in page and 'data-testid="open-disclosure"' in page
    response = client.post(f"/enterprises/{world.a.id}/filings",
                           data={"kind": "env_disclosure_annual_report", "year": "2024"})
    assert response.status_code == 302
    filing = db.session.scalar(db.select(Filing).where(Filing.kind == "env_disclosure_annual_report"))
    assert filing is not None and response.headers["Location"].endswith(f"/filings/{filing.id}")


def test_adhoc_disclosures_from_the_enterprise_page_due_on_the_fifth_working_day(client, world) -> None:  # type: ignore[no-untyped-def]
    """Two legal documents of one year, two ad-hoc reports; due dates across 国庆 2024 (调休 Saturday 12 Oct)."""
    login(client, "filer_a@test.cn")
    page = client.get(f"/enterprises/{world.a.id}").get_data(as_text=True)
    assert 'data-testid="adhoc-form"' in page
    # Received Friday 27 Sep 2024 (the day itself not counted): Sat 28 off, Sun 29 Sep a 调休 working day (1st),
    # Mon 30 Sep (2nd), 1–7 Oct 国庆 holidays, Tue 8 Oct (3rd), Wed 9 Oct (4th), Thu 10 Oct (5th).
    first = client.post(f"/enterprises/{world.a.id}/adhoc", data={
        "trigger": "penalty", "number": "赣市环罚〔2024〕37号", "doc_type": "行政处罚决定书", "issuer": "赣州市生态环境局",
        "date": "2024-09-20", "received_on": "2024-09-27"})
    assert first.status_code == 302
    # Received Wed 9 Oct 2024: Thu 10 (1), Fri 11 (2), Sat 12 Oct is a 调休 working day (3), Mon 14 (4), Tue 15 (5).
    second = client.post(f"/enterprises/{world.a.id}/adhoc", data={
        "trigger": "permit_changed", "number": "91360700MA38P2K51K001P", "received_on": "2024-10-09"})
    assert second.status_code == 302 and second.headers["Location"] != first.headers["Location"]
    filings = db.session.scalars(db.select(Filing).where(Filing.kind == "env_disclosure_adhoc")
                                 .order_by(Filing.id)).all()
    assert [(f.year, f.doc_key) for f in filings] == [(2024, "赣市环罚〔2024〕37号"), (2024, "91360700MA38P2K51K001P")]
    assert "截止日期：2024-10-10" in client.get(f"/filings/{filings[0].id}").get_data(as_text=True)
    assert "截止日期：2024-10-15" in client.get(f"/filings/{filings[1].id}").get_data(as_text=True)
    # the same legal document again opens the same report
    again = client.post(f"/enterprises/{world.a.id}/adhoc", data={
        "trigger": "penalty", "number": "赣市环罚〔2024〕37号", "received_on": "2024-09-27"})
    assert again.headers["Location"] == first.headers["Location"]
    # without a receipt date nothing is opened, and the page says why
    refused = client.post(f"/enterprises/{world.a.id}/adhoc", data={"trigger": "penalty", "number": "X"},
                          follow_redirects=True)
    assert "请填写收到法律文书的日期" in refused.get_data(as_text=True)


def test_published_adhoc_reports_appear_in_the_next_annual_report(client, world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    adhoc = filing_service.open_adhoc(world.users["filer_a"], world.a, trigger="penalty",
                                      number="赣市环罚〔2024〕45号", received_on=dt.date(2024, 9, 26))
    document = filing_service.parse_json_draft(example_text(ADHOC))
    filing_service.save_draft(world.users["filer_a"], adhoc, document, None)
    publish(world, adhoc, dt.datetime(2024, 9, 30, 2, 0, tzinfo=dt.UTC))
    annual = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    lines = _draft(annual)["adhoc"]
    assert lines == [{"trigger": "penalty", "document_number": "赣市环罚〔2024〕45号", "document_date": "2024-09-20",
                      "received_on": "2024-09-26", "disclosed_on": "2024-09-30"}]


def test_regulator_queue_dashboard_share_and_consolidated_workbook(client, world) -> None:  # type: ignore[no-untyped-def]
    """Two subjects in Jiangxi's scope? Only A is (B is Jiangsu's and not a key discharger): A on time → 100 %."""
    import io

    from openpyxl import load_workbook

    filing, _version = _published_example(world)  # published 10 March 2025, before 15 March: on time
    login(client, "reviewer_jx@test.cn")
    # the reviewer reviews it as any other filing: the review page, the version page, the queue
    assert client.get(f"/review/filings/{filing.id}").status_code == 200
    assert client.get(f"/filings/{filing.id}/versions/1").status_code == 200
    assert f'data-filing="{filing.id}"' in client.get("/review/?kind=env_disclosure_annual_report").get_data(
        as_text=True)
    page = client.get("/review/disclosure?year=2024").get_data(as_text=True)
    assert f'data-enterprise="{world.a.uscc}"' in page and world.b.uscc not in page
    # A: 11 sections required (a mandatory audit and a listed company: audit and financing), all filed, 0 days late
    row = page.split(f'data-enterprise="{world.a.uscc}"')[1].split("</tr>")[0]
    assert "2025-03-10" in row and "11 / 11" in row and ">0<" in row
    assert "按时披露：1 / 1 家（100.0%）" in page
    dashboard = client.get("/dashboard/?year=2024").get_data(as_text=True)
    assert 'data-testid="on-time-share">100.0%<' in dashboard
    # the consolidated workbook holds the disclosure with its deadline and lateness
    book = load_workbook(io.BytesIO(client.get("/review/export.xlsx?year=2024").data), read_only=True)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    header = rows[2]
    disclosure = next(dict(zip(header, r, strict=True)) for r in rows[3:] if r[header.index("Kind")] ==
                      "企业环境信息依法披露年度报告")
    assert str(disclosure["Due on"])[:10] == "2025-03-15" and disclosure["Days late (days)"] == 0
    assert str(disclosure["Disclosed on"])[:10] == "2025-03-10"
    assert disclosure["Total CO2 (direct + indirect) (tCO2e)"] == 1067866
    # a subject not yet published counts as late once the deadline has passed (2023: never published)
    page = client.get("/review/disclosure?year=2023").get_data(as_text=True)
    assert "按时披露：0 / 1 家（0.0%）" in page and "未披露" in page


def test_upload_template_bulk_upload_and_json_api(client, world) -> None:  # type: ignore[no-untyped-def]
    """The upload workbook of the annual report: the blank template, then the worked example imported as a draft."""
    import io

    from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
    from portal.services import tokens
    from portal.services.reference import current_reference

    login(client, "filer_a@test.cn")
    blank = client.get("/uploads/template/env_disclosure_annual_report.xlsx")
    assert blank.status_code == 200 and blank.data[:2] == b"PK"
    document = filing_service.parse_json_draft(example_text(ANNUAL))
    data = render_upload_workbook("env_disclosure_annual_report", [document],
                                  code_lists=code_lists_from_reference(current_reference()))
    response = client.post("/uploads/", data={"workbook": (io.BytesIO(data), "disclosure.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    filing = db.session.scalar(db.select(Filing).where(Filing.kind == "env_disclosure_annual_report"))
    assert filing is not None and filing.year == 2024
    draft = _draft(filing)
    assert draft["key_info"]["total_tco2"] == 1067866 and draft["disclosed_on"] is None  # the portal's field
    # the JSON API reads the same draft
    _token, secret = tokens.issue(world.users["filer_a"], world.users["filer_a"], name="erp", scope="read")
    db.session.flush()
    api = client.get(f"/api/v1/filings/{filing.id}/draft", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and api.json["document"]["key_info"]["total_tco2"] == 1067866
    assert api.json["computed"]["carbon_total_tco2"] == 1067866 and api.json["computed"]["due_on"] == "2025-03-15"


def test_a_correction_publishes_a_new_version_and_the_old_one_stays_visible_as_superseded(client, world) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import datetime as dt

    from portal.services import review
    from portal.services.errors import ServiceError
    from tests.helpers import PASSWORD

    filing, first = _published_example(world)
    review.return_filing(world.users["reviewer_jx"], filing, note="请更正提要")
    draft = filing_service.draft_document(filing)
    corrected = dataclasses.replace(draft, key_info=dataclasses.replace(draft.key_info, summary_zh="更正后的提要"))
    filing_service.save_draft(world.users["filer_a"], filing, corrected, None)
    # a correction says what changed and why (准则: 变更内容及主要依据)
    try:
        filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True,
                              now=dt.datetime(2025, 4, 1, 2, 0, tzinfo=dt.UTC))
    except ServiceError as error:
        assert error.field == "change_note"
    else:  # pragma: no cover - the correction must be refused
        raise AssertionError("a correction without change_note was published")
    noted = dataclasses.replace(filing_service.draft_document(filing), change_note="更正关键环境信息提要的文字")
    filing_service.save_draft(world.users["filer_a"], filing, noted, None)
    second = publish(world, filing, dt.datetime(2025, 4, 1, 2, 0, tzinfo=dt.UTC))
    assert second.number == 2 and loads(second.canonical_json)["disclosed_on"] == "2025-04-01"
    page = client.get(f"/disclosure/{world.a.uscc}/2024").get_data(as_text=True)
    assert "更正后的提要" in page and "现行版本" in page and "已被更正版本取代" in page
    assert "更正关键环境信息提要的文字" in page  # the change note, beside version 2
    assert client.get(f"/disclosure/{world.a.uscc}/2024/v1.pdf").status_code == 200  # the old one stays
    assert client.get(f"/disclosure/{world.a.uscc}/2024/v2.pdf").status_code == 200
    assert first.number == 1


def test_the_registered_credit_grade_is_prefilled_and_marked(client, world) -> None:  # type: ignore[no-untyped-def]
    """The 环保信用评价 the regulators keep (issue 18 item 4) fills 企业环境管理信息 of a new annual draft."""
    from portal.services import registers

    # no rating registered: the draft carries none
    blank = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2023)
    assert (_draft(blank).get("env_management") or {}).get("credit_rating") is None
    # a grade of 2023 stands for the 2024 report (the newest of the year or before)
    registers.set_rating(world.users["reviewer_jx"], world.a, 2023, "blue", "江西省生态环境厅")
    filing = filing_service.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    assert _draft(filing)["env_management"]["credit_rating"] == {"grade": "blue", "year": 2023,
                                                                  "issuer": "江西省生态环境厅"}
    login(client, "filer_a@test.cn")
    page = client.get(_url(filing.id, "env-management")).get_data(as_text=True)
    assert 'data-prefilled="env_management-credit_rating-grade"' in page
    assert "预填自：环保信用评价登记（2023 年度）" in page
    # B's draft is not given A's grade
    other = filing_service.open_draft(world.users["filer_b"], world.b, "env_disclosure_annual_report", 2024)
    assert (_draft(other).get("env_management") or {}).get("credit_rating") is None
