"""The JSON API v1 (issue 19): a report filed with a token only, problems, limits, pages, idempotency, scope."""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from portal.domain.codec import dumps, loads
from portal.extensions import db
from portal.models import AuditEntry, Filing, IdempotentRequest
from portal.services import tokens
from tests.helpers import PASSWORD, example_text

EXAMPLE = "ghg-jx-cement-2024.json"
PROBLEM = "application/problem+json"


def _token(world, role: str, scope: str = "write") -> str:  # type: ignore[no-untyped-def]
    user = world.users[role]
    secret = tokens.issue(user, user, name="api-v1", scope=scope)[1]
    db.session.commit()  # a savepoint release: a refused request's rollback must not take the token with it
    return secret


def _auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def _pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              check=True, text=True).stdout


def _example(consumption: int | None = None) -> str:
    data = loads(example_text(EXAMPLE))
    if consumption is not None:
        data["fuels"][0]["consumption"] = consumption
    return dumps(data)


def test_a_report_is_filed_checked_submitted_and_its_signed_pdf_downloaded_with_a_token_only(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "signatory_a")
    # open the filing (it exists: 200 with its address), read the draft and its ETag
    opened = client.post("/api/v1/filings", headers=_auth(token),
                         json={"enterprise_id": world.a.id, "kind": "ghg_annual_report", "year": 2024})
    assert opened.status_code == 200 and opened.headers["Location"] == f"/api/v1/filings/{world.filing_a.id}"
    draft = client.get(f"/api/v1/filings/{world.filing_a.id}/draft", headers=_auth(token))
    etag = draft.headers["ETag"]
    assert etag == f'"{world.filing_a.revision}"'
    # replace it: the answer is the new revision and its ETag
    put = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=_example(170000),
                     headers=_auth(token, **{"If-Match": etag}), content_type="application/json")
    assert put.status_code == 200, put.get_data(as_text=True)
    assert put.get_json()["revision"] == world.filing_a.revision and put.headers["ETag"] != etag
    # validate only: what `portal check` prints (170,000 t of coal: 1,089,533 t CO2, hand-worked in test_api.py)
    checked = client.post(f"/api/v1/filings/{world.filing_a.id}/check", headers=_auth(token))
    body = loads(checked.get_data())
    assert checked.status_code == 200 and body["ok"] is True and body["kind"] == "ghg_annual_report"
    assert str(body["computed"]["total_tco2"]) == "1089533"
    # 170,000 t is 7.3 % off the permit report's 158,500 t: a warning, which needs an explanation to submit
    blocked = client.post(f"/api/v1/filings/{world.filing_a.id}/submit", headers=_auth(token, **{
        "If-Match": put.headers["ETag"]}), json={"password": PASSWORD, "certified": True})
    assert blocked.status_code == 422 and blocked.get_json()["errors"][0]["path"] == "permit.coal_t"
    warnings = [f["key"] for f in body["findings"] if f["severity"] == "warning"]
    explained = client.patch(f"/api/v1/filings/{world.filing_a.id}/explanations", headers=_auth(token, **{
        "If-Match": put.headers["ETag"]}), json={key: "新增一条熟料生产线，燃煤量增加" for key in warnings})
    assert explained.status_code == 200
    # submit: the signatory's password again, certifying the revision in If-Match
    submitted = client.post(f"/api/v1/filings/{world.filing_a.id}/submit", headers=_auth(token, **{
        "If-Match": explained.headers["ETag"]}), json={"password": PASSWORD, "certified": True})
    assert submitted.status_code == 201, submitted.get_data(as_text=True)
    version = submitted.get_json()
    assert version["number"] == 1 and submitted.headers["Location"].endswith("/versions/1")
    # the signed copy of record, rendered by the job queued at submission (JOB_QUEUE=immediate)
    pdf = client.get(version["files"]["pdf"], headers=_auth(token))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["X-Content-SHA256"] == version["sha256"]
    assert b"/ByteRange" in pdf.data and b"/Sig" in pdf.data  # signed (PAdES)
    text = _pdf_text(pdf.data)
    assert "江西赣峰水泥有限公司" in text and version["sha256"] in text
    xlsx = client.get(version["files"]["xlsx"], headers=_auth(token))
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.data)).sheetnames
    full = client.get(f"/api/v1/filings/{world.filing_a.id}/versions/1", headers=_auth(token)).get_json()
    assert full["document"]["fuels"][0]["consumption"] == 170000
    # submitted twice: the version already made, no second one
    again = client.post(f"/api/v1/filings/{world.filing_a.id}/submit", headers=_auth(token),
                        json={"password": PASSWORD, "certified": True})
    assert again.status_code == 200 and again.get_json()["number"] == 1


