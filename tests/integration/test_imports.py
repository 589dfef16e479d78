"""``services.imports.import_workbook`` on the real database: all or nothing, idempotent, permissions."""

from __future__ import annotations

import dataclasses
import io
import json
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import AuditEntry, Filing, ImportRecord
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.services.imports import import_workbook
from tests.helpers import USCC_A, USCC_B, example_text

GHG = document_from_json(example_text("ghg-jx-cement-2024.json"))
CPA = document_from_json(example_text("cpa-jx-cement-2023.json"))


def _workbook(*documents) -> bytes:  # type: ignore[no-untyped-def]
    return render_upload_workbook(documents[0].kind, list(documents),
                                  code_lists=code_lists_from_reference(default_reference()))


def _for(document, uscc: str, year: int | None = None):  # type: ignore[no-untyped-def]
    changed = dataclasses.replace(document, enterprise=dataclasses.replace(document.enterprise, uscc=uscc))
    return dataclasses.replace(changed, reporting_year=year) if year else changed


def _filings() -> int:
    return db.session.scalar(select(func.count()).select_from(Filing))


def test_import_creates_and_updates_drafts_and_reports_progress(world) -> None:  # type: ignore[no-untyped-def]
    changed = dataclasses.replace(GHG, co2_recovered_t=Decimal("12.3"))  # 2024 draft of A exists: updated
    new_year = _for(GHG, USCC_A, 2023)  # no 2023 filing yet: created
    stages: list[tuple[str, int, int]] = []
    outcome = import_workbook(world.users["filer_a"], _workbook(changed, new_year), "a.xlsx",
                              progress=lambda *a: stages.append(a))
    assert outcome.ok, outcome.errors
    created = next(f for f in outcome.filings if f[4] == "created")
    assert created[1:] == (USCC_A, 2023, "ghg_annual_report", "created")
    assert (world.filing_a.id, USCC_A, 2024, "ghg_annual_report", "updated") in outcome.filings
    assert document_from_json(world.filing_a.draft_json).co2_recovered_t == Decimal("12.3")
    assert canonical_json(document_from_json(db.session.get(Filing, created[0]).draft_json)) == canonical_json(new_year)
    assert ("validated", 2, 2) in stages and stages[-1] == ("stored", 2, 2) and stages[0][0] == "parsed"
    record = db.session.get(ImportRecord, outcome.record_id)
    assert (record.outcome, record.created, record.updated, record.actor_id) == ("imported", 1, 1, world.users["filer_a"].id)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import.workbook")) == 1


def test_same_file_twice_is_idempotent(world) -> None:  # type: ignore[no-untyped-def]
    data = _workbook(_for(GHG, USCC_A, 2022))
    first = import_workbook(world.users["filer_a"], data, "a.xlsx")
    count = _filings()
    drafts = {f.id: f.draft_json for f in db.session.scalars(select(Filing))}
    second = import_workbook(world.users["filer_a"], data, "a-again.xlsx")
    assert first.ok and second.ok
    assert second.duplicate_of == first.record_id and second.filings == []
    assert "已于" in second.message_zh and "already imported" in second.message_en
    assert _filings() == count
    assert {f.id: f.draft_json for f in db.session.scalars(select(Filing))} == drafts
    assert db.session.get(ImportRecord, second.record_id).outcome == "duplicate"


