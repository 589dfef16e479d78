"""One table of bad values, run through every input path: the section form, the upload workbook, the API
and ``portal check`` — each refuses the value with the same message (issue 20 items 2 and 3).

The messages are the schema's (``portal.domain.schema.bounds_message``): the field's label, the bounds of
``documents.py`` and the value as typed, grouped the same way whichever channel it came through.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from portal.checking_cli import run_check
from portal.domain.codec import canonical_json, document_from_json, dumps, loads
from portal.extensions import db
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.services import filings as filing_service
from portal.services import tokens
from portal.services.imports import import_workbook
from tests.conftest import login
from tests.helpers import example_text

EXAMPLE = "ghg-jx-cement-2024.json"

#: (id, section slug, document path, JSON value, what a filer types into the form, the message)
BAD_VALUES: list[tuple[str, str, str, Any, str, str]] = [
    ("negative consumption", "fuels", "fuels[1].consumption", -5, "-5",
     "消耗量应大于 0 且不大于 1,000,000,000（填报 -5）"),
    ("oxidation rate above one", "fuels", "fuels[0].oxidation_rate", Decimal("1.5"), "1.5",
     "碳氧化率应大于 0 且不大于 1（填报 1.5）"),
    ("implausible coal", "fuels", "fuels[0].consumption", Decimal("1E26"), "100000000000000000000000000",
     "消耗量应大于 0 且不大于 1,000,000,000（填报 1E+26）"),
    ("absurd electricity", "energy", "electricity.purchased_mwh", Decimal("1E30"),
     "1" + "0" * 30, "购入电量应不小于 0 且不大于 1,000,000,000（填报 1E+30）"),
    ("negative sulfur", "fuels", "fuels[0].sulfur_pct", Decimal("-0.1"), "-0.1",
     "收到基全硫应不小于 0 且不大于 100（填报 -0.1）"),
    ("sulfur above 100 %", "fuels", "fuels[0].sulfur_pct", 101, "101",
     "收到基全硫应不小于 0 且不大于 100（填报 101）"),
]

_PATH = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    node: Any = data
    parts = path.split(".")
    for i, part in enumerate(parts):
        m = _PATH.fullmatch(part)
        assert m is not None
        name, index = m.group(1), m.group(2)
        last = i == len(parts) - 1
        if index is None:
            if last:
                node[name] = value
            else:
                node = node[name]
        elif last:
            node[name][int(index)] = value
        else:
            node = node[name][int(index)]


def _modified(path: str, value: Any) -> dict[str, Any]:
    data = loads(example_text(EXAMPLE))
    _set(data, path, value)
    return data


# ------------------------------------------------------------------------------------------- form


def _form_fields(value: Any, prefix: str, out: MultiDict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _form_fields(item, f"{prefix}-{key}" if prefix else key, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for index, row in enumerate(value):
            _form_fields(row, f"{prefix}-{index}", out)
    elif value is True:
        out.add(prefix, "y")
    elif isinstance(value, list):
        for item in value:
            out.add(prefix, str(item))
    elif value is not None and value is not False:
        out.add(prefix, str(value))


def _form_refusal(client, world, slug: str, path: str, typed: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the error messages the section form shows for ``typed`` at ``path`` (nothing saved)."""
    document = loads(example_text(EXAMPLE))
    section = {"fuels": ("fuels",), "energy": ("electricity", "heat", "co2_recovered_t"),
               "profile": ("enterprise",)}[slug]
    data = MultiDict()
    for attr in section:
        _form_fields(document[attr], attr, data)
    name = path.replace("].", "-").replace("[", "-").replace(".", "-")
    data.setlist(name, [typed])
    url = f"/filings/{world.filing_a.id}/edit/{slug}"
    page = client.get(url).get_data(as_text=True)
    data["revision"] = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    data["action"] = "save"
    response = client.post(url, data=data)
    assert response.status_code == 422, f"the form accepted {typed!r} at {path}"
    return [unescape(m) for m in re.findall(r'class="invalid-feedback d-block" id="[^"]*-err">(.*?)<', response.get_data(as_text=True))]


# --------------------------------------------------------------------------------------- workbook


