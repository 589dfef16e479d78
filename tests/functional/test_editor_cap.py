"""The section editor at the line cap (issue 19 item 5): a 5,000-line table is drawn 100 rows a page.

Saving a page puts its rows back into the draft's list by index, under the revision check; every line of
the other pages stays byte for byte as it was; the cap (common.MAX_LINES) counts the whole list.
"""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from werkzeug.datastructures import MultiDict

from portal.domain.codec import canonical_json, document_from_json
from portal.domain.common import MAX_LINES
from portal.extensions import db
from portal.services import filings as filing_service
from portal.web.drafts import PAGE_ROWS
from tests.conftest import login

URL = "/filings/{id}/edit/fuels"


def _long_draft(world, count: int = MAX_LINES) -> str:  # type: ignore[no-untyped-def]
    """Give enterprise A's draft ``count`` fuel lines: "L<i>", bituminous, i + 1 t, NCV 22.8 measured."""
    document = filing_service.draft_document(world.filing_a)
    line = document.fuels[0]  # 1#窑 bituminous, NCV 22.8, CC and OF left to the defaults
    fuels = [dataclasses.replace(line, source=f"L{i}", consumption=Decimal(i + 1)) for i in range(count)]
    world.filing_a.draft_json = canonical_json(dataclasses.replace(document, fuels=fuels))
    db.session.commit()  # a savepoint release (see tests/conftest.py ``world``)
    return world.filing_a.draft_json


