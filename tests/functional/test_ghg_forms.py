"""The filer's section forms of a GHG annual report, through the HTTP client on the real database."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from forms.ghg import SECTIONS
from portal.domain.codec import canonical_json, loads, to_data
from portal.extensions import db
from portal.services import filings as filing_service
from portal.services import review as decisions
from tests.conftest import login
from tests.helpers import PASSWORD, example_text

EXAMPLE = "ghg-jx-cement-2024.json"


def _url(filing_id: int, slug: str, suffix: str = "") -> str:
    return f"/filings/{filing_id}/edit/{slug}{suffix}"


def _revision(page: str) -> str:
    match = re.search(r'name="revision" type="hidden" value="(\d+)"', page)
    assert match, "the page carries the draft revision"
    return match.group(1)


def _typed(value: Any) -> list[str]:
    """Return what a filer types for a value: nothing for null/false, "y" for a ticked box, the number."""
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _form_data(section_data: dict[str, Any]) -> MultiDict:
    """Return the form fields a filer fills in for the given document attributes."""
    out: MultiDict = MultiDict()

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                add(f"{prefix}-{key}", item)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for index, row in enumerate(value):
                add(f"{prefix}-{index}", row)
        else:
            for typed in _typed(value):
                out.add(prefix, typed)

    for attr, value in section_data.items():
        add(attr, value)
    return out


def _empty_draft(world) -> None:  # type: ignore[no-untyped-def]
    """Replace enterprise A's draft by a new, empty report (profile from the master record only)."""
    document = filing_service.new_document(world.a, "ghg_annual_report", 2024)
    world.filing_a.draft_json = canonical_json(document)
    db.session.flush()


def _save(client, filing_id: int, slug: str, data: MultiDict):  # type: ignore[no-untyped-def]
    page = client.get(_url(filing_id, slug)).get_data(as_text=True)
    data = MultiDict(data)
    data["revision"] = _revision(page)
    data["action"] = "save"
    return client.post(_url(filing_id, slug), data=data)


