"""One line cap per list (5,000 fuel lines, ``domain/common.py`` MAX_LINES) in every channel (issue 19 item 5).

The API's refusal is in test_api_v1.py; here the web form, the editor's add button and the workbook import.
"""

from __future__ import annotations

import dataclasses
import re

from werkzeug.datastructures import MultiDict

from portal.domain.codec import document_from_json
from portal.domain.common import MAX_LINES
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.services.imports import import_workbook
from tests.conftest import login
from tests.helpers import example_text

GHG = document_from_json(example_text("ghg-jx-cement-2024.json"))


def _rows(count: int) -> MultiDict:
    data: MultiDict = MultiDict()
    for index in range(count):
        data.add(f"fuels-{index}-source", f"S{index}")
        data.add(f"fuels-{index}-fuel", "bituminous")
        data.add(f"fuels-{index}-consumption", "1")
    return data


def test_the_form_refuses_one_line_past_the_cap_naming_it(client, world) -> None:  # type: ignore[no-untyped-def]
    assert MAX_LINES == 5000
    login(client, "filer_a@test.cn")
    data = _rows(MAX_LINES + 1)
    data["revision"] = str(world.filing_a.revision)
    response = client.post(f"/filings/{world.filing_a.id}/edit/fuels", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "最多 5,000 行（共 5,001 行）" in page


def test_the_editor_offers_no_row_past_the_cap(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}/edit/fuels").get_data(as_text=True)
    button = re.search(r'<button[^>]*data-add-row="fuels"[^>]*>', page).group(0)
    assert 'data-max-rows="5000"' in button and "disabled" not in button
    assert "最多 5,000 行" in page


def test_the_workbook_import_refuses_one_line_past_the_cap(world) -> None:  # type: ignore[no-untyped-def]
    line = GHG.fuels[0]
    document = dataclasses.replace(GHG, fuels=[dataclasses.replace(line, source=f"S{i}") for i in range(MAX_LINES + 1)])
    data = render_upload_workbook(document.kind, [document], code_lists=code_lists_from_reference(default_reference()))
    outcome = import_workbook(world.users["filer_a"], data, "many.xlsx")
    assert not outcome.ok
    assert any("5,000" in str(error) and "5,001" in str(error) for error in outcome.errors), outcome.errors[:3]