def test_submit_needs_the_password_the_statement_and_the_revision(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "signatory_a")
    url = f"/api/v1/filings/{world.filing_a.id}/submit"
    current = f'"{world.filing_a.revision}"'
    wrong = client.post(url, headers=_auth(token, **{"If-Match": current}), json={"password": "x", "certified": True})
    assert wrong.status_code == 422 and wrong.mimetype == PROBLEM
    unsigned = client.post(url, headers=_auth(token, **{"If-Match": current}),
                           json={"password": PASSWORD, "certified": False})
    assert unsigned.status_code == 422 and unsigned.get_json()["errors"][0]["path"] == "certified"
    assert client.post(url, headers=_auth(token), json={"password": PASSWORD, "certified": True}).status_code == 428
    assert client.post(url, headers=_auth(token, **{"If-Match": '"999"'}),
                       json={"password": PASSWORD, "certified": True}).status_code == 412
    # a filer is no signatory: the submission is not theirs to make (404, as on the page)
    filer = _token(world, "filer_a")
    assert client.post(url, headers=_auth(filer, **{"If-Match": current}),
                       json={"password": PASSWORD, "certified": True}).status_code == 404


def test_every_error_is_a_problem_in_the_language_asked_for(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    zh = client.get("/api/v1/filings/999999", headers=_auth(token))
    en = client.get("/api/v1/filings/999999", headers=_auth(token, **{"Accept-Language": "en-GB,en;q=0.9"}))
    for response in (zh, en):
        body = response.get_json()
        assert response.status_code == 404 and response.mimetype == PROBLEM
        assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == 404
        assert body["type"] == "/api/v1/problems/not-found"
    assert zh.get_json()["title"] == "未找到" and en.get_json()["title"] == "Not found"
    assert en.headers["Content-Language"] == "en"
    # 405 (with Allow), 415, 401 (with WWW-Authenticate), 403 (read token writing)
    not_allowed = client.delete(f"/api/v1/filings/{world.filing_a.id}", headers=_auth(token))
    assert not_allowed.status_code == 405 and not_allowed.mimetype == PROBLEM and "GET" in not_allowed.headers["Allow"]
    media = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data="x", content_type="text/plain",
                       headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"'}))
    assert media.status_code == 415 and media.mimetype == PROBLEM
    anonymous = client.get("/api/v1/filings")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    reader = _token(world, "filer_a", scope="read")
    forbidden = client.post("/api/v1/filings", headers=_auth(reader),
                            json={"enterprise_id": world.a.id, "kind": "ghg_annual_report", "year": 2025})
    assert forbidden.status_code == 403 and forbidden.get_json()["type"] == "/api/v1/problems/forbidden"
    # the problem types resolve
    assert client.get("/api/v1/problems/weak-etag").get_json()["status"] == 412


def test_a_20_mb_body_is_refused_before_it_is_read_naming_the_limit(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    body = b" " * (20 * 1024 * 1024)
    response = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=body, content_type="application/json",
                          headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"'}))
    problem = response.get_json()
    assert response.status_code == 413 and response.mimetype == PROBLEM
    assert problem["limit"] == {"name": "body_bytes", "value": 5 * 1024 * 1024}
    assert "5 MB" in problem["detail"] and "5 MB" in problem["detail_en"]


def test_100000_fuel_lines_are_refused_naming_the_line_cap(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    data = loads(example_text(EXAMPLE))
    line = data["fuels"][0]
    data["fuels"] = [line] * 100_000
    text = dumps(data)
    assert len(text) > 5 * 1024 * 1024  # above the body cap too: a smaller line shows the line cap itself
    refused = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=text, content_type="application/json",
                         headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"'}))
    assert refused.status_code == 413
    data["fuels"] = [{"fuel": line["fuel"], "consumption": 1}] * 100_000
    text = dumps(data)
    assert len(text) < 5 * 1024 * 1024
    response = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=text, content_type="application/json",
                          headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"'}))
    problem = response.get_json()
    assert response.status_code == 422 and problem["type"] == "/api/v1/problems/too-many-lines"
    assert problem["limit"] == {"name": "lines_per_list", "value": 5000}
    assert problem["errors"][0]["path"] == "fuels" and "5,000" in problem["errors"][0]["message_en"]
    assert "100,000" in problem["errors"][0]["message_en"]


def test_a_weak_etag_is_refused_with_a_problem(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    response = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=_example(5), content_type="application/json",
                          headers=_auth(token, **{"If-Match": f'W/"{world.filing_a.revision}"'}))
    assert response.status_code == 412 and response.get_json()["type"] == "/api/v1/problems/weak-etag"
    missing = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=_example(5), content_type="application/json",
                         headers=_auth(token))
    assert missing.status_code == 428 and missing.get_json()["type"] == "/api/v1/problems/precondition-required"


def test_patch_merges_and_the_audit_keeps_a_diff_not_the_section(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    response = client.patch(f"/api/v1/filings/{world.filing_a.id}/draft", data=json.dumps({"co2_recovered_t": 12.5}),
                            content_type="application/merge-patch+json",
                            headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"', "Prefer":
                                                    "return=representation"}))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert str(loads(response.get_data())["document"]["co2_recovered_t"]) == "12.5"
    assert response.headers["Preference-Applied"] == "return=representation"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "filing.save_draft")
                               .order_by(AuditEntry.id.desc())).first()
    before = json.loads(entry.before_json)
    # one leaf changed: the entry names it, old and new — not the previous document's sections
    assert before["changes"] == [{"path": "co2_recovered_t", "old": 0, "new": 12.5}]
    assert "fuels" not in entry.before_json


