"""The verification checklist, the targets of evidence and 不符合项, the verifier predicate, the printed totals."""

from __future__ import annotations

import datetime as dt

from portal.auth.permissions import can_verify
from portal.domain.codec import document_from_json
from portal.domain.verification import (
    CHECKLIST_KEYS,
    field_targets,
    line_targets,
    section_targets,
    target_label,
)
from portal.renderers.meta import AttachmentLine, VerificationStatement
from portal.services.verification import Totals
from tests.helpers import example_text


def test_the_checklist_follows_the_guideline() -> None:
    assert CHECKLIST_KEYS == ("boundary", "activity_data", "parameters", "production", "permit_report")


def test_targets_are_labelled_by_the_document_model() -> None:
    document = document_from_json(example_text("ghg-jx-cement-2024.json"))
    lines = {t.path: t.label.zh for t in line_targets(document)}
    assert lines["fuels[0]"] == "化石燃料燃烧 · 第1行" and lines["products[0]"] == "产品 · 第1行"
    assert ("fuels", "化石燃料燃烧") in {(t.path, t.label.zh) for t in section_targets(document.kind)}
    fields = {t.path: t.label for t in field_targets(document)}
    assert fields["fuels[0].ncv"].zh == "化石燃料燃烧 · 第1行 · 低位发热量（实测）"
    assert fields["fuels[0].consumption"].en == "Fuel combustion · row 1 · Consumption"
    assert target_label(document, "filing", "").zh == "整份申报"
    assert target_label(document, "line", "fuels[9]").zh == "fuels[9]"  # unknown: shown as it is


def test_a_verifier_verifies_only_for_the_engaged_body() -> None:
    assert can_verify(7, 7)
    assert not can_verify(7, 8)
    assert not can_verify(None, None)  # no body, no engagement: never
    assert not can_verify(7, None)


def test_totals_and_their_difference() -> None:
    # 136,692 reported, 135,492 verified: −1,200 t, −1,200 / 136,692 = −0.8779 % → −0.9 %
    totals = Totals(136_692, 135_492)
    assert totals.difference == -1200 and totals.percent == "−0.9%"
    assert Totals(1000, 1015).percent == "+1.5%"
    assert Totals(None, 5).difference is None and Totals(0, 5).percent is None


def test_the_printed_statement() -> None:
    moment = dt.datetime(2025, 4, 1, 2, 30, tzinfo=dt.UTC)
    statement = VerificationStatement(body="赣江核查中心", verifier="李工", concluded_at=moment, accepted_by="审核员",
                                      accepted_at=moment, version=2, reported_tco2=136_692, verified_tco2=135_492,
                                      conclusion="基本符合")
    assert statement.reported_text == "136,692" and statement.verified_text == "135,492"
    assert statement.difference_text == "-1,200（-0.9%）"
    assert statement.concluded_at_text.startswith("2025-04-01 10:30")  # China time
    line = AttachmentLine("lab.pdf", "a" * 64, 2048, "化石燃料燃烧 · 第1行", "王敏", moment)
    assert line.size_text == "2.0 KB"