def _workbook_with(path: str, value: Any) -> bytes:
    """Return the upload workbook of the example with ``value`` typed into the cell of ``path``."""
    document = document_from_json(example_text(EXAMPLE))
    data = render_upload_workbook(document.kind, [document], code_lists=code_lists_from_reference(default_reference()))
    book = load_workbook(io.BytesIO(data))
    m = re.fullmatch(r"([a-z_]+)\[(\d+)\]\.([a-z_]+)|([a-z_]+)\.([a-z_]+)", path)
    assert m is not None
    if m.group(1):
        sheet = {"fuels": "化石燃料燃烧"}[m.group(1)]
        row, code = 2 + int(m.group(2)), m.group(3)
    else:
        sheet, row, code = "电力", 2, f"{m.group(4)}.{m.group(5)}"
    ws = book[sheet]
    header = [str(c.value).split("\n")[1] for c in ws[1]]
    ws.cell(row=row, column=header.index(code) + 1, value=float(value) if isinstance(value, Decimal) else value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -------------------------------------------------------------------------------------------- API


def _api_refusal(client, world, path: str, value: Any) -> list[str]:  # type: ignore[no-untyped-def]
    user = world.users["filer_a"]
    token = tokens.issue(user, user, name="bad values", scope="write")[1]
    db.session.commit()
    response = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=dumps(_modified(path, value)),
                          content_type="application/json",
                          headers={"Authorization": f"Bearer {token}", "If-Match": f'"{world.filing_a.revision}"'})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"  # RFC 9457 (issue 19)
    problem = response.get_json()
    return [problem["detail_zh"], *(e["message_zh"] for e in problem.get("errors", []))]


@pytest.mark.parametrize(("slug", "path", "value", "typed", "message"),
                         [row[1:] for row in BAD_VALUES], ids=[row[0] for row in BAD_VALUES])
def test_every_path_refuses_the_value_with_the_same_message(client, world, capsys, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            slug: str, path: str, value: Any, typed: str,
                                                            message: str) -> None:
    before = world.filing_a.draft_json
    login(client, "filer_a@test.cn")
    # the form
    assert message in _form_refusal(client, world, slug, path, typed)
    # the workbook (the upload page's service): refused, the message at the cell
    outcome = import_workbook(world.users["filer_a"], _workbook_with(path, value), "bad.xlsx")
    assert not outcome.ok
    assert message in [e.message_zh for e in outcome.errors], [e.describe() for e in outcome.errors]
    # the API
    assert message in _api_refusal(client, world, path, value)
    db.session.refresh(world.filing_a)
    assert world.filing_a.draft_json == before
    # portal check of the JSON document: the same words, as the finding of the rule that reports the range
    # (GHG-002/GHG-003) or as the refusal of a value no rule reports
    file = tmp_path / "bad.json"
    file.write_text(dumps(_modified(path, value)))
    run_check([file], None, False)
    out = capsys.readouterr()
    assert message in out.out + out.err


# ------------------------------------------------------------------------------------ trimmed text


def test_text_is_trimmed_on_every_path(client, world) -> None:  # type: ignore[no-untyped-def]
    permit = "91360700MA38P2K51K001P"
    login(client, "filer_a@test.cn")
    # the workbook
    document = document_from_json(example_text(EXAMPLE))
    data = render_upload_workbook(document.kind, [document], code_lists=code_lists_from_reference(default_reference()))
    book = load_workbook(io.BytesIO(data))
    ws = book["基本信息"]
    header = [str(c.value).split("\n")[1] for c in ws[1]]
    ws.cell(row=2, column=header.index("enterprise.permit_number") + 1, value=permit + " ")
    ws.cell(row=2, column=header.index("enterprise.contact_name") + 1, value="  王敏\t")
    out = io.BytesIO()
    book.save(out)
    outcome = import_workbook(world.users["filer_a"], out.getvalue(), "spaces.xlsx")
    assert outcome.ok, [e.describe() for e in outcome.errors]
    db.session.refresh(world.filing_a)
    stored = filing_service.draft_document(world.filing_a)
    assert stored.enterprise.permit_number == permit and len(stored.enterprise.permit_number) == 22
    assert stored.enterprise.contact_name == "王敏"
    # the API
    user = world.users["filer_a"]
    token = tokens.issue(user, user, name="spaces", scope="write")[1]
    db.session.commit()
    body = _modified("enterprise.permit_number", " " + permit + "  ")
    response = client.put(f"/api/v1/filings/{world.filing_a.id}/draft", data=dumps(body),
                          content_type="application/json",
                          headers={"Authorization": f"Bearer {token}", "If-Match": f'"{world.filing_a.revision}"',
                                   "Prefer": "return=representation"})  # the document only on request (issue 19)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["document"]["enterprise"]["permit_number"] == permit
    assert not [f for f in response.get_json()["findings"] if f["rule"] == "ENT-004"]
    # the form
    url = f"/filings/{world.filing_a.id}/edit/profile"
    fields = MultiDict()
    _form_fields(loads(example_text(EXAMPLE))["enterprise"], "enterprise", fields)
    fields.setlist("enterprise-permit_number", [permit + "   "])
    page = client.get(url).get_data(as_text=True)
    fields["revision"] = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    fields["action"] = "save"
    assert client.post(url, data=fields).status_code == 302
    db.session.refresh(world.filing_a)
    assert filing_service.draft_document(world.filing_a).enterprise.permit_number == permit
    assert canonical_json(filing_service.draft_document(world.filing_a)).count(permit + " ") == 0
