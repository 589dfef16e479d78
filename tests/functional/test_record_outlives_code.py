"""Issue 15 item 5: a submitted version renders from its frozen record forever; recomputing is the
reviewer's separate "what would today's rules say" view, labelled as not the record."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import portal.calc.ghg as ghg_calc
from portal.calc.record import RecordFormatError, dump_record, load_record
from portal.extensions import db
from portal.models import FilingVersion, ImmutableRecordError, VersionRecord
from portal.services import exports, records
from portal.services import filings as filing_service
from portal.services import reference as reference_service
from tests.conftest import login
from tests.helpers import PASSWORD

EXAMPLE_TOTAL = "1,067,866"  # shared/examples/README.md


def _text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              check=True, text=True).stdout


@pytest.fixture()
def version(world):  # type: ignore[no-untyped-def]
    return filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)


def _change_the_code_and_the_reference(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A calc formula: the CO2/C ratio of EF = CC × OF × 44/12 becomes 44/11.
    monkeypatch.setattr(ghg_calc, "CO2_PER_C", Decimal(44) / Decimal(11))
    # A reference value: the administrator corrects diesel's default NCV in the enterprise's edition.
    ref = reference_service.current_reference()
    reference_service.correct(world.users["admin"], target="fuel", code="diesel", scope=ref.fuel_edition("3011"),
                              field="ncv", value="50.0", status="C", reason="test: a later guideline")


def test_an_old_version_renders_the_same_text_after_the_code_and_the_reference_change(world, version, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = _text(exports.render_version_file(version, "pdf").content)
    assert EXAMPLE_TOTAL in before and version.sha256 in before
    _change_the_code_and_the_reference(world, monkeypatch)
    # Today's code really gives other figures now…
    today = records.today_view(version)
    assert any(f.path == "total_tco2" for f in today.figures)
    # …and the version still prints, byte for byte, the text it printed at submission.
    after = _text(exports.render_version_file(version, "pdf").content)
    assert after == before
    assert EXAMPLE_TOTAL in after


def test_the_today_view_shows_the_differences_and_says_it_is_not_the_record(client, world, version, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    login(client, "reviewer_jx@test.cn")
    same = client.get(f"/review/filings/{world.filing_a.id}/versions/1/today").get_data(as_text=True)
    assert 'data-testid="figures-same"' in same and 'data-testid="not-the-record"' in same
    _change_the_code_and_the_reference(world, monkeypatch)
    db.session.commit()
    page = client.get(f"/review/filings/{world.filing_a.id}/versions/1/today").get_data(as_text=True)
    assert "这不是存档记录" in page
    diff = page.split('data-testid="figure-diff"', 1)[1].split("</table>", 1)[0]
    recorded = json.loads(version.computed_json)
    assert "total_tco2" in diff and f"{int(recorded['total_tco2']):,}" in diff
    # The record itself did not move: the version page and the stored results are as submitted.
    assert json.loads(db.session.get(FilingVersion, version.id).computed_json) == recorded
    # Filers do not get the view: it is the reviewer's.
    client.post("/logout")
    login(client, "filer_a@test.cn")
    assert client.get(f"/review/filings/{world.filing_a.id}/versions/1/today").status_code == 404


def test_the_record_round_trips_exactly_and_is_immutable(version) -> None:  # type: ignore[no-untyped-def]
    row = db.session.get(VersionRecord, version.id)
    record = load_record(row.record_json)
    assert dump_record(record) == row.record_json  # nothing lost or reordered
    assert record.computed.total_tco2 == Decimal(1067866)
    assert record.computed.fuels[0].arithmetic and record.labels["fuel"]["diesel"].zh
    assert record.filing_date == version.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert record.template_version == "v2" and record.reference["corrections_through"] == 0
    with pytest.raises(ImmutableRecordError), db.session.begin_nested():
        row.origin = "backfill"
        db.session.flush()
    # A record naming a field the result classes no longer have is refused, not silently shortened.
    data = json.loads(row.record_json)
    data["computed"]["retired_field"] = {"$decimal": "1"}
    with pytest.raises(RecordFormatError):
        load_record(json.dumps(data))


def test_a_version_without_a_record_renders_as_before_and_can_be_backfilled(app, world, version) -> None:  # type: ignore[no-untyped-def]
    # As a version submitted before records existed: the same version row, without its record.
    legacy = FilingVersion(filing_id=world.filing_a.id, number=2, canonical_json=version.canonical_json,
                           sha256=version.sha256, computed_json=version.computed_json,
                           findings_json=version.findings_json, rules_version=version.rules_version,
                           certified_by_id=version.certified_by_id,
                           certification_statement=version.certification_statement,
                           submitted_at=version.submitted_at)
    db.session.add(legacy)
    db.session.flush()
    inputs = records.render_inputs(legacy)
    assert inputs.frozen is False and inputs.computed.total_tco2 == Decimal(1067866)
    result = app.test_cli_runner().invoke(args=["records", "backfill"])  # portal records backfill
    assert result.exit_code == 0 and "froze the record of 1 version(s)" in result.output
    row = db.session.scalar(select(VersionRecord).where(VersionRecord.version_id == legacy.id))
    assert row.origin == "backfill" and records.render_inputs(legacy).frozen is True