def _draft(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    db.session.refresh(world.filing_a)
    return to_data(filing_service.draft_document(world.filing_a))


# ---------------------------------------------------------------------------- the worked example


def test_worked_example_entered_section_by_section(client, world) -> None:  # type: ignore[no-untyped-def]
    example = loads(example_text(EXAMPLE))
    _empty_draft(world)
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    for section in SECTIONS:
        data = _form_data({attr: example[attr] for attr in section.attrs if attr in example})
        response = _save(client, fid, section.slug, data)
        assert response.status_code == 302, (section.slug, response.get_data(as_text=True)[:2000])
        assert response.headers["Location"].endswith(_url(fid, section.slug) + "?saved=1")

    expected = to_data(filing_service.parse_json_draft(example_text(EXAMPLE)))
    actual = _draft(world)
    expected.pop("explanations")
    actual.pop("explanations")
    assert actual == expected

    page = client.get(_url(fid, "declared")).get_data(as_text=True)
    assert 'data-testid="total-tco2">1,067,866<' in page
    page = client.get(_url(fid, "fuels")).get_data(as_text=True)
    # per line, the arithmetic (查看计算过程) and the defaults of the enterprise's edition (mee-2024)
    assert "查看计算过程" in page
    assert "160000 × 22.8 × 0.02618 × 0.99 × 44/12 = 346681.84" in page
    assert 'placeholder="缺省 0.02618"' in page


def test_saving_a_section_keeps_the_others(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    before = _draft(world)
    data = _form_data({"electricity": {"purchased_mwh": 99000, "exported_mwh": 0, "grid_factor": None},
                       "heat": {"purchased_gj": 0, "exported_gj": 0}, "co2_recovered_t": 0})
    assert _save(client, world.filing_a.id, "energy", data).status_code == 302
    after = _draft(world)
    assert after["electricity"]["purchased_mwh"] == Decimal(99000)
    after["electricity"]["purchased_mwh"] = before["electricity"]["purchased_mwh"]
    assert after == before


def test_a_save_is_followed_by_the_page_and_a_message(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    example = loads(example_text(EXAMPLE))
    data = _form_data({"declared": {"total_tco2": 1067866, "combustion_tco2": None, "process_tco2": None}})
    response = _save(client, world.filing_a.id, "declared", data)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "本节已保存" in page
    assert _draft(world)["declared"]["total_tco2"] == Decimal(1067866)
    response = _save(client, world.filing_a.id, "fuels", _form_data({"fuels": example["fuels"]}))
    assert "本节没有修改" in client.get(response.headers["Location"]).get_data(as_text=True)


# ---------------------------------------------------------------------------------------- bad input


def _fuel_rows(*rows: dict[str, str]) -> MultiDict:
    data: MultiDict = MultiDict()
    for index, row in enumerate(rows):
        for key, value in row.items():
            data.add(f"fuels-{index}-{key}", value)
    return data


def test_bad_input_is_refused_at_the_field_and_nothing_typed_is_lost(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    before = _draft(world)
    revision = world.filing_a.revision
    data = _fuel_rows(
        {"source": "1#窑", "fuel": "bituminous", "consumption": "十六万", "ncv": "22.8", "sulfur_pct": "0.9"},
        {"source": "厂内车辆", "fuel": "diesel", "consumption": "-5"},
        {"source": "2#窑", "fuel": "anthracite", "consumption": "500", "oxidation_rate": "1.2"},
        {"source": "锅炉房", "fuel": "unobtainium", "consumption": "30", "carbon_content": "0.027"},
    )
    response = _save(client, fid, "fuels", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请输入数字" in page
    # the bounds of the schema, worded as every input channel words them
    assert "消耗量应大于 0 且不大于 1,000,000,000（填报 -5）" in page
    assert "碳氧化率应大于 0 且不大于 1（填报 1.2）" in page
    assert "“unobtainium”不是可选的值" in page
    for kept in ('value="十六万"', 'value="22.8"', 'value="0.9"', 'value="-5"', 'value="1.2"',
                 'value="2#窑"', 'value="锅炉房"', 'value="0.027"', 'value="500"'):
        assert kept in page, kept
    # the unknown code stays visible (selected) rather than silently becoming another fuel
    assert re.search(r'<option selected value="unobtainium">', page)
    assert re.search(r'<option selected value="anthracite">', page)
    # errors are tied to their inputs and listed in a summary linking to them
    assert 'aria-describedby="fuels-consumption-help fuels-0-consumption-err"' in page
    assert 'id="fuels-consumption-help"' in page  # the column's help (单位由燃料品种决定) in the header
    assert 'id="fuels-2-oxidation_rate-err"' in page and 'aria-invalid="true"' in page
    assert 'href="#fuels-1-consumption"' in page and "本节未保存" in page
    # nothing was saved
    db.session.refresh(world.filing_a)
    assert world.filing_a.revision == revision
    assert _draft(world) == before


def test_required_fields_and_bad_numbers_elsewhere(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    response = _save(client, fid, "fuels", _fuel_rows({"source": "1#窑", "fuel": "", "consumption": ""}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请选择燃料品种" in page and "请填写消耗量" in page
    data = MultiDict({"electricity-purchased_mwh": "abc", "electricity-exported_mwh": "-1",
                      "heat-purchased_gj": "1e5", "co2_recovered_t": "12"})
    response = _save(client, fid, "energy", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("请输入数字") >= 2  # "abc" and "1e5" (no exponents: what was typed must be what is read)
    assert "输出电量应不小于 0 且不大于 1,000,000,000（填报 -1）" in page
    assert 'value="12"' in page and 'value="abc"' in page
    response = _save(client, fid, "other", MultiDict({"last_audit_year": "2021.5"}))
    assert "请输入整数" in response.get_data(as_text=True)
    data = MultiDict({"generating_units-0-id": "1#机组", "generating_units-0-fuel": "coal",
                      "generating_units-0-commissioned": "2020-13-40"})
    response = _save(client, fid, "generating-units", data)
    assert "请输入有效日期" in response.get_data(as_text=True)


def test_numbers_are_read_as_people_type_them(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    data = MultiDict({"electricity-purchased_mwh": "98,000", "electricity-exported_mwh": "１２．５",
                      "heat-purchased_gj": " 0 ", "co2_recovered_t": ""})
    assert _save(client, world.filing_a.id, "energy", data).status_code == 302
    draft = _draft(world)
    assert draft["electricity"]["purchased_mwh"] == Decimal(98000)
    assert draft["electricity"]["exported_mwh"] == Decimal("12.5")
    assert draft["co2_recovered_t"] == Decimal(0)  # blank takes the field's default
    data = MultiDict({"boilers-0-id": "1#炉", "boilers-0-fuel": "gas", "boilers-0-commissioned": "2022年3月1日",
                      "boilers-0-low_nox": "y"})
    assert _save(client, world.filing_a.id, "boilers", data).status_code == 302
    boiler = _draft(world)["boilers"][0]
    assert boiler["commissioned"] == "2022-03-01" and boiler["low_nox"] is True and boiler["ultra_low_emission"] is False


# ------------------------------------------------------------------------------------ rows, no JS


def test_rows_are_added_and_removed_without_javascript(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    revision = world.filing_a.revision
    data = _fuel_rows({"source": "A", "fuel": "bituminous", "consumption": "1"},
                      {"source": "B", "fuel": "diesel", "consumption": "2"},
                      {"source": "C", "fuel": "lpg", "consumption": "oops"})
    data["revision"] = str(revision)
    data["action"] = "add:fuels"
    page = client.post(_url(fid, "fuels"), data=data).get_data(as_text=True)
    assert 'name="fuels-3-consumption"' in page and 'value="oops"' in page
    assert "请输入数字" not in page  # adding a row is not a save: no validation yet
    data["action"] = "remove:fuels-0"
    page = client.post(_url(fid, "fuels"), data=data).get_data(as_text=True)
    assert 'value="A"' not in page
    assert re.search(r'id="fuels-0-source"[^>]*value="B"', page)
    assert re.search(r'id="fuels-1-source"[^>]*value="C"', page)
    db.session.refresh(world.filing_a)
    assert world.filing_a.revision == revision  # nothing saved


def test_the_page_has_a_template_row_for_the_script(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(_url(world.filing_a.id, "processes")).get_data(as_text=True)
    assert '<template data-row-template="processes">' in page
    assert 'name="processes-__INDEX__-process"' in page
    assert 'data-add-row="processes"' in page
    assert '<script src="/static/js/draft-form.js">' in page
    assert "<script>" not in page  # CSP: no inline script; configuration is a JSON data block
    config = json.loads(re.search(r'<script type="application/json" id="draft-form-config">(.*?)</script>',
                                  page, re.S).group(1))
    assert config["previewUrl"] == _url(world.filing_a.id, "processes", "/preview")
    assert config["defaults"]["processes"]["process"]["limestone"] == {"emission_factor": "0.44", "purity": "1"}


# ------------------------------------------------------------------------------------------ stale


def test_a_stale_revision_is_refused_and_the_input_kept(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    example = loads(example_text(EXAMPLE))
    page = client.get(_url(fid, "fuels")).get_data(as_text=True)
    old_revision = _revision(page)
    # someone else saves another section meanwhile
    other = _form_data({"declared": {"total_tco2": 1000000, "combustion_tco2": None, "process_tco2": None}})
    assert _save(client, fid, "declared", other).status_code == 302
    saved = _draft(world)
    fuels = example["fuels"]
    fuels[0]["consumption"] = Decimal(170000)
    data = _form_data({"fuels": fuels})
    data["revision"] = old_revision
    data["action"] = "save"
    response = client.post(_url(fid, "fuels"), data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "此草稿已被他人修改并保存" in page and "重新载入最新草稿" in page
    assert 'value="170000"' in page  # the input is on the page, not replaced by the saved draft
    assert _draft(world) == saved  # and the other save was not overwritten
    del data["revision"]  # a save that does not say which revision it edits is refused the same way
    assert client.post(_url(fid, "fuels"), data=data).status_code == 409
    assert _draft(world) == saved


# ---------------------------------------------------------------------------------------- preview


def test_preview_computes_the_unsaved_input_without_saving(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    revision = world.filing_a.revision
    fuels = loads(example_text(EXAMPLE))["fuels"]
    fuels[0]["consumption"] = Decimal(170000)
    data = _form_data({"fuels": fuels})
    data["revision"] = str(revision)
    response = client.post(_url(fid, "fuels", "/preview"), data=data)
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    totals = {t["key"]: t["value"] for t in body["panel"]["totals"]}
    # 170000 × 22.8 × 0.02618 × 0.99 × 44/12 = 368349.46; + 371.51 + 664922.90 + 55889.40
    assert totals["combustion_tco2"] == "368,720.97"
    assert totals["total_tco2"] == "1,089,533"
    line = body["panel"]["lines"][0]
    assert line["arithmetic"] == "170000 × 22.8 × 0.02618 × 0.99 × 44/12 = 368349.46"
    assert line["anchor"] == "fuels-0"
    db.session.refresh(world.filing_a)
    assert world.filing_a.revision == revision

    data["fuels-0-oxidation_rate"] = "1.2"
    response = client.post(_url(fid, "fuels", "/preview"), data=data)
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False
    assert body["errors"] == [{"id": "fuels-0-oxidation_rate", "label": "碳氧化率（0–1）",
                               "message": "碳氧化率应大于 0 且不大于 1（填报 1.2）"}]


def test_preview_needs_the_csrf_token_header(app, client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(_url(fid, "energy")).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"electricity-purchased_mwh": "1000", "revision": _revision(page)}
        refused = client.post(_url(fid, "energy", "/preview"), data=data)
        assert refused.status_code == 400 and refused.get_json()["ok"] is False
        accepted = client.post(_url(fid, "energy", "/preview"), data={**data, "csrf_token": token},
                               headers={"X-CSRFToken": token})
        assert accepted.status_code == 200 and accepted.get_json()["ok"] is True
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --------------------------------------------------------------------------------------- findings


def test_findings_are_shown_at_their_fields(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    fid = world.filing_a.id
    fuels = loads(example_text(EXAMPLE))["fuels"]
    fuels[0]["ncv"] = Decimal(40)  # far outside the bituminous band: GHG-004
    assert _save(client, fid, "fuels", _form_data({"fuels": fuels})).status_code == 302
    page = client.get(_url(fid, "fuels")).get_data(as_text=True)
    assert 'id="fuels-0-ncv-find"' in page
    tag = re.search(r'<input [^>]*id="fuels-0-ncv"[^>]*>', page).group(0)
    assert re.search(r'aria-describedby="[^"]*fuels-0-ncv-find"', tag)
    assert 'href="#fuels-0-ncv"' in page and "GHG-004" in page
    # the tab of the section counts its findings
    assert re.search(r'2\. 化石燃料燃烧 <span class="badge', page)


# ----------------------------------------------------------------------------- markup and access


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labels: set[str] = set()
        self.headers_without_scope = 0
        self.in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if tag == "label" and values.get("for"):
            self.labels.add(values["for"] or "")
        if tag in ("input", "select", "textarea") and values.get("type") not in ("hidden", "submit"):
            self.controls.append(values.get("id") or "")
        if tag == "th" and "scope" not in values:
            self.headers_without_scope += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1


@pytest.mark.parametrize("slug", [s.slug for s in SECTIONS])
def test_every_input_has_a_label_and_every_header_a_scope(client, world, slug: str) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(_url(world.filing_a.id, slug)).get_data(as_text=True)
    parser = _Inputs()
    parser.feed(page)
    main = [c for c in parser.controls if c]
    assert main, "the section has inputs"
    assert [c for c in main if c not in parser.labels] == []
    assert parser.headers_without_scope == 0
    assert not re.findall(r'[\w-]+="None"', page)
    # every aria-describedby names elements that exist
    ids = set(re.findall(r' id="([^"]+)"', page))
    described = {i for value in re.findall(r'aria-describedby="([^"]+)"', page) for i in value.split()}
    assert {i for i in described if "__INDEX__" not in i} <= ids


def test_session_expired_on_save_goes_through_login_and_back(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    url = _url(world.filing_a.id, "energy")
    revision = _revision(client.get(url).get_data(as_text=True))
    client.post("/logout")
    response = client.post(url, data={"revision": revision, "electricity-purchased_mwh": "1"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/login" in location and "next=" in location
    next_url = location[location.index("/login"):]
    back = client.post(next_url, data={"email": "filer_a@test.cn", "password": "correct-horse-battery"})
    assert back.status_code == 302 and back.headers["Location"].endswith(url)


def test_csrf_failure_after_the_session_ended_sends_to_login(app, client, world) -> None:  # type: ignore[no-untyped-def]
    url = _url(world.filing_a.id, "energy")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(url, data={"electricity-purchased_mwh": "1", "csrf_token": "expired"})
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_others_cannot_reach_the_forms(client, world) -> None:  # type: ignore[no-untyped-def]
    for role in ("filer_b", "reviewer_jx", "admin"):
        login(client, f"{role}@test.cn")
        assert client.get(_url(world.filing_a.id, "fuels")).status_code == 404
        assert client.post(_url(world.filing_a.id, "fuels", "/preview"), data={}).status_code == 404
        client.post("/logout")
    login(client, "filer_a@test.cn")
    assert client.get(_url(world.filing_a.id, "no-such-section")).status_code == 404
    assert client.get(f"/filings/{world.filing_a.id}/edit").headers["Location"].endswith(
        _url(world.filing_a.id, "profile"))


def test_the_filing_page_links_to_the_forms(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert f'href="/filings/{world.filing_a.id}/edit"' in page and "填写表单" in page


def test_an_accepted_filing_is_read_only(client, world) -> None:  # type: ignore[no-untyped-def]
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], world.filing_a)
    login(client, "filer_a@test.cn")
    page = client.get(_url(world.filing_a.id, "fuels")).get_data(as_text=True)
    assert "已通过的申报不能再修改" in page and '<fieldset class="section-fields" disabled>' in page
    data = _fuel_rows({"fuel": "diesel", "consumption": "1"})
    data["revision"] = _revision(page)
    assert client.post(_url(world.filing_a.id, "fuels"), data=data).status_code == 409


def test_english_labels_come_from_the_field_metadata(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    client.post("/language/en", data={"next": "/"})
    page = client.get(_url(world.filing_a.id, "fuels")).get_data(as_text=True)
    assert "Measured NCV" in page and "Bituminous coal (t)" in page
    assert "GJ/fuel unit" in page and "GJ/燃料单位" not in page  # units are in the page's language too
    response = _save(client, world.filing_a.id, "fuels", _fuel_rows({"fuel": "diesel", "consumption": "x"}))
    assert response.status_code == 422


def test_check_boxes_and_selects_of_literals(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    data = MultiDict([("toxic-uses_toxic_materials", "y"), ("toxic-categories", "pops"),
                      ("toxic-categories", "heavy_metals"), ("air-online_monitoring", "vocs"),
                      ("hcfc-consumption_t", "1.5"), ("last_audit_year", "2021")])
    assert _save(client, world.filing_a.id, "other", data).status_code == 302
    assert _save(client, world.filing_a.id, "pollutants", MultiDict({"exceeded_standards": "y"})).status_code == 302
    draft = _draft(world)
    assert draft["toxic"] == {"uses_toxic_materials": True, "discharges_toxic_substances": False,
                              "categories": ["heavy_metals", "pops"]}  # in the order the format lists them
    assert draft["air"]["online_monitoring"] == ["vocs"] and draft["exceeded_standards"] is True
    page = client.get(_url(world.filing_a.id, "other")).get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="pops"', page)
    assert not re.search(r'<input[^>]*checked[^>]*value="other"', page)
    assert "持久性有机污染物" in page  # the Literal values are labelled in Chinese
    data.add("toxic-categories", "plutonium")
    response = _save(client, world.filing_a.id, "other", data)
    assert response.status_code == 422 and "“plutonium”不是可选的值" in response.get_data(as_text=True)
    data = MultiDict({"generating_units-0-id": "1#机组", "generating_units-0-fuel": "nuclear"})
    response = _save(client, world.filing_a.id, "generating-units", data)
    assert response.status_code == 422 and "“nuclear”不是可选的值" in response.get_data(as_text=True)


def test_a_check_box_added_by_the_amendment_is_true_or_not_stated(client, world) -> None:  # type: ignore[no-untyped-def]
    # serious_violation (DSC-001) is a ``bool | None`` of 2026-12: ticked it is true; unticked it stays out of
    # the document (None), so saving the section does not change a document that never had it
    login(client, "filer_a@test.cn")
    data = MultiDict({"exceeded_standards": "y", "serious_violation": "y"})
    assert _save(client, world.filing_a.id, "pollutants", data).status_code == 302
    assert _draft(world)["serious_violation"] is True
    assert _save(client, world.filing_a.id, "pollutants", MultiDict({"exceeded_standards": "y"})).status_code == 302
    draft = _draft(world)
    assert "serious_violation" not in draft and draft["exceeded_standards"] is True
    assert '"serious_violation"' not in world.filing_a.draft_json


def test_the_builder_serves_any_document_section(app) -> None:  # type: ignore[no-untyped-def]
    """Build the audit's option rows from the same metadata: dates, literals, nested savings, money units."""
    from forms.doc_fields import build_object_form, initial_data
    from portal.domain.documents import CPA_KIND, AuditOption, OptionSavings
    from portal.domain.schema import schema_of

    option = AuditOption(id="F1", name="余热发电", cost_class="medium_high", category="equipment",
                         investment_10k_cny=Decimal("1200"), status="implemented",
                         implemented_on=datetime.date(2023, 6, 30), lifetime_years=10,
                         savings=OptionSavings(co2_t=Decimal("8000"), so2_t=Decimal("3.5")))
    node = schema_of(CPA_KIND).field("options[]")
    form_class = build_object_form(node)
    with app.test_request_context():
        form = form_class(formdata=None, prefix="options-0-", **initial_data(option))
        html = "".join([form.implemented_on(), form.cost_class(), form.savings.form.co2_t.label()])
        assert 'value="2023-06-30"' in html and "中/高费" in html and "二氧化碳减排量（t/a）" in html
        assert str(form.investment_10k_cny.label.text) == "投资（万元）"
        posted = MultiDict({"options-0-id": "F1", "options-0-name": "余热发电", "options-0-cost_class": "no_low",
                            "options-0-category": "management", "options-0-status": "dropped",
                            "options-0-implemented_on": "2023/7/1", "options-0-savings-co2_t": "10"})
        form = form_class(formdata=posted, prefix="options-0-")
        assert form.validate(), form.errors
        from forms.doc_fields import object_from_form

        parsed = object_from_form(form, node)
    assert parsed.implemented_on == datetime.date(2023, 7, 1) and parsed.cost_class == "no_low"
    assert parsed.savings.co2_t == Decimal(10) and parsed.savings.so2_t is None and parsed.lifetime_years is None
