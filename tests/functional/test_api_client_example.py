"""docs/api_client_example.py files a report end to end (create, put, check, explain, submit, download PDF)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import PASSWORD, example_text

EXAMPLE_CLIENT = Path(__file__).resolve().parents[2] / "docs" / "api_client_example.py"


def _client_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("api_client_example", EXAMPLE_CLIENT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_the_client_example_files_a_report_and_downloads_its_signed_pdf(client, world) -> None:  # type: ignore[no-untyped-def]
    from portal.extensions import db
    from portal.services import tokens

    example = _client_module()
    user = world.users["signatory_a"]
    token = tokens.issue(user, user, name="client example", scope="write")[1]
    db.session.commit()

    def transport(method, url, headers, body):  # type: ignore[no-untyped-def]
        # The example's own requests, sent to the app in process instead of over a socket.
        response = client.open(url.removeprefix("http://portal.test"), method=method, headers=dict(headers),
                               data=body)
        return response.status_code, dict(response.headers), response.data

    portal = example.PortalClient("http://portal.test", token, transport=transport)
    document = json.loads(example_text("ghg-jx-cement-2024.json"))
    document["fuels"][0]["consumption"] = 170000  # 7.3 % off the permit report: a warning to explain
    with pytest.raises(SystemExit, match="warnings to explain"):
        example.file_report(portal, world.a.id, document, PASSWORD)
    version, pdf = example.file_report(portal, world.a.id, document, PASSWORD, explanation="新增熟料生产线")
    assert version["number"] == 1 and len(version["sha256"]) == 64
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf
    # a refusal arrives as the Problem the example raises, with the problem's type and status
    with pytest.raises(example.Problem) as refused:
        portal.open_filing(world.b.id, "ghg_annual_report", 2024)  # another enterprise's
    assert refused.value.status == 404 and refused.value.type == "/api/v1/problems/not-found"