def test_filings_are_listed_by_cursor_with_filters_and_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    for year in (2021, 2022, 2023):
        made = client.post("/api/v1/filings", headers=_auth(token),
                           json={"enterprise_id": world.a.id, "kind": "ghg_annual_report", "year": year})
        assert made.status_code == 201
    first = client.get("/api/v1/filings?limit=2", headers=_auth(token)).get_json()
    assert [f["year"] for f in first["items"]] == [2024, 2021] and first["next_cursor"]
    second = client.get(f"/api/v1/filings?limit=2&cursor={first['next_cursor']}", headers=_auth(token)).get_json()
    assert [f["year"] for f in second["items"]] == [2022, 2023] and second["next_cursor"] is None
    # enterprise B's filing is not listed; filters narrow
    assert world.filing_b.id not in [f["id"] for f in first["items"] + second["items"]]
    assert [f["year"] for f in client.get("/api/v1/filings?year=2022", headers=_auth(token)).get_json()["items"]] == [2022]
    assert client.get("/api/v1/filings?status=accepted", headers=_auth(token)).get_json()["items"] == []
    assert client.get(f"/api/v1/filings?enterprise={world.b.id}", headers=_auth(token)).get_json()["items"] == []
    recent = client.get("/api/v1/filings?updated_since=2000-01-01T00:00:00Z", headers=_auth(token)).get_json()
    assert sorted(f["year"] for f in recent["items"]) == [2021, 2022, 2023]  # created here, audited
    assert all(f["updated_at"] for f in recent["items"])
    assert client.get("/api/v1/filings?updated_since=2999-01-01T00:00:00Z", headers=_auth(token)).get_json()[
        "items"] == []
    # page sizes are capped, and the problem says so
    big = client.get("/api/v1/filings?limit=1000", headers=_auth(token))
    assert big.status_code == 422 and big.get_json()["limit"] == {"name": "page_size", "value": 200}
    assert client.get("/api/v1/filings?cursor=nonsense", headers=_auth(token)).status_code == 422
    # enterprises: the filer's own only
    listed = client.get("/api/v1/enterprises", headers=_auth(token)).get_json()["items"]
    assert [e["id"] for e in listed] == [world.a.id]
    assert client.get(f"/api/v1/enterprises/{world.b.id}", headers=_auth(token)).status_code == 404
    # a filing of another enterprise cannot be opened
    other = client.post("/api/v1/filings", headers=_auth(token),
                        json={"enterprise_id": world.b.id, "kind": "ghg_annual_report", "year": 2021})
    assert other.status_code == 404