class _DraftForm(HTMLParser):
    """Collect what a browser posts from form#draft-form: inputs, selected options (no buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: MultiDict = MultiDict()
        self.inside = False
        self.select: str | None = None
        self.chosen: str | None = None
        self.first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "draft-form"
        elif tag == "template":
            self.inside = False  # the empty row draft-form.js clones is not posted
        elif self.inside and tag == "input" and a.get("name") and a.get("type") not in ("checkbox", "radio"):
            self.data.add(a["name"], a.get("value") or "")
        elif self.inside and tag == "select":
            self.select, self.chosen, self.first = a.get("name"), None, None
        elif self.select and tag == "option":
            if self.first is None:
                self.first = a.get("value") or ""
            if "selected" in a:
                self.chosen = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select:
            self.data.add(self.select, self.chosen if self.chosen is not None else self.first or "")
            self.select = None
        elif tag == "template":
            self.inside = True
        elif tag == "form":
            self.inside = False


def _posted(page: str) -> MultiDict:
    parser = _DraftForm()
    parser.feed(page)
    data = parser.data
    data["action"] = "save"
    return data


def _rows_drawn(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-row id="fuels-(\d+)"', page)]


def _lines(text: str) -> list[str]:
    """Return each fuel line of a draft as its JSON text (keys sorted, numbers as written)."""
    raw = json.loads(text, parse_float=str, parse_int=str)
    return [json.dumps(line, ensure_ascii=False, sort_keys=True) for line in raw["fuels"]]


def test_the_editor_of_a_5000_line_draft_draws_one_page(client, world) -> None:  # type: ignore[no-untyped-def]
    assert (MAX_LINES, PAGE_ROWS) == (5000, 100)
    _long_draft(world)
    login(client, "filer_a@test.cn")
    url = URL.format(id=world.filing_a.id)
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _rows_drawn(page) == list(range(100))  # 1–100 (the <template> row is "fuels-__INDEX__")
    assert "第 1 / 50 页：第 1–100 行，共 5,000 行（每页 100 行）" in page
    assert len(response.get_data()) < 1_000_000  # was 27 MB with every row drawn
    assert 'name="page_start" value="0"><input type="hidden" name="page_rows" value="100">' in page
    # the side panel lists the page's 100 lines, not 5,000
    assert page.count('<li>\n            <a href="#fuels-') == 100

    page = client.get(url + "?page=3").get_data(as_text=True)
    assert _rows_drawn(page) == list(range(200, 300))  # rows 201–300, keeping their index in the list
    assert 'id="fuels-250-consumption"' in page and 'value="251"' in page
    assert 'data-row-start="200" data-other-rows="4900"' in page
    assert '<span class="row-no">201</span>' in page
    assert f'aria-current="page" href="/filings/{world.filing_a.id}/edit/fuels?page=3">3<' in page

    # 跳到第几行: row 250 is on page 3; out of range pages and rows are drawn as the nearest page
    assert _rows_drawn(client.get(url + "?row=250").get_data(as_text=True))[0] == 200
    assert _rows_drawn(client.get(url + "?page=999").get_data(as_text=True)) == list(range(4900, 5000))
    assert _rows_drawn(client.get(url + "?page=abc").get_data(as_text=True))[0] == 0
    page = client.get(url + "?row=6000").get_data(as_text=True)
    assert "本表共 5,000 行，没有第 6000 行。" in page and _rows_drawn(page)[0] == 4900


def test_saving_page_3_keeps_every_other_line_byte_identical(client, world) -> None:  # type: ignore[no-untyped-def]
    before = _long_draft(world)
    revision = world.filing_a.revision
    login(client, "filer_a@test.cn")
    url = URL.format(id=world.filing_a.id)
    data = _posted(client.get(url + "?page=3").get_data(as_text=True))
    assert data["page_start"] == "200" and data["page_rows"] == "100"
    assert data["fuels-250-consumption"] == "251"
    data["fuels-250-consumption"] = "4321"
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(url + "?saved=1&page=3")

    db.session.refresh(world.filing_a)
    after = world.filing_a.draft_json
    assert world.filing_a.revision == revision + 1
    old, new = _lines(before), _lines(after)
    assert len(new) == MAX_LINES
    changed = [i for i in range(MAX_LINES) if old[i] != new[i]]
    assert changed == [250]
    assert json.loads(new[250])["consumption"] == "4321"
    # and the draft is exactly the old one with that one value changed
    document = document_from_json(before)
    fuels = list(document.fuels)
    fuels[250] = dataclasses.replace(fuels[250], consumption=Decimal(4321))
    assert after == canonical_json(dataclasses.replace(document, fuels=fuels))

    # the page saved is shown again, with the value kept
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "本节已保存" in page and 'value="4321"' in page and _rows_drawn(page)[0] == 200


def test_a_page_saved_against_an_older_revision_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    _long_draft(world)
    login(client, "filer_a@test.cn")
    url = URL.format(id=world.filing_a.id)
    data = _posted(client.get(url + "?page=3").get_data(as_text=True))
    other = _posted(client.get(url + "?page=7").get_data(as_text=True))
    other["fuels-650-consumption"] = "7"
    assert client.post(url, data=other).status_code == 302  # someone saves page 7 first
    saved = world.filing_a.draft_json
    data["fuels-250-consumption"] = "4321"
    response = client.post(url, data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'value="4321"' in page  # the input is kept on the page drawn again
    db.session.refresh(world.filing_a)
    assert world.filing_a.draft_json == saved


def test_removing_a_row_on_a_page_splices_the_list(client, world) -> None:  # type: ignore[no-untyped-def]
    before = _lines(_long_draft(world, 250))
    login(client, "filer_a@test.cn")
    url = URL.format(id=world.filing_a.id)
    data = _posted(client.get(url + "?page=2").get_data(as_text=True))
    # without JavaScript: remove row 151 (index 150), the page is drawn again numbered from 100
    data["action"] = "remove:fuels-150"
    page = client.post(url, data=data).get_data(as_text=True)
    assert _rows_drawn(page) == list(range(100, 199))
    data = _posted(page)
    assert data["page_start"] == "100" and data["page_rows"] == "100"
    assert data["fuels-150-source"] == "L151"
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(world.filing_a)
    after = _lines(world.filing_a.draft_json)
    assert after == before[:150] + before[151:]  # 249 lines, the others unchanged and in order


def test_the_5001st_line_is_refused_with_the_cap_message(client, world) -> None:  # type: ignore[no-untyped-def]
    saved = _long_draft(world)
    login(client, "filer_a@test.cn")
    url = URL.format(id=world.filing_a.id)
    page = client.get(url + "?page=50").get_data(as_text=True)
    button = re.search(r'<button[^>]*data-add-row="fuels"[^>]*>', page).group(0)
    assert 'data-max-rows="5000"' in button and "disabled" in button  # 4,900 on other pages + 100 here
    data = _posted(page)
    assert data["page_start"] == "4900"
    data["action"] = "add:fuels"  # without JavaScript: one more row, drawn as row 5,001
    page = client.post(url, data=data).get_data(as_text=True)
    assert _rows_drawn(page)[-1] == 5000
    data = _posted(page)
    data["fuels-5000-source"] = "L5000"
    data["fuels-5000-fuel"] = "bituminous"
    data["fuels-5000-consumption"] = "1"
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "化石燃料燃烧最多 5,000 行（共 5,001 行）" in page
    assert 'value="L5000"' in page  # kept on the page
    db.session.refresh(world.filing_a)
    assert world.filing_a.draft_json == saved

    preview = client.post(url + "/preview", data=data)
    assert preview.status_code == 422
    assert any("最多 5,000 行" in e["message"] for e in preview.get_json()["errors"])


def test_the_preview_of_a_page_sends_its_lines_and_the_totals_of_the_whole_list(client, world) -> None:  # type: ignore[no-untyped-def]
    _long_draft(world, 300)
    login(client, "filer_a@test.cn")
    url = URL.format(id=world.filing_a.id)
    data = _posted(client.get(url + "?page=3").get_data(as_text=True))
    data["fuels-250-consumption"] = "4321"
    response = client.post(url + "/preview", data=data)
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    anchors = [line["anchor"] for line in body["panel"]["lines"]]
    assert anchors == [f"fuels-{i}" for i in range(200, 300)]
    # 4321 t × 22.8 GJ/t × 0.02618 tC/GJ (mee-2024 default) × 0.99 × 44/12 = 9,362.58 tCO2
    line = body["panel"]["lines"][50]
    assert line["arithmetic"].startswith("4321 × 22.8 × 0.02618 × 0.99 × 44/12 = 9362.5")
    assert "4321" not in world.filing_a.draft_json  # nothing saved
