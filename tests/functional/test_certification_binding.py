"""Issue 15 item 1: a certification is bound to one revision of the draft (its SHA-256); a change voids it
and the filer sees why; submission is refused (409) when the draft differs; the review page shows the hash
the reviewer read beside the hash certified; a submitted draft is read-only until it is returned."""

from __future__ import annotations

import io
import json
import re

from openpyxl import load_workbook
from sqlalchemy import select

from portal.domain.codec import document_from_json, sha256_text
from portal.extensions import db
from portal.models import Certification, VersionRead
from portal.services import filings as filing_service
from portal.services import review as review_service
from portal.services.errors import Conflict
from tests.conftest import login
from tests.helpers import PASSWORD, example_text


def _changed_document(consumption: int = 131):  # type: ignore[no-untyped-def]
    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["fuels"][1]["consumption"] = consumption
    return document_from_json(json.dumps(data))


def test_certify_then_change_the_draft_voids_the_certification_and_submission_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    certified_hash = sha256_text(filing.draft_json)
    login(client, "signatory_a@test.cn")
    # Certify now (password re-entered), submit later.
    response = client.post(f"/filings/{filing.id}/submit",
                           data={"certified": "y", "password": PASSWORD, "action": "certify"})
    assert response.status_code == 302
    cert = db.session.scalar(select(Certification).where(Certification.filing_id == filing.id))
    assert cert.status == "active" and cert.sha256 == certified_hash and cert.revision == filing.revision
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert 'data-testid="certification-active"' in page and certified_hash in page

    # The filer changes the draft after the certification.
    filing_service.save_draft(world.users["filer_a"], filing, _changed_document(), None)
    db.session.commit()
    db.session.refresh(cert)
    assert cert.status == "void" and cert.void_reason == "draft_changed"
    assert cert.voided_by_id == world.users["filer_a"].id and cert.voided_sha256 == sha256_text(filing.draft_json)

    # The filer sees why: when, by whom, which revision.
    client.post("/logout")
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    void = re.search(r'data-testid="certification-void">(.*?)</div>', page, re.S).group(1)
    assert "签署已失效" in void and "filer_a" in void and f"修订 {cert.voided_revision}" in void

    # Submitting the earlier certification is refused with 409 and the reason; nothing is created.
    client.post("/logout")
    login(client, "signatory_a@test.cn")
    refused = client.post(f"/filings/{filing.id}/submit", data={"action": "submit_certified"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "签署已失效" in text and "请重新审阅并签署" in text
    db.session.refresh(filing)
    assert filing.status == "draft" and not filing.versions


def test_submission_is_refused_when_the_draft_no_longer_hashes_to_the_certified_text(world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    cert = filing_service.certify(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    # A change that bypasses the services (raw SQL, another client of the database) is caught by the hash.
    db.session.execute(db.text("UPDATE filing SET draft_json = :t WHERE id = :id"),
                       {"t": filing.draft_json.replace("江西赣峰水泥有限公司", "别的公司"), "id": filing.id})
    db.session.expire(filing)
    try:
        filing_service.submit_certified(world.users["signatory_a"], filing)
    except Conflict as error:
        assert cert.sha256 in error.message_zh and "differs from the certified one" in error.message_en
    else:
        raise AssertionError("a submission of a draft that differs from the certified text was accepted")
    assert filing.current_version == 0


def test_the_version_is_made_from_the_certified_text_and_records_its_certification(world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    cert = filing_service.certify(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    version = filing_service.submit_certified(world.users["signatory_a"], filing)
    assert version.canonical_json == cert.canonical_json and version.sha256 == cert.sha256
    assert cert.status == "submitted" and cert.version_number == 1
    # Without a certification there is nothing to submit.
    filing.status = "returned"  # as after the reviewer's return (the draft is editable again)
    try:
        filing_service.submit_certified(world.users["signatory_a"], filing)
    except Conflict as error:
        assert "尚未签署" in error.message_zh
    else:
        raise AssertionError("submitted without a certification")


def test_the_review_page_shows_the_hash_read_beside_the_hash_certified(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    version = filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    cert = db.session.scalar(select(Certification).where(Certification.filing_id == filing.id))
    db.session.commit()
    login(client, "reviewer_ganzhou@test.cn")
    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    assert "data-record-read" in page  # the page posts the hash it shows once it is drawn (record-read.js)
    assert client.post(f"/review/filings/{filing.id}/versions/1/read", data={"sha256": version.sha256},
                       headers={"Accept": "application/json"}).get_json() == {"ok": True}
    # A hash other than the version's is refused: nothing is recorded.
    wrong = client.post(f"/review/filings/{filing.id}/versions/1/read", data={"sha256": "0" * 64},
                        headers={"Accept": "application/json"})
    assert wrong.status_code == 409
    reads = db.session.scalars(select(VersionRead)).all()
    assert [(r.sha256, r.reader_id) for r in reads] == [(version.sha256, world.users["reviewer_ganzhou"].id)]

    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    binding = re.search(r'data-testid="binding">(.*?)</section>', page, re.S).group(1)
    certified_row = re.search(r'data-testid="certified-hash">(.*?)</tr>', binding, re.S).group(1)
    read_row = re.search(r'data-testid="read-hash"[^>]*>(.*?)</tr>', binding, re.S).group(1)
    assert f"草稿修订 {cert.revision}" in certified_row and cert.sha256 in certified_row and "signatory_a" in certified_row
    assert version.sha256 in read_row and "reviewer_ganzhou" in read_row and "与签署一致" in read_row
    assert "data-record-read" not in page  # read already recorded by this reviewer


def test_a_reviewer_who_read_an_earlier_version_sees_it_differ_from_the_certified_one(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    first = filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    from portal.services import binding

    binding.record_read(world.users["reviewer_jx"], filing, 1, first.sha256)
    review_service.return_filing(world.users["reviewer_jx"], filing, note="请核对 / please check")
    filing_service.save_draft(world.users["filer_a"], filing, _changed_document(140), None)
    second = filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    db.session.commit()
    login(client, "reviewer_jx@test.cn")
    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    binding_html = re.search(r'data-testid="binding">(.*?)</section>', page, re.S).group(1)
    assert second.sha256 in re.search(r'data-testid="certified-hash">(.*?)</tr>', binding_html, re.S).group(1)
    read_row = re.search(r'data-testid="read-hash"[^>]*>(.*?)</tr>', binding_html, re.S).group(1)
    assert first.sha256 in read_row and "版本 1" in read_row and "其他版本" in read_row
    assert first.sha256 != second.sha256


def test_a_submitted_draft_is_read_only_everywhere_until_it_is_returned(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    db.session.commit()
    revision = filing.revision
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert 'data-testid="draft-locked"' in page and "草稿为只读" in page
    assert f"/filings/{filing.id}/json\"" not in page  # no JSON editor button
    # The JSON editor
    response = client.post(f"/filings/{filing.id}/json", data={"document": example_text("ghg-jx-cement-2024.json"),
                                                                "revision": str(revision)})
    assert response.status_code == 409 and "草稿为只读" in response.get_data(as_text=True)
    # A section form
    form = client.get(f"/filings/{filing.id}/edit/fuels").get_data(as_text=True)
    assert 'data-testid="draft-locked"' in form
    saved = client.post(f"/filings/{filing.id}/edit/fuels", data={"revision": str(revision)})
    assert saved.status_code == 409 and "草稿为只读" in saved.get_data(as_text=True)
    # The explanations
    client.post(f"/filings/{filing.id}/explanations", data={"revision": str(revision), "explain:GHG-004": "x"})
    # The workbook import
    from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
    from portal.services.imports import import_workbook
    from portal.services.reference import current_reference

    workbook = render_upload_workbook("ghg_annual_report", [_changed_document()],
                                      code_lists=code_lists_from_reference(current_reference()))
    outcome = import_workbook(world.users["filer_a"], workbook, "a.xlsx")
    assert not outcome.ok and any("只读" in e.message_zh for e in outcome.errors)
    assert load_workbook(io.BytesIO(outcome.error_workbook)) is not None
    # The API
    from portal.services import tokens

    _row, token = tokens.issue(world.users["filer_a"], world.users["filer_a"], name="t", scope="write", days=1)
    db.session.commit()
    api = client.put(f"/api/v1/filings/{filing.id}/draft", data=example_text("ghg-jx-cement-2024.json"),
                     content_type="application/json",
                     headers={"Authorization": f"Bearer {token}", "If-Match": str(revision)})
    assert api.status_code == 409 and "read-only" in api.get_json()["detail_en"]
    db.session.refresh(filing)
    assert filing.revision == revision  # nothing changed
    # Returned: editable again.
    review_service.return_filing(world.users["reviewer_jx"], filing, note="请核对 / please check")
    filing_service.save_draft(world.users["filer_a"], filing, _changed_document(), None)
    assert filing.status == "returned"
