"""The bulk import's speed-ups keep its behaviour: the collector is restored, updates store the same text."""

from __future__ import annotations

import dataclasses
import gc
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import AuditEntry
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.services.imports import import_workbook
from tests.helpers import example_text

GHG = document_from_json(example_text("ghg-jx-cement-2024.json"))


def _workbook(document) -> bytes:  # type: ignore[no-untyped-def]
    return render_upload_workbook(document.kind, [document], code_lists=code_lists_from_reference(default_reference()))


def test_collector_is_paused_during_an_import_and_restored_after(world) -> None:  # type: ignore[no-untyped-def]
    seen: list[bool] = []
    outcome = import_workbook(world.users["filer_a"], _workbook(GHG), "a.xlsx",
                              progress=lambda *_: seen.append(gc.isenabled()))
    assert outcome.ok, outcome.errors
    assert seen and not any(seen)  # paused at every stage reported
    assert gc.isenabled()
    assert not import_workbook(world.users["filer_a"], b"not a workbook", "b.xlsx").ok  # refused early
    assert gc.isenabled()


def test_collector_is_restored_when_an_import_fails(world) -> None:  # type: ignore[no-untyped-def]
    def broken(*_: object) -> None:
        raise RuntimeError("progress store down")

    with pytest.raises(RuntimeError):
        import_workbook(world.users["filer_a"], _workbook(GHG), "a.xlsx", progress=broken)
    assert gc.isenabled()


def test_collector_left_off_stays_off(world) -> None:  # type: ignore[no-untyped-def]
    gc.disable()  # someone else's choice: an import must not turn the collector on behind their back
    try:
        assert import_workbook(world.users["filer_a"], _workbook(GHG), "a.xlsx").ok
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_updated_draft_stores_the_canonical_json_once_computed(world) -> None:  # type: ignore[no-untyped-def]
    changed = dataclasses.replace(GHG, co2_recovered_t=Decimal("12.3"))  # the 2024 draft of A exists
    outcome = import_workbook(world.users["filer_a"], _workbook(changed), "a.xlsx")
    assert outcome.ok, outcome.errors
    assert [f[4] for f in outcome.filings] == ["updated"]
    assert world.filing_a.draft_json == canonical_json(changed)
    saved = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "filing.save_draft",
                                                        AuditEntry.entity_id == world.filing_a.id)).all()
    assert len(saved) == 1 and '"co2_recovered_t"' in (saved[0].before_json or "")


def test_created_drafts_are_audited_in_one_insert(world) -> None:  # type: ignore[no-untyped-def]
    documents = [dataclasses.replace(GHG, reporting_year=year) for year in (2021, 2022)]  # no filing yet
    data = render_upload_workbook(GHG.kind, documents, code_lists=code_lists_from_reference(default_reference()))
    outcome = import_workbook(world.users["filer_a"], data, "a.xlsx")
    assert outcome.ok, outcome.errors
    created = sorted(f[0] for f in outcome.filings if f[4] == "created")
    assert len(created) == 2
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "filing.create",
                                                          AuditEntry.entity_id.in_(created))
                                 .order_by(AuditEntry.entity_id)).all()
    assert [(e.entity_type, e.entity_id, e.actor_id, e.before_json, e.after_json) for e in entries] == [
        ("filing", created[0], world.users["filer_a"].id, None, '{"kind":"ghg_annual_report","via":"import","year":2021}'),
        ("filing", created[1], world.users["filer_a"].id, None, '{"kind":"ghg_annual_report","via":"import","year":2022}'),
    ]
    assert all(e.at is not None for e in entries)
