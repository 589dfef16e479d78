"""Errors block submission; warnings need the filer's explanation; the explanation travels with the finding."""

from __future__ import annotations

import json

from portal.domain.codec import document_from_json
from portal.extensions import db
from portal.services import filings
from tests.conftest import PASSWORD, login
from tests.helpers import example_text


def _with_warning(world) -> str:  # type: ignore[no-untyped-def]
    """Store a draft whose diesel NCV is implausible (GHG-004 warning) and return the finding key."""
    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["fuels"][1]["ncv"] = 60  # diesel default 42.652 GJ/t; ±25 % band → 31.99–53.32
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    db.session.commit()
    return "GHG-004@fuels[1].ncv"


def test_warning_blocks_until_explained_then_submits(client, world) -> None:  # type: ignore[no-untyped-def]
    key = _with_warning(world)
    login(client, "signatory_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert "GHG-004" in page and f'name="explain:{key}"' in page
    refused = client.post(f"/filings/{world.filing_a.id}/submit", data={"certified": "y", "password": PASSWORD})
    assert refused.status_code == 200 and "需要填写情况说明" in refused.get_data(as_text=True)
    assert world.filing_a.status == "draft"

    client.post(f"/filings/{world.filing_a.id}/explanations",
                data={"revision": str(world.filing_a.revision), f"explain:{key}": "柴油为外购高热值批次，已附化验单。"})
    done = client.post(f"/filings/{world.filing_a.id}/submit", data={"certified": "y", "password": PASSWORD})
    assert done.status_code == 302, done.get_data(as_text=True)[:400]
    version = world.filing_a.versions[-1]
    stored = json.loads(version.findings_json)
    warning = next(f for f in stored if f["rule"] == "GHG-004")
    assert warning["explained"] is True and warning["path"] == "fuels[1].ncv"
    assert json.loads(version.canonical_json)["explanations"][key] == "柴油为外购高热值批次，已附化验单。"
    assert version.rules_version == "v1"
    shown = client.get(f"/filings/{world.filing_a.id}/versions/{version.number}").get_data(as_text=True)
    assert "柴油为外购高热值批次" in shown


def test_blank_explanations_do_not_count(client, world) -> None:  # type: ignore[no-untyped-def]
    key = _with_warning(world)
    login(client, "filer_a@test.cn")
    client.post(f"/filings/{world.filing_a.id}/explanations",
                data={"revision": str(world.filing_a.revision), f"explain:{key}": "   "})
    assert filings.draft_document(world.filing_a).explanations == {}


def test_an_error_cannot_be_submitted_even_with_an_explanation(client, world) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["fuels"][0]["consumption"] = -5  # GHG-002: consumption must be > 0
    data["explanations"] = {"GHG-002@fuels[0].consumption": "录入错误"}
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    db.session.commit()
    login(client, "signatory_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}/submit").get_data(as_text=True)
    assert "disabled" in page
    response = client.post(f"/filings/{world.filing_a.id}/submit", data={"certified": "y", "password": PASSWORD})
    assert "个错误必须先改正" in response.get_data(as_text=True)
    assert world.filing_a.versions == []


def test_json_editor_keeps_typed_text_and_names_the_bad_field(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    text = example_text("ghg-jx-cement-2024.json").replace('"consumption": 120', '"consumption": "120"')
    response = client.post(f"/filings/{world.filing_a.id}/json",
                           data={"document": text, "revision": str(world.filing_a.revision)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # the place in words, as the filing page names it (issue 20 item 5: no raw keys)
    assert "化石燃料燃烧 第2行 消耗量：应为数值" in page and "fuels[1].consumption" not in page
    assert "&#34;consumption&#34;: &#34;120&#34;" in page or '"consumption": "120"' in page


# -- issue 15: the 2,000-character cap, told in the form; stale explanations, named and removable ----------


def test_the_form_tells_the_limit_and_a_longer_explanation_is_refused_with_the_schema_message(client, world) -> None:  # type: ignore[no-untyped-def]
    key = _with_warning(world)
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert 'maxlength="2000"' in page and "每条说明不超过 2000 字" in page and "char-counter.js" in page
    revision = world.filing_a.revision
    client.post(f"/filings/{world.filing_a.id}/explanations",
                data={"revision": str(revision), f"explain:{key}": "说" * 2001})
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    # The schema's own message (portal/domain/schema.check_value), naming the explanation.
    assert "GHG-004：情况说明不能超过 2000 个字符（填写了 2001 个）" in page
    db.session.refresh(world.filing_a)
    assert world.filing_a.revision == revision  # nothing stored
    client.post(f"/filings/{world.filing_a.id}/explanations",
                data={"revision": str(revision), f"explain:{key}": "说" * 2000})
    db.session.refresh(world.filing_a)
    assert filings.draft_document(world.filing_a).explanations[key] == "说" * 2000


def test_a_stale_explanation_is_named_by_its_rule_and_field_printed_so_and_removable(client, world) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import tempfile
    from pathlib import Path

    from tests.helpers import draft_pdf

    # An explanation for a warning that no longer fires (the diesel NCV was corrected since).
    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["explanations"] = {"GHG-004@fuels[1].ncv": "柴油热值按供应商化验单填报"}
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    db.session.commit()
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    block = page.split('data-testid="stale-explanations"', 1)[1].split("</div>\n      {% endif %}", 1)[0]
    from portal.rules import get_rule

    title = get_rule("GHG-004").title_zh
    assert title in block and "（GHG-004）" in block
    assert "化石燃料燃烧 第2行" in block and "柴油热值按供应商化验单填报" in block
    # The PDF prints it under the rule's title and the field in words, never the raw key.
    pdf = draft_pdf(client, world.filing_a.id).data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              check=True, text=True).stdout
    assert "柴油热值按供应商化验单填报" in text and "GHG-004@fuels[1].ncv" not in text
    assert title[:6] in text.replace("\n", "")
    # Removed by the filer.
    client.post(f"/filings/{world.filing_a.id}/explanations",
                data={"revision": str(world.filing_a.revision), "remove": "GHG-004@fuels[1].ncv"})
    db.session.refresh(world.filing_a)
    assert filings.draft_document(world.filing_a).explanations == {}
    assert 'data-testid="stale-explanations"' not in client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)


def test_a_rejected_explanation_is_shown_to_the_filer_with_the_verdict_and_the_comment(client, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 item 7: the filer sees 不认可, who decided and the reviewer's comment beside the explanation."""
    from portal.services import review

    key = _with_warning(world)
    login(client, "signatory_a@test.cn")
    client.post(f"/filings/{world.filing_a.id}/explanations",
                data={"revision": str(world.filing_a.revision), f"explain:{key}": "柴油为外购高热值批次。"})
    assert client.post(f"/filings/{world.filing_a.id}/submit",
                       data={"certified": "y", "password": PASSWORD}).status_code == 302
    reviewer = world.users["reviewer_jx"]
    review.set_verdict(reviewer, world.filing_a, key, "rejected")
    review.add_comment(reviewer, world.filing_a, target_type="finding", target=key, visibility="filer",
                       body="请附化验单编号")
    review.add_comment(reviewer, world.filing_a, target_type="finding", target=key, visibility="internal",
                       body="内部备注不给企业看")
    review.return_filing(reviewer, world.filing_a)
    db.session.commit()
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    block = page[page.index(f'data-testid="verdict-{key}"') - 2000:page.index(f'data-testid="verdict-{key}"') + 1500]
    assert "柴油为外购高热值批次。" in block and "审核人不认可此说明" in block
    assert reviewer.name in block and "请附化验单编号" in block
    assert "内部备注不给企业看" not in page