def test_an_idempotency_key_answers_a_repeat_once_and_refuses_another_body(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    body = {"enterprise_id": world.a.id, "kind": "ghg_annual_report", "year": 2020}
    first = client.post("/api/v1/filings", headers=_auth(token, **{"Idempotency-Key": "k-1"}), json=body)
    repeat = client.post("/api/v1/filings", headers=_auth(token, **{"Idempotency-Key": "k-1"}), json=body)
    assert first.status_code == repeat.status_code == 201  # the stored answer, not "it exists" (200)
    assert repeat.data == first.data and repeat.headers["Idempotent-Replayed"] == "true"
    assert repeat.headers["Location"] == first.headers["Location"]
    assert db.session.scalars(select(Filing).where(Filing.year == 2020)).all().__len__() == 1
    other = client.post("/api/v1/filings", headers=_auth(token, **{"Idempotency-Key": "k-1"}),
                        json={**body, "year": 2019})
    assert other.status_code == 422 and other.get_json()["type"] == "/api/v1/problems/idempotency-key-reused"
    assert db.session.scalars(select(IdempotentRequest)).all().__len__() == 1


def test_findings_explanations_and_comments(client, world) -> None:  # type: ignore[no-untyped-def]
    from portal.services import filings as filing_service

    token = _token(world, "filer_a")
    found = client.get(f"/api/v1/filings/{world.filing_a.id}/findings", headers=_auth(token)).get_json()
    assert found["revision"] == world.filing_a.revision and isinstance(found["findings"], list)
    patched = client.patch(f"/api/v1/filings/{world.filing_a.id}/explanations", json={"GHG-999:x": "说明"},
                           headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"'}))
    assert patched.status_code == 200
    found = client.get(f"/api/v1/filings/{world.filing_a.id}/findings", headers=_auth(token)).get_json()
    assert found["explanations"]["GHG-999:x"] == "说明" and "GHG-999:x" in found["stale_explanations"]
    removed = client.patch(f"/api/v1/filings/{world.filing_a.id}/explanations", json={"GHG-999:x": None},
                           headers=_auth(token, **{"If-Match": f'"{world.filing_a.revision}"'}))
    assert removed.status_code == 200
    # comments: a reviewer writes, the enterprise reads those meant for it, not the internal ones
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    db.session.commit()
    reviewer = _token(world, "reviewer_jx")
    url = f"/api/v1/filings/{world.filing_a.id}/comments"
    assert client.post(url, headers=_auth(reviewer), json={"body": "请核实燃煤消耗量"}).status_code == 201
    assert client.post(url, headers=_auth(reviewer), json={"body": "内部备注", "visibility": "internal"}).status_code == 201
    assert client.post(url, headers=_auth(token), json={"body": "企业不能评论"}).status_code == 404
    assert [c["body"] for c in client.get(url, headers=_auth(token)).get_json()["items"]] == ["请核实燃煤消耗量"]
    assert len(client.get(url, headers=_auth(reviewer)).get_json()["items"]) == 2
    # the reviewer's queue and consolidated workbook
    queue = client.get("/api/v1/review/queue", headers=_auth(reviewer)).get_json()
    assert world.filing_a.id in [r["filing_id"] for r in queue["items"]]
    assert client.get("/api/v1/review/queue", headers=_auth(token)).status_code == 404
    export = client.get("/api/v1/review/export.xlsx?year=2024", headers=_auth(reviewer))
    assert export.status_code == 200 and load_workbook(io.BytesIO(export.data)).sheetnames


def _bad_workbook() -> bytes:
    book = Workbook()
    book.active.title = "nonsense"
    book.active["A1"] = "not a template"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_is_uploaded_polled_and_its_error_workbook_fetched(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    response = client.post("/api/v1/imports", headers=_auth(token),
                           data={"workbook": (io.BytesIO(_bad_workbook()), "bulk.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.get_data(as_text=True)
    job = client.get(response.headers["Location"], headers=_auth(token)).get_json()
    assert job["final"] is True and job["status"] in ("done", "failed")
    if job["error_workbook"]:
        errors = client.get(job["error_workbook"], headers=_auth(token))
        assert errors.status_code == 200 and load_workbook(io.BytesIO(errors.data))
    # another user does not see the job
    other = _token(world, "signatory_a")
    assert client.get(response.headers["Location"], headers=_auth(other)).status_code == 404
    assert client.post("/api/v1/imports", headers=_auth(token), json={}).status_code == 415


def test_rate_limit_headers_and_429_per_token(app, client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    first = client.get("/api/v1/enterprises", headers=_auth(token))
    assert first.headers["RateLimit-Limit"] == "300" and first.headers["RateLimit-Policy"] == "300;w=60"
    remaining = int(first.headers["RateLimit-Remaining"])
    second = client.get("/api/v1/enterprises", headers=_auth(token))
    assert int(second.headers["RateLimit-Remaining"]) == remaining - 1
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        other = _token(world, "signatory_a")
        statuses = [client.get("/api/v1/enterprises", headers=_auth(other)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = client.get("/api/v1/enterprises", headers=_auth(other))
        assert limited.mimetype == PROBLEM and limited.headers["RateLimit-Remaining"] == "0"
        # another token is counted apart
        assert client.get("/api/v1/enterprises", headers=_auth(token)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "300 per minute"


def test_the_openapi_document_and_its_reference_page(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    fuels = document["components"]["schemas"]["Document_ghg_annual_report"]["properties"]["fuels"]
    assert fuels["maxItems"] == 5000  # the line cap, from the document model
    assert document["paths"]["/filings/{filing_id}/draft"]["put"]["requestBody"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/Document"}
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/static/vendor/redoc/redoc.standalone.js" in html and "https://" not in html
    script = client.get("/static/vendor/redoc/redoc.standalone.js")
    assert script.status_code == 200
    script.close()


@pytest.mark.parametrize("path", ["/api/v1/filings", "/api/v1/enterprises"])
def test_a_session_reads_lists_but_writes_nothing(client, world, path: str) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    login(client, "filer_a@test.cn")
    assert client.get(path).status_code == 200
    response = client.post("/api/v1/filings", json={"enterprise_id": world.a.id, "kind": "ghg_annual_report",
                                                    "year": 2019})
    assert response.status_code == 401


def test_the_operator_issues_a_token_from_the_command_line_shown_once(app, client, world) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from portal.cli import token_create_command
    from portal.models import ApiToken
    from portal.services.tokens import token_hash

    runner = CliRunner()
    with app.app_context():
        result = runner.invoke(token_create_command, ["Filer_A@test.cn", "--name", "EMS 接口", "--scope", "read",
                                                      "--days", "30"], standalone_mode=False)
    assert result.exception is None, result.output
    secret = result.stdout.splitlines()[0]
    assert secret.startswith("ptk_") and "只显示这一次" in result.stderr
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).one()
    assert (row.name, row.scope, row.user_id) == ("EMS 接口", "read", world.users["filer_a"].id)
    assert 29 <= (row.expires_at - row.created_at).days <= 30
    assert client.get("/api/v1/filings", headers=_auth(secret)).status_code == 200
    for bad in (["nobody@nowhere.cn", "--name", "x", "--scope", "read"],
                ["filer_a@test.cn", "--name", "x", "--scope", "read", "--days", "400"]):
        assert runner.invoke(token_create_command, bad, standalone_mode=False).exception is not None