def test_one_bad_cell_stores_nothing_and_returns_the_annotated_workbook(world) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(_workbook(_for(GHG, USCC_A, 2021), _for(GHG, USCC_A, 2020))))
    ws = book["化石燃料燃烧"]
    header = [c.value.split("\n")[1] for c in ws[1]]
    ws.cell(row=3, column=header.index("consumption") + 1, value="十二")  # not a number
    out = io.BytesIO()
    book.save(out)
    before = _filings()
    outcome = import_workbook(world.users["filer_a"], out.getvalue(), "bad.xlsx")
    assert not outcome.ok and _filings() == before
    assert [(e.sheet, e.row, e.column) for e in outcome.errors] == [("化石燃料燃烧", 3, header.index("consumption") + 1)]
    annotated = load_workbook(io.BytesIO(outcome.error_workbook))
    assert annotated.sheetnames[0] == "错误汇总"
    ws = annotated["化石燃料燃烧"]
    bad = ws.cell(row=3, column=header.index("consumption") + 1)
    assert bad.value == "十二" and bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "应为数值" in bad.comment.text and "expected a number" in bad.comment.text
    assert ws.cell(row=1, column=ws.max_column).value.endswith("_errors")
    assert "应为数值" in ws.cell(row=3, column=ws.max_column).value
    summary = annotated["错误汇总"]
    assert summary.cell(row=3, column=1).value == "化石燃料燃烧" and summary.cell(row=3, column=3).value.startswith("应为数值")
    # the filer corrects the very same workbook and uploads it again: it succeeds
    ws.cell(row=3, column=header.index("consumption") + 1, value=12)
    fixed = io.BytesIO()
    annotated.save(fixed)
    again = import_workbook(world.users["filer_a"], fixed.getvalue(), "fixed.xlsx")
    assert again.ok, [e.describe() for e in again.errors]
    assert len(again.filings) == 2 and _filings() == before + 2


def test_enterprises_not_yours_or_unknown_are_row_errors_without_revealing_which(world) -> None:  # type: ignore[no-untyped-def]
    unknown = "91360700MA38P2K60J"
    data = _workbook(_for(GHG, USCC_A, 2019), _for(GHG, USCC_B, 2019), _for(GHG, unknown, 2019))
    outcome = import_workbook(world.users["filer_a"], data, "mixed.xlsx")
    assert not outcome.ok
    rows = {(e.sheet, e.row): e.message_zh for e in outcome.errors}
    assert set(rows) == {("基本信息", 3), ("基本信息", 4)}
    assert rows[("基本信息", 3)].replace(USCC_B, "X") == rows[("基本信息", 4)].replace(unknown, "X")
    assert db.session.scalar(select(Filing).where(Filing.year == 2019)) is None
    # an administrator may import for any registered enterprise
    admin = import_workbook(world.users["admin"], _workbook(_for(GHG, USCC_B, 2019)), "b.xlsx")
    assert admin.ok and admin.filings[0][1:3] == (USCC_B, 2019)


def test_audit_round_trip_through_the_database(world) -> None:  # type: ignore[no-untyped-def]
    outcome = import_workbook(world.users["signatory_a"], _workbook(CPA), "cpa.xlsx")
    assert outcome.ok, [e.describe() for e in outcome.errors]
    (filing_id, uscc, year, kind, action) = outcome.filings[0]
    assert (uscc, kind, action) == (USCC_A, "clean_production_audit", "created")
    assert db.session.get(Filing, filing_id).draft_json == canonical_json(CPA)
    assert json.loads(db.session.get(ImportRecord, outcome.record_id).result_json)[0][0] == filing_id


def test_hostile_file_is_refused_and_recorded(world) -> None:  # type: ignore[no-untyped-def]
    outcome = import_workbook(world.users["filer_a"], b"not a workbook at all", "x.xlsx")
    assert not outcome.ok and outcome.error_workbook is None
    assert "不是 Excel 工作簿" in outcome.message_zh and "not an Excel workbook" in outcome.message_en
    assert db.session.get(ImportRecord, outcome.record_id).outcome == "refused"


def test_portal_import_command(app, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from portal.cli import import_command

    good = tmp_path / "good.xlsx"
    good.write_bytes(_workbook(_for(GHG, USCC_A, 2018)))
    runner = app.test_cli_runner()
    result = runner.invoke(import_command, [str(good), "--as", "filer_a@test.cn"])
    assert result.exit_code == 0, result.output
    assert "created" in result.output and "2018" in result.output
    assert db.session.scalar(select(Filing).where(Filing.year == 2018)) is not None
    theirs = tmp_path / "theirs.xlsx"
    theirs.write_bytes(_workbook(_for(GHG, USCC_B, 2018)))
    result = runner.invoke(import_command, [str(theirs), "--as", "filer_a@test.cn"])
    assert result.exit_code == 1 and (tmp_path / "theirs.errors.xlsx").exists()
    assert runner.invoke(import_command, [str(good), "--as", "ghost@test.cn"]).exit_code == 2
